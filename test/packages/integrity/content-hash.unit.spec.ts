import { createHash } from 'node:crypto';
import { expect } from 'chai';
import canonicalize from 'canonicalize';
import type { RecordedEvent } from '@quanze/events';
import { NotCanonicalJson, canonicalEventBytes, contentHash, eventLeafHash, hashedEnvelope, toHex } from '@quanze/integrity';

const event: RecordedEvent = {
  eventId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
  type: 'decision.made.v1',
  streamId: 'decision-42',
  streamVersion: 1,
  position: 7,
  occurredAt: '2026-03-01T08:00:00.000Z',
  recordedAt: '2026-03-01T08:00:01.250Z',
  actor: { personId: 'p-1', postId: 'post-9', unitId: null },
  causationId: null,
  correlationId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c',
  commandId: 'cmd-1',
  data: { title: '关于调整公交票价的决定', amount: 1.5, big: 1e21, note: 'tab\there\u001f', tags: ['a', 'b'], 'ｱ': 1, '😀': 2 },
};

// Written by hand from RFC 8785: members sorted by UTF-16 code units (so "😀", U+D83D…, sorts before "ｱ",
// U+FF71, although its code point is larger), ECMAScript numbers (1e21 → 1e+21), only the mandatory escapes,
// lowercase \u00xx for other controls. The hashes below were computed from this text with Python's hashlib, not
// with the code under test.
const CANONICAL =
  '{"actor":{"personId":"p-1","postId":"post-9","unitId":null},"causationId":null,"commandId":"cmd-1",' +
  '"correlationId":"0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c","data":{"amount":1.5,"big":1e+21,"note":"tab\\there\\u001f",' +
  '"tags":["a","b"],"title":"关于调整公交票价的决定","😀":2,"ｱ":1},"eventId":"0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",' +
  '"occurredAt":"2026-03-01T08:00:00.000Z","position":7,"recordedAt":"2026-03-01T08:00:01.250Z",' +
  '"streamId":"decision-42","streamVersion":1,"type":"decision.made.v1"}';
const CONTENT_HASH = '2e42e5e0d11dbedd6db47c6c9ab52b2b7409af3d5033c5e0ef053df997d71422';
const LEAF_HASH = '650100b552da80c2657edd7f6cb1dbae085f10d8f11902b33b195f0ebf27758b';

describe('the content hash of an event', function () {
  it('is SHA-256 over the RFC 8785 canonical JSON of the envelope and the data, as UTF-8', function () {
    expect(new TextDecoder().decode(canonicalEventBytes(event))).to.equal(CANONICAL);
    expect(toHex(contentHash(event))).to.equal(CONTENT_HASH);
  });

  it('becomes the Merkle leaf as SHA-256(0x00 ‖ content hash)', function () {
    expect(toHex(eventLeafHash(event))).to.equal(LEAF_HASH);
  });

  it('does not depend on the order in which the members were written', function () {
    const reordered = Object.fromEntries(Object.entries(event).reverse()) as unknown as RecordedEvent;
    const data = Object.fromEntries(Object.entries(event.data as Record<string, unknown>).reverse());
    expect(toHex(contentHash({ ...reordered, data }))).to.equal(CONTENT_HASH);
  });

  it('covers every field of the envelope, the times included', function () {
    const changes: Partial<RecordedEvent>[] = [
      { type: 'decision.revoked.v1' },
      { streamId: 'decision-43' },
      { streamVersion: 2 },
      { position: 8 },
      { occurredAt: '2026-03-01T08:00:00.001Z' },
      { recordedAt: '2026-03-01T08:00:01.251Z' },
      { actor: { personId: 'p-2', postId: 'post-9', unitId: null } },
      { actor: { personId: 'p-1', postId: null, unitId: null } },
      { eventId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5d' },
      { causationId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b' },
      { correlationId: null },
      { commandId: 'cmd-2' },
      { data: { ...(event.data as object), amount: 1.50000001 } },
    ];
    const hashes = changes.map((change) => toHex(contentHash({ ...event, ...change })));
    expect(new Set([CONTENT_HASH, ...hashes]).size).to.equal(changes.length + 1);
  });

  it('leaves out what is not part of the envelope', function () {
    const withExtra = { ...event, decoration: 'not stored' } as RecordedEvent;
    expect(toHex(contentHash(withExtra))).to.equal(CONTENT_HASH);
  });

  it('writes -0 as 0, as RFC 8785 requires', function () {
    expect(toHex(contentHash({ ...event, data: { zero: -0 } }))).to.equal(toHex(contentHash({ ...event, data: { zero: 0 } })));
  });

  it('sorts member names that are array indexes as text, not as numbers, and keeps __proto__ as a member', function () {
    // JavaScript enumerates "10" before "9" and both before "-1"; RFC 8785 sorts them as UTF-16 text. Written by hand.
    const data = JSON.parse('{"9":"nine","10":"ten","-1":"minus","a":{"2":2,"1":1},"__proto__":{"z":1,"y":2},"path":"C:\\\\udata"}') as unknown;
    const expected =
      '{"actor":{"personId":"p-1","postId":"post-9","unitId":null},"causationId":null,"commandId":"cmd-1",' +
      '"correlationId":"0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c","data":{"-1":"minus","10":"ten","9":"nine","__proto__":{"y":2,"z":1},' +
      '"a":{"1":1,"2":2},"path":"C:\\\\udata"},"eventId":"0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",' +
      '"occurredAt":"2026-03-01T08:00:00.000Z","position":7,"recordedAt":"2026-03-01T08:00:01.250Z",' +
      '"streamId":"decision-42","streamVersion":1,"type":"decision.made.v1"}';
    expect(new TextDecoder().decode(canonicalEventBytes({ ...event, data }))).to.equal(expected);
    expect(toHex(contentHash({ ...event, data }))).to.equal(createHash('sha256').update(expected, 'utf8').digest('hex'));
  });

  it('gives the same bytes as the canonicalize package for many random events', function () {
    // A seeded generator (mulberry32): every run checks the same 2,000 events, each with nested objects, arrays,
    // numbers of every form, escapes, non-ASCII and astral text, and member names that are digits or __proto__.
    let seed = 0x5eed;
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const pick = <T>(options: readonly T[]): T => options[Math.floor(random() * options.length)] as T;
    const names = ['a', 'b', 'Z', 'title', '10', '9', '0', '-1', '__proto__', 'ｱ', '😀', 'é', '', ' ', 'a\u0000', 'tab\t', 'constructor', 'toJSON'];
    const texts = ['', 'plain', '关于调整公交票价的决定', 'quote " and \\ backslash', '\u0000\u001f\u007f', '\u2028\u2029', '😀 astral', 'C:\\udata', '\b\f\n\r\t'];
    const numbers = [0, -0, 1, -1, 1.5, 0.1 + 0.2, 1e21, 1e-7, 123456789012345680000, 5e-324, Number.MAX_SAFE_INTEGER, -1.7976931348623157e308, 333333333.3333333, 4.50, 2e-3, 0.000001];
    const value = (depth: number): unknown => {
      const kind = depth > 3 ? Math.floor(random() * 4) : Math.floor(random() * 6);
      if (kind === 0) return pick(texts);
      if (kind === 1) return random() < 0.5 ? pick(numbers) : (random() - 0.5) * 10 ** Math.floor(random() * 40 - 20);
      if (kind === 2) return pick([true, false]);
      if (kind === 3) return null;
      if (kind === 4) return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
      return JSON.parse(JSON.stringify(Object.fromEntries(Array.from({ length: Math.floor(random() * 5) }, () => [pick(names), value(depth + 1)])))) as unknown;
    };
    for (let index = 0; index < 2000; index++) {
      const data = JSON.parse(`{"n":${String(index)},"v":${JSON.stringify(value(0))}}`) as unknown;
      const candidate = { ...event, position: index + 1, actor: { personId: pick(texts), postId: null, unitId: pick([null, 'u-1']) }, data };
      expect(new TextDecoder().decode(canonicalEventBytes(candidate))).to.equal(canonicalize(hashedEnvelope(candidate)));
    }
  });

  describe('refuses, naming the place, a value that has no canonical JSON', function () {
    const holed: unknown[] = [1];
    holed[2] = 3;
    const cases: [string, unknown, string][] = [
      ['NaN', { amount: Number.NaN }, 'event.data.amount'],
      ['Infinity', { amount: Number.POSITIVE_INFINITY }, 'event.data.amount'],
      ['a lone surrogate', { text: 'broken \ud800 text' }, 'event.data.text'],
      ['a lone surrogate in a member name', { ['\udc00']: 1 }, 'event.data'],
      ['undefined', { missing: undefined }, 'event.data.missing'],
      ['a hole in an array', { list: holed }, 'event.data.list[1]'],
      ['a function', { call: () => 1 }, 'event.data.call'],
      ['a bigint', { count: 10n }, 'event.data.count'],
      ['a Date', { when: new Date(0) }, 'event.data.when'],
      ['a Map', { lookup: new Map() }, 'event.data.lookup'],
    ];
    it('a missing envelope field', function () {
      const { actor: _actor, ...withoutActor } = event;
      expect(() => contentHash(withoutActor as RecordedEvent)).to.throw(NotCanonicalJson, 'event.actor is undefined');
    });

    for (const [what, data, path] of cases) {
      it(what, function () {
        expect(() => contentHash({ ...event, data })).to.throw(NotCanonicalJson).with.property('path', path);
      });
    }
  });
});

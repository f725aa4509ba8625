import canonicalize from 'canonicalize';
import type { RecordedEvent } from '@quanze/events';
import { leafHash, sha256Text } from './hashing.js';

/**
 * The value given for hashing is not plain JSON, so it has no RFC 8785 form (and could not have come back from
 * the store like this): a function, a symbol, a bigint, `undefined`, a number that is not finite, a string with a
 * lone surrogate, or an object that is not a plain object or array (a Date, a Map, a class instance).
 */
export class NotCanonicalJson extends Error {
  readonly code = 'integrity.not-canonical-json';
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path} ${reason}: an event is hashed as RFC 8785 JSON, which cannot express it`);
    this.name = 'NotCanonicalJson';
  }
}

/**
 * The members of the hashed entry, and nothing else: the envelope the store holds (type, stream, version,
 * position, both times, actor, the four ids) and the data. The times are inside the hash so that a
 * timestamp cannot be rewritten without changing the leaf (Rekor kept its integrated time outside and
 * learnt that lesson).
 */
export function hashedEnvelope(event: RecordedEvent): Record<string, unknown> {
  return {
    type: event.type,
    streamId: event.streamId,
    streamVersion: event.streamVersion,
    position: event.position,
    occurredAt: event.occurredAt,
    recordedAt: event.recordedAt,
    actor: event.actor,
    eventId: event.eventId,
    causationId: event.causationId,
    correlationId: event.correlationId,
    commandId: event.commandId,
    data: event.data,
  };
}

/**
 * The event's RFC 8785 (JCS) canonical JSON as UTF-8 bytes: members sorted by UTF-16 code units, no
 * whitespace, ECMAScript number formatting. See docs/INTEGRITY.md, "The content hash".
 */
export function canonicalEventBytes(event: RecordedEvent): Uint8Array {
  return new TextEncoder().encode(canonicalEventText(event));
}

/** The canonical JSON as a string (what `canonicalEventBytes` encodes as UTF-8). */
export function canonicalEventText(event: RecordedEvent): string {
  return fastCanonicalText(event) ?? checkedCanonicalText(event);
}

/** SHA-256 of the canonical event bytes: the event's content hash, and the entry its Merkle leaf is made of. */
export function contentHash(event: RecordedEvent): Uint8Array {
  return sha256Text(canonicalEventText(event));
}

/** The event's leaf in the log: SHA-256(0x00 ‖ contentHash(event)). */
export function eventLeafHash(event: RecordedEvent): Uint8Array {
  return leafHash(contentHash(event));
}

/** The reference path: every value walked and refused by name, then serialised by `canonicalize`. */
function checkedCanonicalText(event: RecordedEvent): string {
  const envelope = hashedEnvelope(event);
  assertCanonicalJson(envelope, 'event');
  const text = canonicalize(envelope);
  if (text === undefined) throw new NotCanonicalJson('event', 'has no JSON form');
  return text;
}

/**
 * The same text as `canonicalize`, about twice as fast, or undefined for anything out of the ordinary (which then
 * takes the reference path, and is refused there by name if it must be).
 *
 * RFC 8785 serialises strings and numbers exactly as ECMAScript's JSON.stringify does (§3.2.2.2, §3.2.2.3), so the
 * canonical text is JSON.stringify of a copy whose members were inserted in sorted order. Two things would make a
 * JavaScript object not keep that order, and both leave the fast path: a member name that starts with a digit (array
 * indexes such as "10" are always enumerated first and in numeric order) and `__proto__` (assigning it sets the
 * prototype). A lone surrogate, which JCS cannot express, is written by JSON.stringify as a `\udxxx` escape; any
 * `\ud` in the text (rarely, a real backslash followed by "ud") leaves the fast path too.
 */
function fastCanonicalText(event: RecordedEvent): string | undefined {
  // Inserted in sorted order by hand: the envelope's member names are fixed.
  const envelope = {
    actor: sortedCopy(event.actor),
    causationId: sortedCopy(event.causationId),
    commandId: sortedCopy(event.commandId),
    correlationId: sortedCopy(event.correlationId),
    data: sortedCopy(event.data),
    eventId: sortedCopy(event.eventId),
    occurredAt: sortedCopy(event.occurredAt),
    position: sortedCopy(event.position),
    recordedAt: sortedCopy(event.recordedAt),
    streamId: sortedCopy(event.streamId),
    streamVersion: sortedCopy(event.streamVersion),
    type: sortedCopy(event.type),
  };
  for (const name in envelope) if (envelope[name as keyof typeof envelope] === NOT_PLAIN) return undefined;
  const text = JSON.stringify(envelope);
  return text.includes('\\ud') ? undefined : text;
}

const NOT_PLAIN: unique symbol = Symbol('not plain JSON');

/** A copy of a JSON value with every object's members inserted in UTF-16 code unit order, or NOT_PLAIN. */
function sortedCopy(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : NOT_PLAIN;
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) {
        const copy: unknown[] = new Array<unknown>(value.length);
        for (let index = 0; index < value.length; index++) {
          // By index: a hole reads as undefined and is not plain.
          const member = sortedCopy(value[index]);
          if (member === NOT_PLAIN) return NOT_PLAIN;
          copy[index] = member;
        }
        return copy;
      }
      if (!isPlainObject(value)) return NOT_PLAIN;
      const source = value as Record<string, unknown>;
      const names = Object.keys(source);
      // An object whose members are in order already and whose members need no copy is taken as it is.
      let same = true;
      for (let index = 0; index < names.length; index++) {
        const name = names[index] as string;
        const first = name.charCodeAt(0);
        if ((first >= 0x30 && first <= 0x39) || name === '__proto__') return NOT_PLAIN;
        if (index > 0 && !((names[index - 1] as string) < name)) same = false;
      }
      const members: unknown[] = new Array<unknown>(names.length);
      for (let index = 0; index < names.length; index++) {
        const original = source[names[index] as string];
        const member = sortedCopy(original);
        if (member === NOT_PLAIN) return NOT_PLAIN;
        if (member !== original) same = false;
        members[index] = member;
      }
      if (same) return source;
      // Array.prototype.sort without a comparator compares UTF-16 code units, as RFC 8785 §3.2.3 asks (and so does <).
      const order = names.map((_, index) => index).sort((a, b) => ((names[a] as string) < (names[b] as string) ? -1 : 1));
      const copy: Record<string, unknown> = {};
      for (const index of order) copy[names[index] as string] = members[index];
      return copy;
    }
    case 'undefined':
    case 'bigint':
    case 'symbol':
    case 'function':
      return NOT_PLAIN;
  }
}

/**
 * `canonicalize` throws for non-finite numbers, lone surrogates and bigints, but turns a function member into
 * the invalid text `undefined` and silently drops `undefined` and symbol members; JSON.parse never yields
 * any of them, so meeting one means the event did not come from the store and is refused by name.
 */
function assertCanonicalJson(value: unknown, path: string): void {
  switch (typeof value) {
    case 'boolean':
      return;
    case 'string':
      if (/\p{Surrogate}/u.test(value)) throw new NotCanonicalJson(path, 'contains a lone surrogate');
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new NotCanonicalJson(path, `is ${String(value)}`);
      return;
    case 'object':
      if (value === null) return;
      if (Array.isArray(value)) {
        // By index, not forEach: a hole in a sparse array must be refused, not skipped.
        for (let index = 0; index < value.length; index++) assertCanonicalJson(value[index], `${path}[${index}]`);
        return;
      }
      if (!isPlainObject(value)) throw new NotCanonicalJson(path, 'is not a plain object');
      for (const [key, member] of Object.entries(value)) {
        if (/\p{Surrogate}/u.test(key)) throw new NotCanonicalJson(path, 'has a member name with a lone surrogate');
        assertCanonicalJson(member, `${path}.${key}`);
      }
      return;
    case 'undefined':
      throw new NotCanonicalJson(path, 'is undefined');
    case 'bigint':
    case 'symbol':
    case 'function':
      throw new NotCanonicalJson(path, `is a ${typeof value}`);
  }
}

function isPlainObject(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

import canonicalize from 'canonicalize';
import type { RecordedEvent } from '@quanze/events';
import { leafHash, sha256 } from './hashing.js';

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
  const envelope = hashedEnvelope(event);
  assertCanonicalJson(envelope, 'event');
  const text = canonicalize(envelope);
  if (text === undefined) throw new NotCanonicalJson('event', 'has no JSON form');
  return new TextEncoder().encode(text);
}

/** SHA-256 of the canonical event bytes: the event's content hash, and the entry its Merkle leaf is made of. */
export function contentHash(event: RecordedEvent): Uint8Array {
  return sha256(canonicalEventBytes(event));
}

/** The event's leaf in the log: SHA-256(0x00 ‖ contentHash(event)). */
export function eventLeafHash(event: RecordedEvent): Uint8Array {
  return leafHash(contentHash(event));
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

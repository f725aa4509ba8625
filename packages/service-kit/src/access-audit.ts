import { ACCESS_PARAMETERS_MAX_KEYS, ACCESS_PARAMETER_MAX_LENGTH, ledgerRegistry, newEventId } from '@quanze/events';
import type { AccessParameters, AccessQueriedV1 } from '@quanze/events';
import type { EventStore } from '@quanze/eventstore';
import { StoreUnavailable } from '@quanze/eventstore';
import { actorOf, hasRole } from './principal.js';
import type { Principal, Role } from './principal.js';

/**
 * Whose queries are recorded (访问留痕): supervision (监察), the judicial authorities (法院、检察院、公安) and analysts —
 * the users who read across units and persons. The public, clerks, heads, legal reviewers and administrators read
 * only what is theirs or public, and are not recorded.
 */
export const AUDITED_ROLES: readonly Role[] = ['supervision', 'court', 'procuratorate', 'public-security', 'analyst'];

export function isAudited(caller: Principal | null): caller is Principal {
  return hasRole(caller, ...AUDITED_ROLES);
}

/** The stream a person's recorded queries go to. */
export function accessStreamOf(personId: string): string {
  return `access-${personId}`;
}

/** At most `max` UTF-16 units, marked with … when cut, never cutting a surrogate pair in two. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  if (/[\uD800-\uDBFF]/.test(text.charAt(end - 1))) end -= 1;
  return `${text.slice(0, end)}…`;
}

const bounded = (text: string) => cut(text, ACCESS_PARAMETER_MAX_LENGTH);

/**
 * The parameters as the event keeps them: scalars as they are, strings cut at the event's limit, objects and
 * arrays as their JSON, absent ones (and functions) left out, and no more keys than the event allows (in the order
 * given). A query must never fail because its parameters were too long to record — nor pass unrecorded.
 */
export function recordableParameters(parameters: Readonly<Record<string, unknown>>): AccessParameters {
  const recorded: Record<string, AccessParameters[string]> = {};
  for (const [name, value] of Object.entries(parameters)) {
    if (Object.keys(recorded).length >= ACCESS_PARAMETERS_MAX_KEYS) break;
    if (value === undefined || !/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/.test(name)) continue;
    if (value === null || typeof value === 'boolean') recorded[name] = value;
    else if (typeof value === 'number') recorded[name] = Number.isFinite(value) ? value : String(value);
    else if (typeof value === 'string') recorded[name] = bounded(value);
    else if (typeof value === 'bigint') recorded[name] = bounded(value.toString());
    else if (typeof value === 'object') recorded[name] = bounded(JSON.stringify(value));
  }
  return recorded;
}

/** What a recorded query was: the operation, its subject where it has one, and its parameters. */
export interface AccessQuery {
  readonly operationId: string;
  readonly subject: string | null;
  readonly parameters: Readonly<Record<string, unknown>>;
}

export type AccessRecorder = (caller: Principal | null, query: AccessQuery) => Promise<void>;

/**
 * Records queries (访问留痕): appends `access.queried.v1` to `access-<personId>` for an audited
 * caller, and does nothing for anyone else. Routes call it before they read anything, and the answer waits for the
 * append: when it fails, the query fails with 503 (`eventstore.unavailable`, with `Retry-After`) and nothing is
 * answered — never an unrecorded answer.
 */
export function createAccessRecorder(store: EventStore, clock: () => Date = () => new Date()): AccessRecorder {
  return async (caller, query) => {
    if (!isAudited(caller)) return;
    const when = clock().toISOString();
    const data: AccessQueriedV1 = {
      who: { personId: caller.personId, postId: caller.postId, unitId: caller.unitId, roles: [...caller.roles] },
      what: { operationId: query.operationId, subject: query.subject === null ? null : cut(query.subject, 300), parameters: recordableParameters(query.parameters) },
      when,
    };
    try {
      const event = ledgerRegistry.validateProposed({
        eventId: newEventId(),
        type: 'access.queried.v1',
        occurredAt: when,
        actor: actorOf(caller),
        causationId: null,
        correlationId: null,
        commandId: null,
        data,
      });
      await store.appendToStream(accessStreamOf(caller.personId), [event], { expectedVersion: 'any' });
    } catch (error) {
      throw new StoreUnavailable(`the query could not be recorded (访问留痕), so it is not answered: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
  };
}

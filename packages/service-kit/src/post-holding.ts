import { createEventRegistry, personAppointedV1, personRemovedV1, personRetiredV1 } from '@quanze/events';
import type { EventStore } from '@quanze/eventstore';
import { DomainError } from './domain-error.js';
import type { Principal } from './principal.js';

/**
 * The token names a post or unit its holder no longer holds: rotated (轮岗), removed or retired since it was issued.
 * Recording the act under that post would put it on the wrong desk for good, so the command is refused.
 */
export class PostNotHeld extends DomainError {
  readonly code = 'auth.post-not-held';
  constructor(readonly principal: Principal) {
    super(
      principal.postId === null
        ? `${principal.personId} holds no post in unit ${String(principal.unitId)} now: ask for a token for the post held today`
        : `${principal.personId} does not hold post ${principal.postId} in unit ${String(principal.unitId)} now: ask for a token for the post held today`,
    );
  }
}

export type ActorCheck = (principal: Principal) => Promise<void>;

const appointments = createEventRegistry({ events: [personAppointedV1, personRemovedV1, personRetiredV1] });

/**
 * Every event records its actor as the person, post and unit at that moment. A token carries them as they were
 * when it was issued; this check holds them against the organisation's record before a command is decided: the
 * person must hold the token's post in the token's unit (or, for a token naming only a unit, some post in it).
 * Tokens naming neither (an administrator, the seeding system) act as the person alone.
 */
export function createPostHoldingCheck(store: EventStore): ActorCheck {
  return async (principal) => {
    if (principal.postId === null && principal.unitId === null) return;
    const held = new Map<string, string>(); // postId → unitId
    for await (const recorded of store.readStream(`person-${principal.personId}`)) {
      if (!appointments.has(recorded.type)) continue;
      const event = appointments.parse(recorded);
      switch (event.type) {
        case 'person.appointed.v1':
          held.set(event.data.postId, event.data.unitId);
          break;
        case 'person.removed.v1':
          held.delete(event.data.postId);
          break;
        case 'person.retired.v1':
          held.clear();
          break;
      }
    }
    const holds =
      principal.postId === null
        ? [...held.values()].includes(principal.unitId ?? '')
        : held.get(principal.postId) === principal.unitId;
    if (!holds) throw new PostNotHeld(principal);
  };
}

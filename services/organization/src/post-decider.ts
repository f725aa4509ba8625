import type { PostRemovalReason, postEvents } from '@quanze/events';
import type { Decider, DomainEventOf } from '@quanze/service-kit';
import { PostHeldByAnother } from './errors.js';
import type { PersonState } from './person-decider.js';

export type PostEvent = DomainEventOf<(typeof postEvents)[number]>;

/** The claim that holds the post now: the person appointed (or being appointed) to it. */
export interface PostClaim {
  readonly personId: string;
  readonly unitId: string;
  readonly occupiedOn: string;
  /** The n-th claim ever made on the post (1-based): a release or vacancy names the claim it ends. */
  readonly claimNumber: number;
  /** How many claims of this person on this post stand (not released), this one included. */
  readonly claimsOfPerson: number;
}

/**
 * 职位占用登记: the stream `post-<postId>` alone decides who may take the post. Every appointment claims it first,
 * appended with this stream's version as the expected one, so two appointments racing for one post cannot both
 * win; removals and retirements vacate it.
 */
export interface PostState {
  readonly holder: PostClaim | null;
  /** The day the last holder left, null when nobody ever left it. */
  readonly lastVacatedOn: string | null;
  readonly claimsMade: number;
  /** Per person: the claims on this post that stand (each was, or is about to be, one appointment). */
  readonly standingClaims: ReadonlyMap<string, number>;
}

export type PostCommand =
  | {
      readonly type: 'OccupyPost';
      readonly postId: string;
      readonly unitId: string;
      readonly personId: string;
      readonly occupiedOn: string;
      /** The person's own claim holds the post but their appointment was never recorded (a crash in between). */
      readonly ownClaimPending: boolean;
    }
  | {
      readonly type: 'VacatePost';
      readonly postId: string;
      readonly claimNumber: number;
      readonly vacatedOn: string;
      readonly reason: PostRemovalReason;
    }
  | { readonly type: 'ReleaseClaim'; readonly postId: string; readonly claimNumber: number; readonly reason: string };

/** Why a claim is replaced by a retry of its appointment with other particulars. */
export const CLAIM_REPLACED_REASON = 'the appointment was sent again with other particulars (unit or date): the earlier claim is replaced';
/** Why the claim of a person who retired before their appointment was recorded is withdrawn. */
export const CLAIM_OF_RETIRED_REASON = 'the person retired (退休) before the appointment was recorded: it can no longer be';

/**
 * Where a claim stands against the holder's own record: `held` when their appointment to the post is on their
 * stream and open, `ended` when it was removed after (the vacancy was not recorded: a crash in between), `pending`
 * when the appointment was never recorded.
 */
export function claimStatus(claim: PostClaim, postId: string, holder: PersonState): 'held' | 'ended' | 'pending' {
  const tenures = holder?.tenures.filter((tenure) => tenure.postId === postId) ?? [];
  const last = tenures.at(-1);
  // Each standing claim of the person is one appointment of theirs to this post: fewer appointments, one pending.
  if (last === undefined || tenures.length < claim.claimsOfPerson) return 'pending';
  return last.removal === null ? 'held' : 'ended';
}

function withStanding(state: PostState, personId: string, change: number): ReadonlyMap<string, number> {
  const standing = new Map(state.standingClaims);
  standing.set(personId, (standing.get(personId) ?? 0) + change);
  return standing;
}

export const postDecider: Decider<PostCommand, PostState, PostEvent> = {
  initialState: { holder: null, lastVacatedOn: null, claimsMade: 0, standingClaims: new Map() },

  decide(command, state) {
    const { holder } = state;
    switch (command.type) {
      case 'OccupyPost': {
        const occupied: PostEvent = {
          type: 'post.occupied.v1',
          data: { postId: command.postId, unitId: command.unitId, personId: command.personId, occupiedOn: command.occupiedOn },
        };
        if (holder === null) return [occupied];
        if (holder.personId !== command.personId) throw new PostHeldByAnother(command.postId, [holder.personId]);
        // The person's own claim: it stands for this appointment when it says the same; a pending claim that says
        // otherwise is replaced, in one append. A claim the person holds by a recorded appointment is not ours to
        // touch: the person decider refuses the second appointment (post-already-held).
        if (holder.unitId === command.unitId && holder.occupiedOn === command.occupiedOn) return [];
        if (!command.ownClaimPending) return [];
        return [
          { type: 'post.claimReleased.v1', data: { postId: command.postId, personId: command.personId, reason: CLAIM_REPLACED_REASON } },
          occupied,
        ];
      }
      case 'VacatePost':
        // Only the claim the removal ended: a later claim (the same person appointed again) stays.
        if (holder?.claimNumber !== command.claimNumber) return [];
        return [
          {
            type: 'post.vacated.v1',
            data: {
              postId: command.postId,
              unitId: holder.unitId,
              personId: holder.personId,
              vacatedOn: command.vacatedOn,
              reason: command.reason,
            },
          },
        ];
      case 'ReleaseClaim':
        if (holder?.claimNumber !== command.claimNumber) return [];
        return [{ type: 'post.claimReleased.v1', data: { postId: command.postId, personId: holder.personId, reason: command.reason } }];
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'post.occupied.v1': {
        const claimsMade = state.claimsMade + 1;
        const standingClaims = withStanding(state, event.data.personId, 1);
        return {
          ...state,
          claimsMade,
          standingClaims,
          holder: {
            personId: event.data.personId,
            unitId: event.data.unitId,
            occupiedOn: event.data.occupiedOn,
            claimNumber: claimsMade,
            claimsOfPerson: standingClaims.get(event.data.personId) ?? 1,
          },
        };
      }
      case 'post.vacated.v1':
        return { ...state, holder: null, lastVacatedOn: event.data.vacatedOn };
      case 'post.claimReleased.v1':
        // Nobody held the post under a released claim: the day it was last left stays what it was.
        return { ...state, holder: null, standingClaims: withStanding(state, event.data.personId, -1) };
    }
  },
};

import { expect } from 'chai';
import { fold } from '@quanze/service-kit';
import { given } from '../../support/decider.js';
import { PostHeldByAnother } from '../../../services/organization/src/errors.js';
import type { PersonEvent } from '../../../services/organization/src/person-decider.js';
import { personDecider } from '../../../services/organization/src/person-decider.js';
import {
  CLAIM_REPLACED_REASON,
  claimStatus,
  postDecider,
} from '../../../services/organization/src/post-decider.js';
import type { PostClaim, PostCommand, PostEvent } from '../../../services/organization/src/post-decider.js';
import { personAppointed, personRegistered, personRemoved } from './fixtures.js';

const occupied = (personId: string, occupiedOn = '2017-01-01', unitId = 'amr'): PostEvent => ({
  type: 'post.occupied.v1',
  data: { postId: 'post-director', unitId, personId, occupiedOn },
});
const vacated = (personId: string, vacatedOn = '2018-06-30'): PostEvent => ({
  type: 'post.vacated.v1',
  data: { postId: 'post-director', unitId: 'amr', personId, vacatedOn, reason: 'rotation' },
});
const released = (personId: string, reason = CLAIM_REPLACED_REASON): PostEvent => ({
  type: 'post.claimReleased.v1',
  data: { postId: 'post-director', personId, reason },
});

function occupy(personId: string, overrides: Partial<Extract<PostCommand, { type: 'OccupyPost' }>> = {}): PostCommand {
  return { type: 'OccupyPost', postId: 'post-director', unitId: 'amr', personId, occupiedOn: '2017-01-01', ownClaimPending: false, ...overrides };
}

function holderOf(events: readonly PostEvent[]): PostClaim {
  const { holder } = fold(postDecider, events);
  if (holder === null) throw new Error('nobody holds the post');
  return holder;
}

describe('the occupancy register of a post (职位占用, stream post-<postId>)', () => {
  describe('when a person is appointed (the claim)', () => {
    it('claims a vacant post for them', () => {
      given(postDecider).when(occupy('zhang')).then([occupied('zhang')]);
    });

    it('claims a post again once its holder has left', () => {
      given(postDecider, [occupied('zhang'), vacated('zhang')]).when(occupy('li', { occupiedOn: '2018-06-30' })).then([occupied('li', '2018-06-30')]);
    });

    it('rejects a post claimed by another person: one holder per post', () => {
      given(postDecider, [occupied('zhang')]).when(occupy('li')).thenThrows(PostHeldByAnother, { holderPersonIds: ['zhang'], fields: [['postId']] });
    });

    it('claims nothing more when the person’s claim already says the same (a retry completes it)', () => {
      given(postDecider, [occupied('zhang')]).when(occupy('zhang', { ownClaimPending: true })).then([]);
    });

    it('replaces the person’s pending claim when the retry says another day', () => {
      given(postDecider, [occupied('zhang')])
        .when(occupy('zhang', { occupiedOn: '2017-02-01', ownClaimPending: true }))
        .then([released('zhang'), occupied('zhang', '2017-02-01')]);
    });

    it('leaves a claim the person holds by a recorded appointment as it is', () => {
      given(postDecider, [occupied('zhang')]).when(occupy('zhang', { occupiedOn: '2017-02-01' })).then([]);
    });
  });

  describe('when the holder leaves', () => {
    it('vacates the post from the day of the removal', () => {
      given(postDecider, [occupied('zhang')])
        .when({ type: 'VacatePost', postId: 'post-director', claimNumber: 1, vacatedOn: '2018-06-30', reason: 'rotation' })
        .then([vacated('zhang')]);
    });

    it('vacates nothing once that claim has ended: a later claim stays', () => {
      given(postDecider, [occupied('zhang'), vacated('zhang'), occupied('zhang', '2019-01-01')])
        .when({ type: 'VacatePost', postId: 'post-director', claimNumber: 1, vacatedOn: '2018-06-30', reason: 'rotation' })
        .then([]);
    });

    it('releases a claim once, and keeps the day the post was last left', () => {
      const history = [occupied('zhang'), vacated('zhang'), occupied('li', '2018-07-01')];
      given(postDecider, history)
        .when({ type: 'ReleaseClaim', postId: 'post-director', claimNumber: 2, reason: 'retired' })
        .then([released('li', 'retired')]);
      given(postDecider, [...history, released('li', 'retired')])
        .when({ type: 'ReleaseClaim', postId: 'post-director', claimNumber: 2, reason: 'retired' })
        .then([]);
      expect(fold(postDecider, [...history, released('li', 'retired')])).to.deep.include({ holder: null, lastVacatedOn: '2018-06-30' });
    });
  });

  describe('where a claim stands against its holder’s record', () => {
    const person = (...events: PersonEvent[]) => fold(personDecider, [personRegistered('zhang'), ...events]);

    it('is pending while the appointment is not on the person’s stream', () => {
      expect(claimStatus(holderOf([occupied('zhang')]), 'post-director', person())).to.equal('pending');
    });

    it('is held once the appointment is recorded', () => {
      expect(claimStatus(holderOf([occupied('zhang')]), 'post-director', person(personAppointed('zhang', 'post-director', 'amr')))).to.equal('held');
    });

    it('has ended when the person was removed but the vacancy was not recorded', () => {
      const record = person(personAppointed('zhang', 'post-director', 'amr'), personRemoved('zhang', 'post-director', 'amr'));
      expect(claimStatus(holderOf([occupied('zhang')]), 'post-director', record)).to.equal('ended');
    });

    it('is pending for a second claim after an earlier tenure of the same post ended', () => {
      const record = person(personAppointed('zhang', 'post-director', 'amr'), personRemoved('zhang', 'post-director', 'amr'));
      const claim = holderOf([occupied('zhang'), vacated('zhang'), occupied('zhang', '2019-01-01')]);
      expect(claim).to.deep.include({ claimNumber: 2, claimsOfPerson: 2 });
      expect(claimStatus(claim, 'post-director', record)).to.equal('pending');
    });

    it('counts a replaced claim once', () => {
      const claim = holderOf([occupied('zhang'), released('zhang'), occupied('zhang', '2017-02-01')]);
      expect(claim).to.deep.include({ claimNumber: 2, claimsOfPerson: 1 });
    });
  });
});

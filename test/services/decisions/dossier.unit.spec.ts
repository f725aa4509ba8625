import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { Actor } from '@quanze/events';
import { dossierOf, publicViewOf, viewFor } from '@quanze/decisions';
import type { DecisionEvent, RecordedDecisionEvent } from '@quanze/decisions';
import { NotPermitted, SubjectNotFound } from '@quanze/service-kit';
import type { Principal, Role } from '@quanze/service-kit';
import {
  COOPERATING_UNIT,
  DECISION_ID,
  HEAD,
  LEAD_UNIT,
  LEGAL_UNIT,
  MEMBER_3,
  ORGAN_UNIT,
  OTHER_UNIT,
  discussed,
  head,
  leadClerk,
  legalReviewer,
  legalRiskStated,
  made,
  proposed,
  published,
} from './fixtures.js';

/** The events as the store would hand them back: each with its envelope and the actor who recorded it. */
function recorded(events: readonly DecisionEvent[], actorOf: (event: DecisionEvent) => Actor = () => leadClerk): RecordedDecisionEvent[] {
  return events.map((event, index) => ({
    ...event,
    eventId: randomUUID(),
    streamId: `decision-${DECISION_ID}`,
    streamVersion: index + 1,
    position: index + 1,
    occurredAt: `2017-06-${String(10 + (index % 10)).padStart(2, '0')}T08:00:00.000Z`,
    recordedAt: `2017-06-${String(10 + (index % 10)).padStart(2, '0')}T08:00:00.000Z`,
    actor: actorOf(event),
    causationId: null,
    correlationId: null,
    commandId: null,
  }));
}

const actorOf = (event: DecisionEvent): Actor => {
  if (event.type === 'decision.legalityReviewed.v1') return legalReviewer;
  if (event.type === 'decision.made.v1') return head;
  return leadClerk;
};
const decided = recorded([...discussed, made('adopted')], actorOf);
const publishedDecision = recorded([...discussed, made('adopted'), published], actorOf);

describe('decisions: the dossier and who sees it', () => {
  describe('the dossier (决策档案)', () => {
    it('names who recorded every step, and the persons each step names (第38–41条)', () => {
      const dossier = dossierOf(decided);
      expect(dossier?.legalityReviews[0]?.recordedBy).to.deep.equal(legalReviewer);
      expect(dossier?.legalityReviews[0]?.data.reviewerPersonIds).to.deep.equal([legalReviewer.personId]);
      expect(dossier?.riskAssessments[0]?.data.assessorPersonIds).to.deep.equal(['person-assessor-1', 'person-assessor-2']);
      expect(dossier?.decision?.recordedBy).to.deep.equal(head);
      expect(dossier?.decision?.data.headPersonId).to.equal(HEAD);
    });

    it('keeps each member’s opinion with the meeting, dissent as given', () => {
      const meeting = dossierOf(decided)?.meetings[0];
      expect(meeting?.opinions.map((opinion) => [opinion.data.memberPersonId, opinion.data.opinion])).to.deep.include([MEMBER_3, 'against']);
      expect(meeting?.decision?.data.outcome).to.equal('adopted');
    });

    it('is the stage the decider folds to', () => {
      expect(dossierOf(decided)?.stage).to.equal('in-force');
    });

    it('keeps the legal-risk statement of an exploratory reform with who stated it (第25条)', () => {
      const dossier = dossierOf(recorded([proposed, legalRiskStated()], (event) => (event.type === 'decision.legalRiskStated.v1' ? head : leadClerk)));
      expect(dossier?.legalRiskStatements.map((entry) => [entry.recordedBy.personId, entry.data.statedBy])).to.deep.equal([[HEAD, HEAD]]);
    });

    it('does not exist before a proposal', () => {
      expect(dossierOf([])).to.equal(null);
    });
  });

  describe('the public view (第31条)', () => {
    it('does not exist before publication', () => {
      const dossier = dossierOf(decided);
      expect(dossier === null ? 'no dossier' : publicViewOf(dossier)).to.equal(null);
    });

    it('shows the title, the decision, its basis and publication, and no internal opinion', () => {
      const dossier = dossierOf(publishedDecision);
      const view = dossier === null ? null : publicViewOf(dossier);
      expect(view).to.deep.equal({
        view: 'public',
        decisionId: DECISION_ID,
        title: '尚志市城区供热价格调整',
        status: 'in-force',
        decision: { outcome: 'adopted', text: '同意调整城区居民供热价格', decidedOn: '2017-06-12', meetingKind: 'standing', legalBasis: ['价格法 第23条'] },
        publications: [
          { channel: 'gazette', reference: '尚志市人民政府公报 2017年第6期', publishedOn: '2017-06-20', opinionAdoption: '采纳公众意见12条,专家意见3条' },
        ],
        statusChanges: [],
      });
    });
  });

  describe('who sees what', () => {
    const reader = (roles: Role[], unitId: string | null, personId = 'person-reader'): Principal => ({ personId, postId: null, unitId, roles });
    const fullReaders: readonly [string, Principal][] = [
      ['supervision, of any unit', reader(['supervision'], 'unit-jiwei')],
      ['a head of the decision organ', reader(['head'], ORGAN_UNIT)],
      ['a head of the lead handling unit', reader(['head'], LEAD_UNIT)],
      ['a head of a cooperating unit', reader(['head'], COOPERATING_UNIT)],
      ['a clerk of the lead handling unit', reader(['clerk'], LEAD_UNIT)],
      ['a clerk of a cooperating unit', reader(['clerk'], COOPERATING_UNIT)],
      ['a legal reviewer named in one of its reviews', reader(['legal-reviewer'], LEGAL_UNIT, legalReviewer.personId)],
    ];
    const outsiders: readonly [string, Principal][] = [
      ['an analyst', reader(['analyst'], 'unit-tongjiju')],
      ['a head of a unit not involved', reader(['head'], OTHER_UNIT)],
      ['a legal reviewer who did not review it', reader(['legal-reviewer'], LEGAL_UNIT, 'person-reviewer-2')],
      ['a clerk of the decision organ, which does not handle it', reader(['clerk'], ORGAN_UNIT)],
      ['a clerk of a unit not involved', reader(['clerk'], OTHER_UNIT)],
      ['a court', reader(['court'], 'unit-court')],
    ];

    for (const [who, principal] of fullReaders) {
      it(`shows the whole dossier, opinions included, to ${who}`, () => {
        const view = viewFor(principal, DECISION_ID, decided);
        expect(view.view).to.equal('full');
        expect(JSON.stringify(view)).to.contain(`${MEMBER_3}: against`);
      });
    }

    for (const [who, principal] of outsiders) {
      it(`refuses an unpublished decision to ${who}, and shows only the published parts once published`, () => {
        expect(() => viewFor(principal, DECISION_ID, decided)).to.throw(NotPermitted);
        const view = viewFor(principal, DECISION_ID, publishedDecision);
        expect(view.view).to.equal('public');
        expect(JSON.stringify(view)).to.not.contain(`${MEMBER_3}: against`);
      });
    }

    it('hides an unpublished decision from the public altogether', () => {
      expect(() => viewFor(null, DECISION_ID, decided)).to.throw(SubjectNotFound);
    });

    it('shows the public the published parts of a published decision', () => {
      expect(viewFor(null, DECISION_ID, publishedDecision).view).to.equal('public');
    });

    it('knows no decision that was never proposed', () => {
      expect(() => viewFor(reader(['supervision'], 'unit-jiwei'), DECISION_ID, [])).to.throw(SubjectNotFound);
    });
  });
});

import { expect } from 'chai';
import { listFlags } from '@quanze/projections';
import type { Flag } from '@quanze/projections';
import { describeOnEachReadModelStore } from '../../../../support/read-models.js';
import {
  CLERK,
  POLICE,
  caseClosed,
  caseDecided,
  caseOpened,
  casePublished,
  certified,
  chinaTime,
  convened,
  decisionProposed,
  documentIssued,
  documentNumber,
  legalityReview,
  made,
  officers,
  openFlagHistory,
  resultsRecorded,
  summary,
  transferReported,
  transferred,
} from './history.js';
import type { FlagHistory } from './history.js';

// Every flag of docs/FLAGS.md on a handcrafted history: raised exactly when it should be, not a day earlier.

describeOnEachReadModelStore('the flags read model (预警)', (target) => {
  let h: FlagHistory;
  beforeEach(async () => {
    h = await openFlagHistory(target);
  });
  afterEach(async () => {
    await h.close();
  });

  const codes = (flags: readonly Flag[]) => flags.map((flag) => flag.code);

  describe('major decisions (713号)', () => {
    const D = 'decision-1';

    beforeEach(async () => {
      await h.append(`decision-${D}`, 'decision.proposed.v1', decisionProposed(D, { lead: 'unit-jtj', organ: 'unit-gov' }));
    });

    it('flags a comment period under 30 days without a reason, from the day it opened, in the lead unit (第15条)', async () => {
      const short = await h.append(`decision-${D}`, 'decision.commentPeriodOpened.v1', {
        decisionId: D, channel: 'website', reference: 'r', openedOn: '2025-03-01', closesOn: '2025-03-30', periodDays: 29, shortPeriodReason: null,
      });
      await h.append(`decision-${D}`, 'decision.commentPeriodOpened.v1', {
        decisionId: D, channel: 'website', reference: 'r', openedOn: '2025-04-01', closesOn: '2025-05-01', periodDays: 30, shortPeriodReason: null,
      });
      await h.append(`decision-${D}`, 'decision.commentPeriodOpened.v1', {
        decisionId: D, channel: 'website', reference: 'r', openedOn: '2025-06-01', closesOn: '2025-06-10', periodDays: 9, shortPeriodReason: '防汛应急',
      });
      expect(await h.flags('2025-02-28')).to.deep.equal([]);
      const [flag, ...others] = await h.flags('2025-12-31');
      expect(others).to.deep.equal([]);
      expect(flag).to.deep.include({ code: 'decision.short-comment-period', raisedOn: '2025-03-01', status: 'raised', unitId: 'unit-jtj', severity: 'medium' });
      expect(flag?.subject).to.deep.equal({ kind: 'decision', id: D });
      expect(flag?.raisedBy.map((ref) => ref.eventId)).to.deep.equal([short]);
      expect(flag?.article).to.equal('重大行政决策程序暂行条例 第15条');
    });

    it('flags a legality review under 7 working days, counted around the National Day holiday (第26条)', async () => {
      await h.append(`decision-${D}`, 'decision.legalityReviewed.v1', legalityReview(D, '2025-09-26', '2025-10-11'));
      await h.append(`decision-${D}`, 'decision.legalityReviewed.v1', legalityReview(D, '2025-09-26', '2025-10-13'));
      const flags = await h.flags('2025-12-31');
      expect(flags.map(summary)).to.deep.equal([{ code: 'decision.short-legality-review', status: 'raised', raisedOn: '2025-10-11', endedOn: null }]);
      expect(flags[0]?.details).to.deep.include({ workingDays: 6 });
    });

    it('flags a discussion held under the exploratory-reform exception as medium, with the review and the statement (第25条)', async () => {
      const review = await h.append(`decision-${D}`, 'decision.legalityReviewed.v1', legalityReview(D, '2025-03-01', '2025-03-20', 'unlawful'));
      const statement = await h.append(`decision-${D}`, 'decision.legalRiskStated.v1', {
        decisionId: D, legalRiskStatement: '明示法律风险', statedBy: 'person-head', statedOn: '2025-03-21',
      });
      const meeting = await h.append(
        `decision-${D}`,
        'decision.collectiveDiscussionConvened.v1',
        convened(D, 'meeting-1', '2025-03-25', { review: { conclusion: 'unlawful', completedOn: '2025-03-20' }, exploratory: true }),
      );
      const [flag, ...others] = await h.flags('2025-03-25');
      expect(others).to.deep.equal([]);
      expect(flag).to.deep.include({ code: 'decision.discussion-without-passed-review', severity: 'medium', raisedOn: '2025-03-25', unitId: 'unit-gov' });
      expect(flag?.details).to.deep.include({ variant: 'exploratory-reform' });
      expect(flag?.raisedBy.map((ref) => ref.eventId)).to.deep.equal([review, statement, meeting]);
      expect(await h.flags('2025-03-24')).to.deep.equal([]);
    });

    it('flags as high an imported discussion whose claimed review is not on record, and a decision with no meeting and no review', async () => {
      await h.append(
        `decision-${D}`,
        'decision.collectiveDiscussionConvened.v1',
        convened(D, 'meeting-1', '2025-03-25', { review: { conclusion: 'lawful', completedOn: '2025-03-20' }, exploratory: false }),
      );
      await h.append('decision-decision-2', 'decision.made.v1', made('decision-2', 'meeting-9', '2025-04-02', 'adopted', { majorityOpinion: 'divided', differsFromMajority: false, headReasons: null }));
      const flags = await h.flags('2025-12-31', { code: 'decision.discussion-without-passed-review' });
      expect(flags.map((flag) => [flag.subject.id, flag.severity, flag.details.variant, flag.raisedOn])).to.deep.equal([
        [D, 'high', 'no-passed-review', '2025-03-25'],
        ['decision-2', 'high', 'no-passed-review', '2025-04-02'],
      ]);
    });

    it('does not flag a discussion after a passed review, but does when the passed review was completed after the meeting', async () => {
      await h.append(`decision-${D}`, 'decision.legalityReviewed.v1', legalityReview(D, '2025-03-01', '2025-03-20'));
      await h.append(`decision-${D}`, 'decision.collectiveDiscussionConvened.v1', convened(D, 'meeting-1', '2025-03-20', { review: { conclusion: 'lawful', completedOn: '2025-03-20' }, exploratory: false }));
      await h.append(`decision-${D}`, 'decision.collectiveDiscussionConvened.v1', convened(D, 'meeting-2', '2025-03-19', { review: { conclusion: 'lawful', completedOn: '2025-03-20' }, exploratory: false }));
      const flags = await h.flags('2025-12-31', { code: 'decision.discussion-without-passed-review' });
      expect(flags.map((flag) => flag.raisedOn)).to.deep.equal(['2025-03-19']);
    });

    it('flags a head who decided against the majority, recounted from the opinions (第30条)', async () => {
      await h.append(`decision-${D}`, 'decision.legalityReviewed.v1', legalityReview(D, '2025-03-01', '2025-03-20'));
      await h.append(`decision-${D}`, 'decision.collectiveDiscussionConvened.v1', convened(D, 'meeting-1', '2025-03-25', { review: { conclusion: 'lawful', completedOn: '2025-03-20' }, exploratory: false }));
      const opinions: string[] = [];
      for (const [member, opinion] of [['person-m1', 'for'], ['person-m2', 'for'], ['person-m3', 'against']] as const) {
        opinions.push(await h.append(`decision-${D}`, 'decision.memberOpinionGiven.v1', { decisionId: D, meetingId: 'meeting-1', memberPersonId: member, opinion, statement: '意见' }));
      }
      const decision = await h.append(`decision-${D}`, 'decision.made.v1', made(D, 'meeting-1', '2025-03-25', 'not-adopted', { majorityOpinion: 'for', differsFromMajority: true, headReasons: '财政承受能力不足' }));
      const [flag, ...others] = await h.flags('2025-03-25');
      expect(others).to.deep.equal([]);
      expect(flag).to.deep.include({ code: 'decision.head-overrode-majority', severity: 'medium', unitId: 'unit-gov', raisedOn: '2025-03-25' });
      expect(flag?.details).to.deep.include({ majority: 'for', outcome: 'not-adopted', headReasonsGiven: true });
      expect(flag?.raisedBy.map((ref) => ref.eventId)).to.deep.equal([...opinions, decision]);
    });

    it('does not flag a head who followed the majority', async () => {
      await h.append(`decision-${D}`, 'decision.legalityReviewed.v1', legalityReview(D, '2025-03-01', '2025-03-20'));
      await h.append(`decision-${D}`, 'decision.collectiveDiscussionConvened.v1', convened(D, 'meeting-1', '2025-03-25', { review: { conclusion: 'lawful', completedOn: '2025-03-20' }, exploratory: false }));
      for (const member of ['person-m1', 'person-m2']) {
        await h.append(`decision-${D}`, 'decision.memberOpinionGiven.v1', { decisionId: D, meetingId: 'meeting-1', memberPersonId: member, opinion: 'for', statement: '同意' });
      }
      await h.append(`decision-${D}`, 'decision.made.v1', made(D, 'meeting-1', '2025-03-25', 'adopted', { majorityOpinion: 'for', differsFromMajority: false, headReasons: null }));
      expect(await h.flags('2025-12-31')).to.deep.equal([]);
    });
  });

  describe('normative documents', () => {
    const DOC = 'document-1';
    const drafted = { documentId: DOC, title: '办法', draftingUnitId: 'unit-sfj', issuingUnitId: 'unit-gov', textSha256: 'a'.repeat(64), summary: null };

    it('flags a comment period under 30 days for a document affecting business, without a reason (优化营商环境条例 第62条)', async () => {
      await h.append(`document-${DOC}`, 'document.drafted.v1', { ...drafted, affectsBusiness: true });
      const comment = (openedOn: string, closesOn: string, affectsBusiness: boolean) => ({
        documentId: DOC, openedOn, closesOn, public: true, consultedUnitIds: [], notice: 'n', affectsBusiness, shortPeriodReason: null, textSha256: 'a'.repeat(64),
      });
      await h.append(`document-${DOC}`, 'document.commentSolicited.v1', comment('2025-03-01', '2025-03-30', true));
      await h.append(`document-${DOC}`, 'document.commentSolicited.v1', comment('2025-04-01', '2025-05-01', true));
      await h.append(`document-${DOC}`, 'document.commentSolicited.v1', comment('2025-06-01', '2025-06-05', false));
      const flags = await h.flags('2025-12-31');
      expect(flags.map(summary)).to.deep.equal([{ code: 'document.short-comment-period', status: 'raised', raisedOn: '2025-03-01', endedOn: null }]);
      expect(flags[0]?.unitId).to.equal('unit-gov');
    });

    it('flags a legality review outside 5 to 15 working days (115号)', async () => {
      const review = (submittedOn: string, completedOn: string) => ({
        documentId: DOC, reviewerId: 'person-reviewer', submittedOn, completedOn, outcome: 'passed', opinion: '同意', textSha256: 'a'.repeat(64),
      });
      await h.append(`document-${DOC}`, 'document.drafted.v1', { ...drafted, affectsBusiness: false });
      await h.append(`document-${DOC}`, 'document.legalityReviewed.v1', review('2025-09-26', '2025-10-09')); // 4 working days
      await h.append(`document-${DOC}`, 'document.legalityReviewed.v1', review('2025-09-26', '2025-10-10')); // 5
      await h.append(`document-${DOC}`, 'document.legalityReviewed.v1', review('2025-09-26', '2025-10-23')); // 15
      await h.append(`document-${DOC}`, 'document.legalityReviewed.v1', review('2025-09-26', '2025-10-24')); // 16
      const flags = await h.flags('2025-12-31');
      expect(flags.map((flag) => [flag.raisedOn, flag.details.variant, flag.details.workingDays])).to.deep.equal([
        ['2025-10-09', 'short', 4],
        ['2025-10-24', 'long', 16],
      ]);
    });

    describe('filing within 30 days of publication (备案)', () => {
      const number = documentNumber('尚政', 2025, 1);
      beforeEach(async () => {
        await h.append(`document-${DOC}`, 'document.drafted.v1', { ...drafted, affectsBusiness: false });
        await h.append(`document-${DOC}`, 'document.issued.v1', documentIssued(DOC, number, { issuedOn: '2025-03-03', effectiveFrom: '2025-04-01', validUntil: '2030-03-31' }));
      });
      const filed = (filedOn: string) => ({ documentId: DOC, filedOn, filedWith: '哈尔滨市人民政府', filedWithUnitId: null, reference: null });

      it('raises nothing for a filing on the 30th day', async () => {
        await h.append(`document-${DOC}`, 'document.filed.v1', filed('2025-04-02'));
        expect(await h.flags('2026-12-31')).to.deep.equal([]);
      });

      it('lists a document never filed from the 31st day on, as open', async () => {
        expect(await h.flags('2025-04-02')).to.deep.equal([]);
        const [flag] = await h.flags('2025-04-03');
        expect(flag).to.deep.include({ code: 'document.filing-late', status: 'open', raisedOn: '2025-04-03', endedOn: null, due: { on: '2025-04-02' }, unitId: 'unit-gov' });
      });

      it('lists a late filing as open until the day it was filed, then late with the filing among its events', async () => {
        const filing = await h.append(`document-${DOC}`, 'document.filed.v1', filed('2025-04-20'));
        expect((await h.flags('2025-04-19')).map(summary)).to.deep.equal([{ code: 'document.filing-late', status: 'open', raisedOn: '2025-04-03', endedOn: null }]);
        const [late] = await h.flags('2025-04-20');
        expect(late && summary(late)).to.deep.equal({ code: 'document.filing-late', status: 'late', raisedOn: '2025-04-03', endedOn: '2025-04-20' });
        expect(late?.raisedBy.at(-1)?.eventId).to.equal(filing);
      });
    });

    it('flags a serial skipped in an authority’s register for the year, once, naming the missing serials', async () => {
      const assign = (documentId: string, serial: number, year = 2025) =>
        h.append(`docnumber-尚政-${String(year)}`, 'document.numberAssigned.v1', {
          documentId, issuingUnitId: 'unit-gov', number: documentNumber('尚政', year, serial), assignedOn: `${String(year)}-05-0${String(serial)}`,
        });
      await assign('d1', 1);
      await assign('d2', 2);
      const skipping = await assign('d4', 5);
      await assign('d3', 3);
      await assign('d6', 6);
      await assign('e1', 1, 2026);
      const flags = await h.flags('2026-12-31');
      expect(flags).to.have.length(1);
      expect(flags[0]).to.deep.include({ code: 'document.numbering-gap', raisedOn: '2025-05-05', unitId: 'unit-gov', severity: 'high' });
      expect(flags[0]?.subject).to.deep.equal({ kind: 'register', id: '尚政-2025' });
      expect(flags[0]?.details).to.deep.include({ missingSerials: [3, 4], number: '尚政规〔2025〕5号' });
      expect(flags[0]?.raisedBy.map((ref) => ref.eventId)).to.deep.equal([skipping]);
    });

    it('flags a case citing a document not valid that day: not issued, not yet effective, abolished, expired', async () => {
      const a = documentNumber('尚政', 2025, 1);
      const b = documentNumber('尚政', 2025, 2);
      await h.append('document-a', 'document.issued.v1', documentIssued('a', a, { issuedOn: '2025-01-02', effectiveFrom: '2025-01-10', validUntil: '2025-12-31' }));
      await h.append('document-b', 'document.issued.v1', documentIssued('b', b, { issuedOn: '2025-01-02', effectiveFrom: '2025-01-02', validUntil: '2029-12-31' }));
      const abolition = await h.append('document-b', 'document.abolished.v1', { documentId: 'b', number: b, abolishedOn: '2025-06-01', reason: '清理', replacedByDocumentId: null });
      const cite = async (caseId: string, openedOn: string, decidedOn: string, cited: string) => {
        await h.append(`case-${caseId}`, 'case.opened.v1', caseOpened(caseId, openedOn, { cited: [cited] }));
        await h.append(`case-${caseId}`, 'case.decided.v1', caseDecided(caseId, decidedOn, { cited: [cited] }));
      };
      await cite('c1', '2025-01-09', '2025-01-10', a.formatted);
      await cite('c2', '2025-12-31', '2026-01-01', a.formatted);
      await cite('c3', '2025-05-31', '2025-06-01', b.formatted);
      await cite('c4', '2025-02-01', '2025-02-02', '尚政发〔2016〕12号');
      const flags = await h.flags('2026-12-31', { code: 'case.cites-invalid-document' });
      expect(flags.map((flag) => [flag.subject.id, flag.raisedOn, flag.details.reason])).to.deep.equal([
        ['c1', '2025-01-09', 'not-yet-effective'],
        ['c4', '2025-02-01', 'not-issued'],
        ['c4', '2025-02-02', 'not-issued'],
        ['c3', '2025-06-01', 'abolished'],
        ['c2', '2026-01-01', 'expired'],
      ]);
      expect(flags.find((flag) => flag.subject.id === 'c3')?.raisedBy.map((ref) => ref.eventId)).to.include(abolition);
    });
  });

  describe('enforcement (行政处罚法, 118号)', () => {
    const C = 'case-1';
    const stream = `case-${C}`;

    it('flags an officer acting on a certificate that expired, was revoked, or does not exist', async () => {
      await h.append('person-person-a', 'person.certified.v1', certified('person-a', 'cert-a', '2024-01-01', '2025-05-31'));
      await h.append('person-person-b', 'person.certified.v1', certified('person-b', 'cert-b', '2024-01-01', '2028-12-31'));
      await h.append(stream, 'case.opened.v1', caseOpened(C, '2025-05-20'));
      await h.append(stream, 'case.officersAssigned.v1', officers(C, '2025-05-31'));
      const evidence = (collectedBy: string, recordedOn: string, evidenceId: string) => ({
        caseId: C, evidenceId, kind: 'documentary', title: '台账', sha256: 'e'.repeat(64), collectedBy, recordedOn,
      });
      await h.append(stream, 'case.evidenceRecorded.v1', evidence('person-a', '2025-05-31', 'e1'));
      await h.append(stream, 'case.evidenceRecorded.v1', evidence('person-a', '2025-06-01', 'e2'));
      await h.append('person-person-b', 'person.certificationRevoked.v1', { personId: 'person-b', certificateId: 'cert-b', revokedOn: '2025-06-03', reason: '调离执法岗位' });
      await h.append(stream, 'case.evidenceRecorded.v1', evidence('person-b', '2025-06-02', 'e3'));
      await h.append(stream, 'case.evidenceRecorded.v1', evidence('person-b', '2025-06-03', 'e4'));
      await h.append(stream, 'case.evidenceRecorded.v1', evidence('person-x', '2025-06-03', 'e5'));
      const flags = await h.flags('2025-12-31', { code: 'case.officer-not-certified' });
      const rows = flags.map((flag) => [flag.raisedOn, String(flag.details.personId), String(flag.details.problem)].join(' ')).sort();
      expect(rows).to.deep.equal(['2025-06-01 person-a expired', '2025-06-03 person-b revoked', '2025-06-03 person-x no-such-certificate']);
      expect(flags.every((flag) => flag.unitId === 'unit-scjgj')).to.equal(true);
    });

    it('checks the whole team on the day of the decision, and each reporting officer on the day of the report', async () => {
      await h.append('person-person-a', 'person.certified.v1', certified('person-a', 'cert-a', '2024-01-01', '2025-05-31'));
      await h.append('person-person-b', 'person.certified.v1', certified('person-b', 'cert-b', '2025-06-10', '2028-12-31'));
      await h.append(stream, 'case.opened.v1', caseOpened(C, '2025-05-20'));
      await h.append(stream, 'case.decided.v1', caseDecided(C, '2025-06-01'));
      await h.append(stream, 'case.transferReported.v1', transferReported(C, 't1', chinaTime('2025-06-05')));
      const flags = await h.flags('2025-12-31', { code: 'case.officer-not-certified' });
      // No team was assigned: any certificate of the person counts.
      expect(flags.map((flag) => [flag.raisedOn, flag.details.personId, flag.details.problem])).to.deep.equal([
        ['2025-06-05', 'person-a', 'expired'],
        ['2025-06-05', 'person-b', 'not-yet-valid'],
      ]);
    });

    it('flags an inspector without a valid certificate on the day of the inspection', async () => {
      await h.append('person-person-a', 'person.certified.v1', certified('person-a', 'cert-a', '2024-01-01', '2025-05-31'));
      await h.append('person-person-b', 'person.certified.v1', certified('person-b', 'cert-b', '2024-01-01', '2028-12-31'));
      await h.append('inspection-i1', 'inspection.resultsRecorded.v1', resultsRecorded('i1', 'firm-1', { inspectedOn: '2025-05-31', concludedOn: '2025-05-31' }));
      await h.append('inspection-i1', 'inspection.resultsRecorded.v1', resultsRecorded('i1', 'firm-2', { inspectedOn: '2025-06-01', concludedOn: '2025-06-01' }));
      const flags = await h.flags('2025-06-01', { code: 'inspection.inspector-not-certified' });
      expect(flags.map((flag) => [flag.raisedOn, flag.details.personId, flag.details.targetId, flag.unitId])).to.deep.equal([
        ['2025-06-01', 'person-a', 'firm-2', CLERK.unitId],
      ]);
    });

    describe('deciding within 90 days of opening (第60条)', () => {
      beforeEach(async () => {
        await h.append(stream, 'case.opened.v1', caseOpened(C, '2025-01-01'));
      });

      it('raises nothing for a decision on the 90th day', async () => {
        await h.append(stream, 'case.decided.v1', caseDecided(C, '2025-04-01'));
        expect(await h.flags('2025-12-31', { code: 'case.decision-overdue' })).to.deep.equal([]);
      });

      it('lists an undecided case from the 91st day, and a decision on that day as late', async () => {
        expect(await h.flags('2025-04-01')).to.deep.equal([]);
        expect((await h.flags('2025-04-02')).map(summary)).to.deep.equal([{ code: 'case.decision-overdue', status: 'open', raisedOn: '2025-04-02', endedOn: null }]);
        await h.append(stream, 'case.decided.v1', caseDecided(C, '2025-04-02'));
        expect((await h.flags('2025-04-02', { code: 'case.decision-overdue' })).map(summary)).to.deep.equal([
          { code: 'case.decision-overdue', status: 'late', raisedOn: '2025-04-02', endedOn: '2025-04-02' },
        ]);
      });
    });

    describe('publishing a decision within 7 working days (118号)', () => {
      beforeEach(async () => {
        await h.append(stream, 'case.opened.v1', caseOpened(C, '2025-09-01'));
        await h.append(stream, 'case.decided.v1', caseDecided(C, '2025-09-26'));
      });

      it('counts the working days over the National Day holiday: published on the 7th (10-13) is in time', async () => {
        await h.append(stream, 'case.published.v1', casePublished(C, '2025-10-13'));
        expect(await h.flags('2025-12-31')).to.deep.equal([]);
      });

      it('lists it from 10-14 when not published, and late once published on 10-14', async () => {
        expect(await h.flags('2025-10-13')).to.deep.equal([]);
        const [open] = await h.flags('2025-10-14');
        expect(open).to.deep.include({ code: 'case.publication-late', status: 'open', due: { on: '2025-10-13' }, severity: 'low' });
        await h.append(stream, 'case.published.v1', casePublished(C, '2025-10-14'));
        expect((await h.flags('2025-10-14')).map(summary)).to.deep.equal([{ code: 'case.publication-late', status: 'late', raisedOn: '2025-10-14', endedOn: '2025-10-14' }]);
      });

      it('gives other enforcement decisions 20 working days', async () => {
        await h.append('case-case-2', 'case.opened.v1', caseOpened('case-2', '2025-09-01', { kind: 'compulsory-measure' }));
        await h.append('case-case-2', 'case.decided.v1', caseDecided('case-2', '2025-09-26', { outcome: 'no-penalty' }));
        await h.append(stream, 'case.published.v1', casePublished(C, '2025-10-13'));
        // 20 working days after 2025-09-26: 09-28, 09-29, 09-30, 10-09, 10-10, 10-11 (a working Saturday) … 10-30.
        expect(await h.flags('2025-10-30')).to.deep.equal([]);
        expect((await h.flags('2025-10-31')).map((flag) => [flag.subject.id, flag.due])).to.deep.equal([['case-2', { on: '2025-10-30' }]]);
      });
    });

    it('flags a published decision revoked and not withdrawn within 3 days (第48条)', async () => {
      await h.append(stream, 'case.opened.v1', caseOpened(C, '2025-02-01'));
      await h.append(stream, 'case.decided.v1', caseDecided(C, '2025-02-20'));
      await h.append(stream, 'case.published.v1', casePublished(C, '2025-02-21'));
      await h.append(stream, 'case.decisionChanged.v1', {
        caseId: C, change: 'revoked', by: 'court-judgment', reasons: '判决撤销', newDecisionTextSha256: null, changedOn: '2025-03-01', wasPublished: true,
      });
      expect(await h.flags('2025-03-04')).to.deep.equal([]);
      expect((await h.flags('2025-03-05')).map(summary)).to.deep.equal([{ code: 'case.withdrawal-late', status: 'open', raisedOn: '2025-03-05', endedOn: null }]);
      await h.append(stream, 'case.publicationWithdrawn.v1', { caseId: C, withdrawnOn: '2025-03-05', reference: 'r', reasons: '决定已撤销' });
      expect((await h.flags('2025-03-05')).map(summary)).to.deep.equal([{ code: 'case.withdrawal-late', status: 'late', raisedOn: '2025-03-05', endedOn: '2025-03-05' }]);
    });

    it('raises nothing for a withdrawal on the third day', async () => {
      await h.append(stream, 'case.opened.v1', caseOpened(C, '2025-02-01'));
      await h.append(stream, 'case.decided.v1', caseDecided(C, '2025-02-20'));
      await h.append(stream, 'case.published.v1', casePublished(C, '2025-02-21'));
      await h.append(stream, 'case.decisionChanged.v1', {
        caseId: C, change: 'changed', by: 'self-correction', reasons: '变更', newDecisionTextSha256: 'f'.repeat(64), changedOn: '2025-03-01', wasPublished: false,
      });
      await h.append(stream, 'case.publicationWithdrawn.v1', { caseId: C, withdrawnOn: '2025-03-04', reference: 'r', reasons: '决定已变更' });
      expect(await h.flags('2025-12-31')).to.deep.equal([]);
    });
  });

  describe('transfers of suspected crimes (310号)', () => {
    const C = 'case-1';
    const stream = `case-${C}`;
    const T = 'transfer-1';

    beforeEach(async () => {
      await h.append(stream, 'case.opened.v1', caseOpened(C, '2025-02-01'));
    });

    it('flags a head who approved on the 4th day after the report, not on the 3rd (第5条)', async () => {
      await h.append(stream, 'case.transferReported.v1', transferReported(C, T, chinaTime('2025-03-01', '10:00')));
      await h.append(stream, 'case.transferReported.v1', transferReported(C, 'transfer-2', chinaTime('2025-03-01', '10:00')));
      await h.append(stream, 'case.transferApproved.v1', { caseId: C, transferId: T, approvedBy: 'person-head', approvedAt: chinaTime('2025-03-04', '23:59') });
      await h.append(stream, 'case.transferRefused.v1', { caseId: C, transferId: 'transfer-2', refusedBy: 'person-head', reasons: '证据不足', refusedAt: chinaTime('2025-03-05', '00:00') });
      const flags = await h.flags('2025-03-05', { code: 'case.transfer-approval-late' });
      expect(flags.map(summary)).to.deep.equal([{ code: 'case.transfer-approval-late', status: 'late', raisedOn: '2025-03-05', endedOn: '2025-03-05' }]);
      expect(flags[0]?.details).to.deep.include({ transferId: 'transfer-2' });
      expect(await h.flags('2025-03-04', { code: 'case.transfer-approval-late' })).to.deep.equal([]);
    });

    it('flags a transfer sent more than 24 hours after approval, to the millisecond (第5条)', async () => {
      const approvedAt = chinaTime('2025-03-02', '10:00');
      await h.append(stream, 'case.transferReported.v1', transferReported(C, T, chinaTime('2025-03-01')));
      await h.append(stream, 'case.transferApproved.v1', { caseId: C, transferId: T, approvedBy: 'person-head', approvedAt });
      await h.append(stream, 'case.transferred.v1', transferred(C, T, approvedAt), { occurredAt: chinaTime('2025-03-03', '10:00') });
      await h.append(stream, 'case.transferReported.v1', transferReported(C, 'transfer-2', chinaTime('2025-03-01')));
      await h.append(stream, 'case.transferApproved.v1', { caseId: C, transferId: 'transfer-2', approvedBy: 'person-head', approvedAt });
      await h.append(stream, 'case.transferred.v1', transferred(C, 'transfer-2', approvedAt), { occurredAt: chinaTime('2025-03-03', '10:00', '00.001') });
      const flags = await h.flags('2025-12-31', { code: 'case.transfer-dispatch-late' });
      expect(flags.map((flag) => [flag.details.transferId, flag.status, flag.raisedOn, flag.due])).to.deep.equal([
        ['transfer-2', 'late', '2025-03-03', { at: '2025-03-03T02:00:00.000Z' }],
      ]);
      expect(await h.flags('2025-03-02', { code: 'case.transfer-dispatch-late' })).to.deep.equal([]);
    });

    it('judges an imported transfer without an approval on its own approvedAt', async () => {
      await h.append(stream, 'case.transferred.v1', transferred(C, T, chinaTime('2025-03-02', '10:00')), { occurredAt: chinaTime('2025-03-04', '10:00') });
      expect((await h.flags('2025-03-04', { code: 'case.transfer-dispatch-late' })).map(summary)).to.deep.equal([
        { code: 'case.transfer-dispatch-late', status: 'late', raisedOn: '2025-03-03', endedOn: '2025-03-04' },
      ]);
    });

    it('flags a receipt after 24 hours in the receiving authority, and an authority that has not decided 3 days after receipt (第7、8条)', async () => {
      const sentAt = chinaTime('2025-03-02', '10:00');
      await h.append(stream, 'case.transferred.v1', transferred(C, T, chinaTime('2025-03-02', '09:00')), { occurredAt: sentAt });
      expect(await h.flags('2025-03-02')).to.deep.equal([]);
      expect((await h.flags('2025-03-03', { code: 'case.transfer-receipt-late' })).map((flag) => [flag.status, flag.unitId])).to.deep.equal([['open', POLICE.unitId]]);
      await h.append(stream, 'case.transferReceived.v1', {
        caseId: C, transferId: T, unitId: POLICE.unitId, receivedBy: 'person-police', receivedAt: chinaTime('2025-03-03', '10:00', '00.001'), receiptNumber: null,
      });
      expect((await h.flags('2025-03-06', { code: 'case.transfer-receipt-late' })).map(summary)).to.deep.equal([
        { code: 'case.transfer-receipt-late', status: 'late', raisedOn: '2025-03-03', endedOn: '2025-03-03' },
      ]);
      expect(await h.flags('2025-03-06', { code: 'case.police-decision-late' })).to.deep.equal([]);
      const [open] = await h.flags('2025-03-07', { code: 'case.police-decision-late' });
      expect(open).to.deep.include({ status: 'open', raisedOn: '2025-03-07', unitId: POLICE.unitId, due: { on: '2025-03-06' } });
      await h.append(stream, 'case.transferReturned.v1', { caseId: C, transferId: T, unitId: POLICE.unitId, returnedBy: 'person-police', reasons: '不构成犯罪', returnedAt: chinaTime('2025-03-07') });
      expect((await h.flags('2025-03-07', { code: 'case.police-decision-late' })).map((flag) => flag.status)).to.deep.equal(['late']);
    });

    it('raises nothing for a receipt within 24 hours and an acceptance on the third day', async () => {
      const sentAt = chinaTime('2025-03-02', '10:00');
      await h.append(stream, 'case.transferred.v1', transferred(C, T, sentAt), { occurredAt: sentAt });
      await h.append(stream, 'case.transferReceived.v1', {
        caseId: C, transferId: T, unitId: POLICE.unitId, receivedBy: 'person-police', receivedAt: chinaTime('2025-03-03', '10:00'), receiptNumber: null,
      });
      await h.append(stream, 'case.transferAccepted.v1', {
        caseId: C, transferId: T, unitId: POLICE.unitId, acceptedBy: 'person-police', criminalCaseNumber: null, acceptedAt: chinaTime('2025-03-06', '23:59'),
      });
      expect(await h.flags('2025-04-30')).to.deep.equal([]);
    });

    it('flags 以罚代刑: a suspected crime closed with a penalty and no answer from the police (第10条)', async () => {
      const suspected = await h.append(stream, 'case.crimeSuspected.v1', { caseId: C, grounds: '涉案金额达到立案标准', suspectedOn: '2025-02-10' });
      const decision = await h.append(stream, 'case.decided.v1', caseDecided(C, '2025-02-20'));
      const closing = await h.append(stream, 'case.closed.v1', caseClosed(C, '2025-03-01', { suspectedCrime: true, penaltyImposed: true, transferOutcome: 'none' }));
      const flags = await h.flags('2025-03-01', { code: 'case.penalty-instead-of-transfer' });
      expect(flags.map(summary)).to.deep.equal([{ code: 'case.penalty-instead-of-transfer', status: 'raised', raisedOn: '2025-03-01', endedOn: null }]);
      expect(flags[0]?.raisedBy.map((ref) => ref.eventId)).to.deep.equal([suspected, decision, closing]);
      expect(await h.flags('2025-02-28', { code: 'case.penalty-instead-of-transfer' })).to.deep.equal([]);
    });

    it('does not flag a suspected crime the police returned, nor a penalty case with no suspicion, even if its closing says otherwise', async () => {
      await h.append(stream, 'case.crimeSuspected.v1', { caseId: C, grounds: '涉案金额达到立案标准', suspectedOn: '2025-02-10' });
      await h.append(stream, 'case.transferred.v1', transferred(C, T, chinaTime('2025-02-11')), { occurredAt: chinaTime('2025-02-11') });
      await h.append(stream, 'case.transferReturned.v1', { caseId: C, transferId: T, unitId: POLICE.unitId, returnedBy: 'person-police', reasons: '不构成犯罪', returnedAt: chinaTime('2025-02-12') });
      await h.append(stream, 'case.decided.v1', caseDecided(C, '2025-02-20'));
      await h.append(stream, 'case.closed.v1', caseClosed(C, '2025-03-01', { suspectedCrime: true, penaltyImposed: true, transferOutcome: 'none' }));
      await h.append('case-case-2', 'case.opened.v1', caseOpened('case-2', '2025-02-01'));
      await h.append('case-case-2', 'case.decided.v1', caseDecided('case-2', '2025-02-20'));
      await h.append('case-case-2', 'case.closed.v1', caseClosed('case-2', '2025-03-01', { suspectedCrime: false, penaltyImposed: true, transferOutcome: 'none' }));
      expect(await h.flags('2025-12-31', { code: 'case.penalty-instead-of-transfer' })).to.deep.equal([]);
    });
  });

  describe('random inspections (企业信息公示暂行条例 第6条)', () => {
    it('flags results published after 20 working days of their conclusion, per target', async () => {
      await h.append('inspection-i1', 'inspection.resultsRecorded.v1', resultsRecorded('i1', 'firm-1', { inspectedOn: '2025-09-26', concludedOn: '2025-09-26' }));
      await h.append('inspection-i1', 'inspection.resultsRecorded.v1', resultsRecorded('i1', 'firm-2', { inspectedOn: '2025-09-26', concludedOn: '2025-09-26' }));
      await h.append('inspection-i1', 'inspection.resultsPublished.v1', { inspectionId: 'i1', targetIds: ['firm-1'], channel: 'website', reference: 'r', publishedOn: '2025-10-30' });
      await h.append('inspection-i1', 'inspection.resultsPublished.v1', { inspectionId: 'i1', targetIds: ['firm-2'], channel: 'website', reference: 'r', publishedOn: '2025-10-31' });
      const code = 'inspection.results-publication-late';
      expect(await h.flags('2025-10-30', { code })).to.deep.equal([]);
      const flags = await h.flags('2025-10-31', { code });
      expect(flags.map((flag) => [flag.code, flag.details.targetId, flag.status])).to.deep.equal([['inspection.results-publication-late', 'firm-2', 'late']]);
    });
  });

  describe('days the working-day calendar does not know', () => {
    it('keeps the flag undetermined: neither listed nor counted, but reported', async () => {
      await h.append('decision-d0', 'decision.legalityReviewed.v1', legalityReview('d0', '2003-12-01', '2003-12-02'));
      await h.append('decision-d1', 'decision.legalityReviewed.v1', legalityReview('d1', '2025-03-03', '2025-03-04'));
      await h.flags('2030-01-01');
      const page = await listFlags(h.db, { asOf: '2030-01-01', limit: 10 });
      expect(codes(page.flags)).to.deep.equal(['decision.short-legality-review']);
      expect(page.undetermined).to.equal(1);
    });
  });
});

import { expect } from 'chai';
import { InvalidFlagCursor, createProjectionRunner, dumpProjection, flagCounts, flagsProjection, listFlags } from '@quanze/projections';
import { describeOnEachReadModelStore, statementwise } from '../../../../support/read-models.js';
import {
  CLERK,
  caseDecided,
  caseOpened,
  casePublished,
  chinaTime,
  decisionProposed,
  documentIssued,
  documentNumber,
  legalityReview,
  openFlagHistory,
  transferReported,
  transferred,
} from './history.js';
import type { FlagHistory } from './history.js';

/**
 * A small city: two units' cases, a decision, documents; enough flags of several codes, units and months to page,
 * filter and count them, and to compare a rebuild with the read model built event by event.
 */
async function smallCity(h: FlagHistory, part: 1 | 2): Promise<void> {
  if (part === 1) {
    await h.append('decision-d1', 'decision.proposed.v1', decisionProposed('d1', { lead: 'unit-jtj', organ: 'unit-gov' }));
    await h.append('decision-d1', 'decision.legalityReviewed.v1', legalityReview('d1', '2025-03-03', '2025-03-05'));
    for (const [index, unitId] of ['unit-a', 'unit-a', 'unit-b'].entries()) {
      const caseId = `c${String(index)}`;
      await h.append(`case-${caseId}`, 'case.opened.v1', caseOpened(caseId, '2025-01-01', { unitId, cited: ['尚政规〔2024〕9号'] }));
    }
    await h.append('case-c0', 'case.decided.v1', caseDecided('c0', '2025-04-10'));
    await h.append('case-c0', 'case.transferReported.v1', transferReported('c0', 't0', chinaTime('2025-04-11')));
    await h.append('document-x', 'document.issued.v1', documentIssued('x', documentNumber('尚政', 2025, 1), { issuedOn: '2025-02-03', effectiveFrom: '2025-02-03', validUntil: null }));
    return;
  }
  await h.append('case-c0', 'case.published.v1', casePublished('c0', '2025-05-10'));
  await h.append('case-c0', 'case.transferApproved.v1', { caseId: 'c0', transferId: 't0', approvedBy: 'person-head', approvedAt: chinaTime('2025-04-20') });
  await h.append('case-c0', 'case.transferred.v1', transferred('c0', 't0', chinaTime('2025-04-20')), { occurredAt: chinaTime('2025-04-20', '12:00') });
  await h.append('case-c1', 'case.decided.v1', caseDecided('c1', '2025-03-01'));
  await h.append('document-x', 'document.filed.v1', { documentId: 'x', filedOn: '2025-03-10', filedWith: '哈尔滨市人民政府', filedWithUnitId: null, reference: null });
}

describeOnEachReadModelStore('the flags queries', (target) => {
  let h: FlagHistory;
  beforeEach(async () => {
    h = await openFlagHistory(target);
    await smallCity(h, 1);
    await smallCity(h, 2);
  });
  afterEach(async () => {
    await h.close();
  });

  it('lists flags as of a day, oldest first, filtered by unit, code and the days raised', async () => {
    const all = await h.flags('2025-12-31');
    // Within a day, flags follow their ids (random event ids here): compare as sorted lines.
    expect(all.map((flag) => [flag.raisedOn, flag.code, flag.unitId].join(' ')).sort()).to.deep.equal(
      [
        ['2025-01-01', 'case.cites-invalid-document', 'unit-a'],
        ['2025-01-01', 'case.cites-invalid-document', 'unit-a'],
        ['2025-01-01', 'case.cites-invalid-document', 'unit-b'],
        ['2025-03-05', 'decision.short-legality-review', 'unit-jtj'],
        ['2025-03-06', 'document.filing-late', 'unit-gov'], // issued 02-03, filed 03-10
        ['2025-03-12', 'case.publication-late', 'unit-a'], // c1 decided on Saturday 03-01, never published
        ['2025-04-02', 'case.decision-overdue', 'unit-a'], // c0, opened 01-01, decided 04-10
        ['2025-04-02', 'case.decision-overdue', 'unit-b'], // c2, never decided
        ['2025-04-11', 'case.officer-not-certified', 'unit-a'], // the reporting officers have no certificate
        ['2025-04-11', 'case.officer-not-certified', 'unit-a'],
        ['2025-04-15', 'case.transfer-approval-late', 'unit-a'],
        ['2025-04-21', 'case.transfer-receipt-late', 'unit-gaj'], // sent 04-20 12:00, never received
        ['2025-04-22', 'case.publication-late', 'unit-a'], // c0 decided 04-10, published 05-10
      ]
        .map((row) => row.join(' '))
        .sort(),
    );
    const sorted = all.map((flag) => `${flag.raisedOn} ${flag.flagId}`);
    expect(sorted).to.deep.equal([...sorted].sort());
    expect((await listFlags(h.db, { asOf: '2025-12-31', unitId: 'unit-b', limit: 10 })).flags.map((flag) => flag.code)).to.deep.equal([
      'case.cites-invalid-document',
      'case.decision-overdue',
    ]);
    // Both raised on 2025-04-02: within a day the order is the flag ids', which name event ids, not the units'.
    expect((await listFlags(h.db, { asOf: '2025-12-31', code: 'case.decision-overdue', limit: 10 })).flags.map((flag) => flag.unitId)).to.have.members([
      'unit-a',
      'unit-b',
    ]);
    expect((await listFlags(h.db, { asOf: '2025-12-31', from: '2025-04-02', to: '2025-04-15', limit: 10 })).flags.map((flag) => flag.raisedOn)).to.deep.equal([
      '2025-04-02',
      '2025-04-02',
      '2025-04-11',
      '2025-04-11',
      '2025-04-15',
    ]);
    expect((await listFlags(h.db, { asOf: '2025-04-14', from: '2025-04-02', to: '2025-12-31', limit: 10 })).flags).to.have.length(4);
  });

  it('tells the status as of the day: the late decision of case c0 is open until the day it was taken', async () => {
    const status = async (asOf: string) =>
      (await listFlags(h.db, { asOf, code: 'case.decision-overdue', unitId: 'unit-a', limit: 10 })).flags.map((flag) => flag.status);
    await h.flags('2025-12-31');
    expect(await status('2025-04-01')).to.deep.equal([]);
    expect(await status('2025-04-02')).to.deep.equal(['open']);
    expect(await status('2025-04-09')).to.deep.equal(['open']);
    expect(await status('2025-04-10')).to.deep.equal(['late']);
  });

  it('pages with an opaque cursor, and refuses a cursor it did not give', async () => {
    await h.flags('2025-12-31');
    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const page = await listFlags(h.db, { asOf: '2025-12-31', limit: 2, ...(after === undefined ? {} : { after }) });
      seen.push(...page.flags.map((flag) => flag.flagId));
      after = page.next ?? undefined;
      pages += 1;
    } while (after !== undefined);
    expect(pages).to.equal(7);
    expect(seen).to.deep.equal((await h.flags('2025-12-31')).map((flag) => flag.flagId));
    await expect(listFlags(h.db, { asOf: '2025-12-31', limit: 2, after: 'not-a-cursor' })).to.be.rejectedWith(InvalidFlagCursor);
  });

  it('restricts to the codes a caller may see', async () => {
    await h.flags('2025-12-31');
    const codes = ['case.transfer-approval-late', 'case.transfer-receipt-late'] as const;
    expect((await listFlags(h.db, { asOf: '2025-12-31', codes, limit: 10 })).flags.map((flag) => flag.code)).to.deep.equal([...codes]);
    expect((await listFlags(h.db, { asOf: '2025-12-31', codes, code: 'case.decision-overdue', limit: 10 })).flags).to.deep.equal([]);
  });

  it('counts flags per unit or code, by month or year, as of a day', async () => {
    await h.flags('2025-12-31');
    expect(await flagCounts(h.db, { asOf: '2025-12-31', by: 'unit', interval: 'year' })).to.deep.equal([
      { period: '2025', key: 'unit-a', count: 8 },
      { period: '2025', key: 'unit-b', count: 2 },
      { period: '2025', key: 'unit-gaj', count: 1 },
      { period: '2025', key: 'unit-gov', count: 1 },
      { period: '2025', key: 'unit-jtj', count: 1 },
    ]);
    expect(await flagCounts(h.db, { asOf: '2025-04-15', by: 'code', interval: 'month', from: '2025-03-01' })).to.deep.equal([
      { period: '2025-03', key: 'case.publication-late', count: 1 },
      { period: '2025-03', key: 'decision.short-legality-review', count: 1 },
      { period: '2025-03', key: 'document.filing-late', count: 1 },
      { period: '2025-04', key: 'case.decision-overdue', count: 2 },
      { period: '2025-04', key: 'case.officer-not-certified', count: 2 },
      { period: '2025-04', key: 'case.transfer-approval-late', count: 1 },
    ]);
    expect(await flagCounts(h.db, { asOf: '2025-12-31', by: 'code', interval: 'year', codes: ['case.transfer-receipt-late'] })).to.deep.equal([
      { period: '2025', key: 'case.transfer-receipt-late', count: 1 },
    ]);
  });

  it('counts the flags no unit answers for first, before the units', async () => {
    // A decision never proposed, its comment period opened by a clerk of no unit: the flag names no unit.
    await h.append(
      'decision-d9',
      'decision.commentPeriodOpened.v1',
      { decisionId: 'd9', channel: 'website', reference: 'r', openedOn: '2025-06-01', closesOn: '2025-06-10', periodDays: 9, shortPeriodReason: null },
      { actor: { ...CLERK, unitId: null } },
    );
    await h.flags('2025-12-31');
    expect(await flagCounts(h.db, { asOf: '2025-12-31', by: 'unit', interval: 'month', from: '2025-06-01' })).to.deep.equal([
      { period: '2025-06', key: null, count: 1 },
    ]);
    expect((await flagCounts(h.db, { asOf: '2025-12-31', by: 'unit', interval: 'year' })).map((count) => count.key)).to.deep.equal([
      null,
      'unit-a',
      'unit-b',
      'unit-gaj',
      'unit-gov',
      'unit-jtj',
    ]);
  });

  it('rebuilds to the very dump it built event by event, whatever the batches', async () => {
    await h.flags('2025-12-31');
    const incremental = await dumpProjection(h.db, flagsProjection);
    const fresh = await target.open();
    try {
      const oneByOne = createProjectionRunner({ store: h.store, readModels: fresh, projections: [flagsProjection], batchSize: 1 });
      await oneByOne.catchUp();
      expect(await dumpProjection(statementwise(fresh), flagsProjection)).to.equal(incremental);
      await oneByOne.rebuild();
      expect(await dumpProjection(statementwise(fresh), flagsProjection)).to.equal(incremental);
    } finally {
      await fresh.close();
    }
    expect(incremental).to.include('case.transfer-receipt-late');
  });
});

describeOnEachReadModelStore('the flags read model built while the history grows', (target) => {
  it('equals its rebuild when the events came in two parts', async () => {
    const h = await openFlagHistory(target);
    try {
      await smallCity(h, 1);
      await h.flags('2025-12-31');
      await smallCity(h, 2);
      await h.flags('2025-12-31');
      const grown = await dumpProjection(h.db, flagsProjection);
      const runner = createProjectionRunner({ store: h.store, readModels: h.readModels, projections: [flagsProjection] });
      await runner.rebuild();
      expect(await dumpProjection(h.db, flagsProjection)).to.equal(grown);
    } finally {
      await h.close();
    }
  });
});

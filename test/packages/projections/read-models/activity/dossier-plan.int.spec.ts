import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { ledgerRegistry } from '@quanze/events';
import type { ProposedEvent } from '@quanze/events';
import { openEventStore } from '@quanze/eventstore';
import type { EventStore } from '@quanze/eventstore';
import { activityProjection, createProjectionRunner, explainPersonDossier, organizationProjection, personDossier } from '@quanze/projections';
import type { DossierEntry, ReadModelSql, ReadModelStore, SqlDialect } from '@quanze/projections';
import { describeOnEachReadModelStore, statementwise } from '../../../../support/read-models.js';
import { fakeSha256 } from './ledger-writer.js';

/**
 * A dossier of one person with 1,000 entries, among 10,000 participations of others: it is read through the keys of
 * its tables (EXPLAIN QUERY PLAN shows no full scan of a read model's table), a page at a time. No timing is asserted;
 * the bench measures time.
 */
/**
 * How each database's plan says it reads a whole table, and that it searches the participations by the person's key:
 * SQLite's EXPLAIN QUERY PLAN details (`SCAN json_each` is a page's own list); PostgreSQL's plan nodes, where a page's
 * list is a `Function Scan on jsonb_array_elements…`, and a table is read whole by a sequential scan or by an index
 * scan without a condition (a bitmap scan of an index searches it too).
 */
const PLAN_READS: Record<SqlDialect, { readonly tableScan: RegExp; readonly byPersonKey: RegExp }> = {
  sqlite: {
    tableScan: /^SCAN (?!json_each)/,
    byPersonKey: /^SEARCH activity_participants USING INDEX activity_participants_by_person \(person_id=\? AND position>\?\)/,
  },
  postgres: {
    tableScan: /^Seq Scan on |^(Index|Index Only) Scan using \S+ on \S+$/,
    byPersonKey: /^(Index|Index Only|Bitmap Index) Scan using activity_participants_by_person .*\(person_id = .*\) AND \("position" > /,
  },
};

describeOnEachReadModelStore('a dossier of one person with 1,000 entries', (target) => {
  let folder: string;
  let store: EventStore;
  let readModels: ReadModelStore;
  let db: ReadModelSql;
  const reviewer = 'person-busy-reviewer';

  function review(decisionId: string, reviewerId: string, index: number): ProposedEvent {
    const day = `20${String(17 + (index % 5))}-0${String(1 + (index % 9))}-1${String(index % 10)}`;
    return ledgerRegistry.validateProposed({
      eventId: randomUUID(),
      type: 'decision.legalityReviewed.v1',
      occurredAt: `${day}T02:00:00.000Z`,
      actor: { personId: 'person-legal-clerk', postId: 'post-legal-clerk', unitId: 'unit-fazhiban' },
      causationId: null,
      correlationId: null,
      commandId: null,
      data: {
        decisionId,
        reviewerPersonIds: [reviewerId],
        startedOn: day,
        completedOn: day,
        conclusion: 'lawful',
        opinion: '合法',
        opinionSha256: fakeSha256(`${decisionId}-${String(index)}`),
      },
    });
  }

  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'quanze-dossier-plan-'));
    store = await openEventStore(`sqlite:${folder}`);
    // 100 decision streams of 110 reviews each: 10 of each stream's reviews are the busy reviewer's.
    for (let stream = 0; stream < 100; stream++) {
      const decisionId = `decision-bulk-${String(stream)}`;
      const events = Array.from({ length: 110 }, (_, index) => review(decisionId, index % 11 === 0 ? reviewer : `person-reviewer-${String(index % 37)}`, index));
      await store.appendToStream(`decision-${decisionId}`, events, { expectedVersion: 'no_stream' });
    }
    readModels = await target.open();
    db = statementwise(readModels);
    await createProjectionRunner({ store, readModels, projections: [organizationProjection, activityProjection] }).catchUp();
  });
  after(async () => {
    await readModels.close();
    await store.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('holds all 1,000 entries, in pages of at most 500', async () => {
    const entries: DossierEntry[] = [];
    let after: string | undefined;
    let pages = 0;
    for (;;) {
      const page = await personDossier(db, reviewer, { limit: 500, ...(after === undefined ? {} : { after }) });
      pages++;
      expect(page.entries.length).to.be.at.most(500);
      entries.push(...page.entries);
      if (page.next === null) break;
      after = page.next;
    }
    expect(entries).to.have.length(1000);
    expect(pages).to.be.within(2, 3);
    expect(entries.every((entry) => entry.roles.some((role) => role.role === 'reviewed'))).to.equal(true);
    await expect(personDossier(db, reviewer, { limit: 501 })).to.be.rejectedWith(RangeError);
  });

  it('searches the participations by the person’s key and never scans a read model’s table', async () => {
    const filters = [{}, { roles: ['reviewed' as const] }, { from: '2018-01-01T00:00:00.000Z', to: '2020-01-01T00:00:00.000Z', limit: 500 }];
    const reads = PLAN_READS[target.dialect];
    for (const options of filters) {
      const plan = await readModels.read((q) => explainPersonDossier(q, reviewer, options));
      // The only scan allowed is of the page's own list of positions or roles (json_each), never of a table.
      expect(plan.filter((detail) => reads.tableScan.test(detail)), plan.join('\n')).to.deep.equal([]);
      expect(plan.some((detail) => reads.byPersonKey.test(detail)), plan.join('\n')).to.equal(true);
    }
  });
});

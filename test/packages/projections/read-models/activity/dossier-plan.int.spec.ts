import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { ledgerRegistry } from '@quanze/events';
import type { ProposedEvent } from '@quanze/events';
import { openEventStore } from '@quanze/eventstore';
import type { EventStore } from '@quanze/eventstore';
import { activityProjection, createProjectionRunner, explainPersonDossier, openReadModelDatabase, organizationProjection, personDossier } from '@quanze/projections';
import type { DossierEntry, ReadModelDatabase } from '@quanze/projections';
import { fakeSha256 } from './ledger-writer.js';

/**
 * A dossier of one person with 1,000 entries, among 10,000 participations of others: it is read through the keys of
 * its tables (EXPLAIN QUERY PLAN shows no full scan of a read model's table), a page at a time. No timing is asserted;
 * the bench measures time.
 */
describe('a dossier of one person with 1,000 entries', () => {
  let folder: string;
  let store: EventStore;
  let db: ReadModelDatabase;
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
    db = openReadModelDatabase(':memory:');
    await createProjectionRunner({ store, db, projections: [organizationProjection, activityProjection] }).catchUp();
  });
  after(async () => {
    db.close();
    await store.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('holds all 1,000 entries, in pages of at most 500', () => {
    const entries: DossierEntry[] = [];
    let after: string | undefined;
    let pages = 0;
    for (;;) {
      const page = personDossier(db, reviewer, { limit: 500, ...(after === undefined ? {} : { after }) });
      pages++;
      expect(page.entries.length).to.be.at.most(500);
      entries.push(...page.entries);
      if (page.next === null) break;
      after = page.next;
    }
    expect(entries).to.have.length(1000);
    expect(pages).to.be.within(2, 3);
    expect(entries.every((entry) => entry.roles.some((role) => role.role === 'reviewed'))).to.equal(true);
    expect(() => personDossier(db, reviewer, { limit: 501 })).to.throw(RangeError);
  });

  it('searches the participations by the person’s key and never scans a read model’s table', () => {
    const filters = [{}, { roles: ['reviewed' as const] }, { from: '2018-01-01T00:00:00.000Z', to: '2020-01-01T00:00:00.000Z', limit: 500 }];
    for (const options of filters) {
      const plan = explainPersonDossier(db, reviewer, options);
      // The only scan allowed is of the page's own list of positions or roles (json_each), never of a table.
      expect(plan.filter((detail) => /^SCAN (?!json_each)/.test(detail)), plan.join('\n')).to.deep.equal([]);
      expect(plan.some((detail) => /^SEARCH activity_participants USING INDEX activity_participants_by_person \(person_id=\? AND position>\?\)/.test(detail)), plan.join('\n')).to.equal(true);
    }
  });
});

import { expect } from 'chai';
import type { RecordedEvent } from '@quanze/events';
import type { EventStore } from '@quanze/eventstore';
import type { AccessRecord } from '@quanze/projections';
import type { Principal } from '@quanze/service-kit';
import type { TestApp } from '../../support/http.js';
import { get, startAccountabilityApp } from './queries-support.js';
import type { AccountabilityTestApp, Problem } from './queries-support.js';

interface Page<TItem> {
  readonly items: TItem[];
  readonly nextCursor: string | null;
}

async function eventsAfter(store: EventStore, position: number): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for await (const event of store.readAll({ fromPosition: position + 1 })) events.push(event);
  return events;
}

describe('the access audit (访问留痕)', () => {
  let city: AccountabilityTestApp;
  let app: TestApp;
  let now = '2026-03-02T01:00:00.000Z';
  const principals = {
    supervision: { personId: 'person-jw', postId: 'post-jw', unitId: 'unit-jw', roles: ['supervision'] },
    court: { personId: 'person-judge', postId: 'post-judge', unitId: 'unit-court', roles: ['court'] },
    procuratorate: { personId: 'person-prosecutor', postId: null, unitId: 'unit-jcy', roles: ['procuratorate'] },
    police: { personId: 'person-police', postId: 'post-police', unitId: 'unit-gaj', roles: ['public-security'] },
    analyst: { personId: 'person-analyst', postId: null, unitId: null, roles: ['analyst'] },
    clerk: { personId: 'person-clerk', postId: 'post-clerk', unitId: 'unit-scj', roles: ['clerk'] },
    head: { personId: 'person-head', postId: 'post-head', unitId: 'unit-scj', roles: ['head'] },
    admin: { personId: 'person-admin', postId: null, unitId: null, roles: ['admin'] },
  } as const satisfies Record<string, Principal>;
  type Name = keyof typeof principals;
  const tokens = new Map<Name | 'public', string | null>();

  async function ask(as: Name | 'public', path: string): Promise<{ status: number; recorded: RecordedEvent[] }> {
    const before = await app.store.headPosition();
    const response = await get(app, path, tokens.get(as) ?? null);
    // The answer has been sent: whatever was recorded for it is in the store already.
    return { status: response.status, recorded: await eventsAfter(app.store, before) };
  }

  async function audit(query: string): Promise<Page<AccessRecord>> {
    const response = await get<Page<AccessRecord>>(app, `/access-audit${query}${query.includes('?') ? '&' : '?'}consistent=true`, tokens.get('supervision') ?? null);
    expect(response.status, JSON.stringify(response.body)).to.equal(200);
    return response.body;
  }

  before(async () => {
    city = await startAccountabilityApp([], { clock: () => new Date(now) });
    app = city.app;
    tokens.set('public', null);
    for (const [name, principal] of Object.entries(principals) as [Name, Principal][]) tokens.set(name, await app.token({ ...principal, roles: [...principal.roles] }));
  });

  after(async () => {
    await city.close();
  });

  describe('recording', () => {
    it('appends exactly one access.queried.v1 per query of supervision, judicial and analyst users, before answering', async () => {
      const queries: [Name, string, number][] = [
        ['court', '/inbox?limit=5', 200],
        ['procuratorate', '/inbox/case-1/transfer-1', 404],
        ['police', '/public/enforcement-results?kind=case', 200],
        ['analyst', '/public/documents?on=2026-01-01', 200],
        ['supervision', '/read-models', 200],
        ['supervision', '/access-audit?personId=person-judge', 200],
      ];
      for (const [as, path, status] of queries) {
        const { status: answered, recorded } = await ask(as, path);
        expect(answered, `${as} ${path}`).to.equal(status);
        expect(recorded.map((event) => [event.type, event.streamId]), `${as} ${path}`).to.deep.equal([
          ['access.queried.v1', `access-${principals[as].personId}`],
        ]);
      }
    });

    it('records who (person, post, unit, roles), what (operation, subject, parameters) and when', async () => {
      const { recorded } = await ask('court', '/inbox?stage=sent&limit=7');
      const [event] = recorded;
      expect(event?.actor).to.deep.equal({ personId: 'person-judge', postId: 'post-judge', unitId: 'unit-court' });
      expect(event?.occurredAt).to.equal(now);
      expect(event?.data).to.deep.equal({
        who: { personId: 'person-judge', postId: 'post-judge', unitId: 'unit-court', roles: ['court'] },
        what: { operationId: 'listTransferInbox', subject: null, parameters: { unitId: 'unit-court', stage: 'sent', limit: 7, consistent: false } },
        when: now,
      });
      const detail = await ask('procuratorate', '/inbox/case-42/transfer-7');
      expect(detail.recorded[0]?.data).to.deep.include({
        what: { operationId: 'getInboxTransfer', subject: 'case-case-42', parameters: { unitId: 'unit-jcy', transferId: 'transfer-7', consistent: false } },
      });
    });

    it('records nothing for the public, clerks, heads and administrators', async () => {
      for (const [as, path] of [
        ['public', '/public/documents'],
        ['public', '/public/decisions'],
        ['clerk', '/public/enforcement-results'],
        ['head', '/public/documents'],
        ['admin', '/read-models'],
      ] as const) {
        const { status, recorded } = await ask(as, path);
        expect(status, `${as} ${path}`).to.equal(200);
        expect(recorded, `${as} ${path}`).to.deep.equal([]);
      }
    });

    it('records nothing for a refused caller: the role check comes first', async () => {
      const { status, recorded } = await ask('analyst', '/access-audit');
      expect(status).to.equal(403);
      expect(recorded).to.deep.equal([]);
    });
  });

  describe('reading the audit', () => {
    it('finds the queries by person, unit, operation, subject and time, latest first; reading it is recorded too', async () => {
      now = '2026-03-03T02:00:00.000Z';
      await ask('court', '/inbox');
      now = '2026-03-04T02:00:00.000Z';
      await ask('court', '/inbox/case-9/transfer-9');
      await ask('police', '/inbox');

      const judge = await audit('?personId=person-judge');
      expect(judge.items.map((record) => record.when)).to.deep.equal([...judge.items.map((record) => record.when)].sort().reverse());
      expect(judge.items.every((record) => record.who.personId === 'person-judge')).to.equal(true);
      expect(judge.items[0]?.what).to.deep.include({ operationId: 'getInboxTransfer', subject: 'case-case-9' });

      expect((await audit('?subject=case-case-9')).items.map((record) => record.who.personId)).to.deep.equal(['person-judge']);
      expect((await audit('?unitId=unit-gaj')).items.every((record) => record.who.unitId === 'unit-gaj')).to.equal(true);
      const onThe3rd = await audit('?personId=person-judge&from=2026-03-03&to=2026-03-03');
      expect(onThe3rd.items.map((record) => [record.what.operationId, record.when])).to.deep.equal([['listTransferInbox', '2026-03-03T02:00:00.000Z']]);
      const instants = await audit('?operation=getInboxTransfer&from=2026-03-04T00:00:00Z&to=2026-03-05T00:00:00%2B08:00');
      expect(instants.items.map((record) => record.what.subject)).to.deep.equal(['case-case-9']);

      // The supervisor's own reading, recorded before each answer.
      const reads = await audit('?personId=person-jw&operation=listAccessAudit');
      expect(reads.items.length).to.be.greaterThanOrEqual(6);
      expect(reads.items[0]?.what.parameters).to.deep.include({ personId: 'person-jw', operation: 'listAccessAudit' });
    });

    it('pages, latest first, without repeating or skipping', async () => {
      const all = await audit('?limit=200');
      const seen: number[] = [];
      let cursor: string | null = '';
      while (cursor !== null) {
        const page: Page<AccessRecord> = await audit(`?limit=3${cursor === '' ? '' : `&cursor=${cursor}`}`);
        seen.push(...page.items.map((record) => record.position));
        cursor = page.nextCursor;
      }
      // Every page is itself recorded, so the full list read later holds more; the earlier one is a prefix of it.
      const positions = all.items.map((record) => record.position);
      expect(seen.slice(-positions.length)).to.deep.equal(positions);
      expect(new Set(seen).size).to.equal(seen.length);
    });

    it('is for supervision only, and names a bad time bound (400)', async () => {
      for (const as of ['court', 'analyst', 'admin', 'clerk'] as const) {
        expect((await get(app, '/access-audit', tokens.get(as) ?? null)).status, as).to.equal(403);
      }
      expect((await get(app, '/access-audit', null)).status).to.equal(401);
      const bad = await get<Problem>(app, '/access-audit?from=yesterday', tokens.get('supervision') ?? null);
      expect(bad.status).to.equal(400);
      expect(bad.body.errors?.[0]?.path).to.deep.equal(['query', 'from']);
    });
  });
});

describe('an access audit whose appends fail', () => {
  let city: AccountabilityTestApp;

  before(async () => {
    city = await startAccountabilityApp([], {
      // Only the recorder's appends fail; the store itself works.
      recordAccessStore: (store) => Object.assign(Object.create(store) as EventStore, { appendToStream: () => Promise.reject(new Error('disk full')) }),
    });
  });

  after(async () => {
    await city.close();
  });

  it('fails the query with 503 and answers nothing, for a caller who would be recorded', async () => {
    const court = await city.app.token({ roles: ['court'], personId: 'person-judge', unitId: 'unit-court' });
    const response = await get<Problem & { items?: unknown }>(city.app, '/inbox', court);
    expect(response.status).to.equal(503);
    expect(response.body.code).to.equal('eventstore.unavailable');
    expect(response.body.items).to.equal(undefined);
    expect(response.headers.get('retry-after')).to.equal('1');
  });

  it('still answers those who are not recorded', async () => {
    expect((await get(city.app, '/public/documents', null)).status).to.equal(200);
    const clerk = await city.app.token({ roles: ['clerk'], personId: 'person-clerk', unitId: 'unit-scj' });
    expect((await get(city.app, '/public/decisions', clerk)).status).to.equal(200);
  });
});

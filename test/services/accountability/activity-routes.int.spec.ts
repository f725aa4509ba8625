import { expect } from 'chai';
import type { RecordedEvent } from '@quanze/events';
import { activityProjection, createProjectionRunner, organizationProjection } from '@quanze/projections';
import type { ProjectionRunner, ReadModelStore } from '@quanze/projections';
import type { Principal, ServiceModule } from '@quanze/service-kit';
import { createAccessRecorder } from '../../../services/accountability/src/access-audit.js';
import { createChainRoutes } from '../../../services/accountability/src/chain-routes.js';
import type { AccountabilityDeps } from '../../../services/accountability/src/deps.js';
import { createDossierRoutes } from '../../../services/accountability/src/dossier-routes.js';
import { createTimelineRoutes } from '../../../services/accountability/src/timeline-routes.js';
import { createTraceRoutes } from '../../../services/accountability/src/trace-routes.js';
import { recordCityHistory, startCity } from '../../packages/projections/read-models/activity/city-history.js';
import type { CityHistory } from '../../packages/projections/read-models/activity/city-history.js';
import { authorizationMatrix, expectMatrixMatchesAllow } from '../../support/http.js';
import type { ServiceFactory, TestResponse } from '../../support/http.js';
import { describeOnEachReadModelStore } from '../../support/read-models.js';

interface Problem {
  readonly code?: string;
  readonly errors?: readonly { readonly path: readonly (string | number)[] }[];
}

interface ChainBody extends Problem {
  readonly steps?: readonly { readonly type: string }[];
}

interface PageBody extends Problem {
  readonly entries?: readonly { readonly eventId: string; readonly position: number; readonly subject: { readonly id: string }; readonly outcome?: string | null; readonly recordedAt: string }[];
  readonly next?: string | null;
  readonly person?: { readonly now: { readonly status: string } };
  readonly units?: readonly string[];
}

interface TraceBody extends Problem {
  readonly persons?: readonly { readonly personId: string; readonly parts: readonly { readonly role: string; readonly detail: { readonly opinion?: string } | null }[] }[];
}

/**
 * Queries 1–4 over HTTP, on the handcrafted history of 尚志市 recorded through the real organisation and decisions
 * services: who may read what, what is recorded as access.queried.v1, and how bad parameters are refused. The same
 * answers from read models in SQLite and in PostgreSQL: these queries are the read models' most intricate SQL.
 */
describeOnEachReadModelStore('the chain, dossier, trace and timeline routes', (target) => {
  let city: CityHistory;
  let service: ServiceModule;
  let readModels: ReadModelStore | undefined;
  let runner: ProjectionRunner | undefined;

  const activity: ServiceFactory = ({ store, clock }) => {
    if (readModels === undefined) throw new Error('the read models open before the app');
    runner = createProjectionRunner({ store, readModels, projections: [organizationProjection, activityProjection] });
    const now = clock ?? (() => new Date());
    const deps: AccountabilityDeps = { store, readModels, runner, clock: now, recordAccess: createAccessRecorder(store, now) };
    return {
      name: 'accountability',
      description: 'chains, dossiers, traces and timelines',
      routes: [...createChainRoutes(deps), ...createDossierRoutes(deps), ...createTraceRoutes(deps), ...createTimelineRoutes(deps)],
      errorStatuses: {},
    };
  };

  before(async () => {
    readModels = await target.open();
    const { app, setNow } = await startCity([activity]);
    city = await recordCityHistory(app, setNow);
    await runner?.catchUp();
    const module = app.services.at(-1);
    if (module === undefined) throw new Error('no accountability routes');
    service = module;
  });
  after(async () => {
    await readModels?.close();
    await city.app.close();
  });

  const as = (principal: Partial<Principal> & Pick<Principal, 'roles'>) => city.app.token(principal);
  const get = async <TBody = Problem>(path: string, token: string | null): Promise<TestResponse<TBody>> => city.app.request<TBody>('get', path, { token });

  async function accessesOf(personId: string): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    for await (const event of city.app.store.readStream(`access-${personId}`)) events.push(event);
    return events;
  }

  it('lets each role call exactly the routes it is allowed', async () => {
    expectMatrixMatchesAllow(await authorizationMatrix(city.app, service));
    const allowed = (operationId: string) => service.routes.find((route) => route.operationId === operationId)?.allow;
    expect(allowed('getPersonDossier')).to.deep.equal(['supervision']);
    expect(allowed('traceFromEvent')).to.deep.equal(['supervision']);
    expect(allowed('getPersonTimeline')).to.deep.equal(['supervision']);
    expect(allowed('getCityTimeline')).to.deep.equal(['supervision', 'analyst']);
    expect(allowed('getResponsibilityChain')).to.have.members(['supervision', 'analyst', 'head', 'legal-reviewer', 'clerk']);
  });

  describe('the responsibility chain', () => {
    it('answers supervision, and records the query before answering', async () => {
      const token = await as({ roles: ['supervision'], personId: 'person-jiancha-1', postId: null, unitId: 'unit-jiancha' });
      const response = await get<ChainBody>(`/chains/decision/${city.decisions.d1}`, token);
      expect(response.status).to.equal(200);
      expect(response.body.steps?.at(-1)?.type).to.equal('decision.revoked.v1');
      const accesses = await accessesOf('person-jiancha-1');
      expect(accesses.map((event) => (event.data as { what: { operationId: string; subject: string } }).what)).to.deep.include({
        operationId: 'getResponsibilityChain',
        subject: `decision-${city.decisions.d1}`,
        parameters: { consistent: false },
      });
    });

    it('answers an analyst, recorded too', async () => {
      const token = await as({ roles: ['analyst'], personId: 'person-analyst-1', postId: null, unitId: 'unit-tongjiju' });
      expect((await get(`/chains/decision/${city.decisions.d1}`, token)).status).to.equal(200);
      expect(await accessesOf('person-analyst-1')).to.have.length(1);
    });

    it('answers a head of a unit that handled the decision, without recording it (heads read their own)', async () => {
      const token = await as({ roles: ['head'], personId: city.persons.successorDirector, unitId: city.units.development });
      expect((await get(`/chains/decision/${city.decisions.d1}`, token)).status).to.equal(200);
      expect(await accessesOf(city.persons.successorDirector)).to.deep.equal([]);
    });

    it('answers the unit that answers today for a merged unit that took a step', async () => {
      const token = await as({ roles: ['legal-reviewer'], personId: 'person-governance-reviewer', unitId: city.units.governance });
      expect((await get(`/chains/decision/${city.decisions.d1}`, token)).status).to.equal(200);
    });

    it('gives supervision the reasons of a revocation, and others only that reasons were given', async () => {
      const supervision = await get<{ outcomes: { kind: string; detail: Record<string, unknown> }[] }>(
        `/chains/decision/${city.decisions.d1}`,
        await as({ roles: ['supervision'] }),
      );
      const analyst = await get<{ outcomes: { kind: string; detail: Record<string, unknown> }[] }>(
        `/chains/decision/${city.decisions.d1}`,
        await as({ roles: ['analyst'] }),
      );
      expect(JSON.stringify(supervision.body.outcomes)).to.contain('评估建议撤销');
      expect(JSON.stringify(analyst.body)).not.to.contain('评估建议撤销');
      expect(analyst.body.outcomes.find((outcome) => outcome.kind === 'revoked')?.detail).to.include({ reasons: true });
    });

    it('refuses a clerk of a unit without a part in the decision', async () => {
      const token = await as({ roles: ['clerk'], personId: 'person-clerk-jyj', unitId: 'unit-jiaoyuju' });
      const response = await get(`/chains/decision/${city.decisions.d1}`, token);
      expect([response.status, response.body.code]).to.deep.equal([403, 'subject.not-permitted']);
    });

    it('answers 404 for a subject the ledger does not know, and 400 for a kind without chains', async () => {
      const token = await as({ roles: ['supervision'] });
      const missing = await get('/chains/decision/no-such-decision', token);
      expect([missing.status, missing.body.code]).to.deep.equal([404, 'subject.not-found']);
      const unit = await get(`/chains/unit/${city.units.development}`, token);
      expect([unit.status, unit.body.errors?.[0]?.path]).to.deep.equal([400, ['params', 'subjectKind']]);
    });
  });

  describe('the dossier', () => {
    it('shows supervision the rotated official’s acts in three units, the revoked decision among them', async () => {
      const token = await as({ roles: ['supervision'] });
      const response = await get<PageBody>(`/dossiers/${city.persons.rotating}`, token);
      expect(response.status).to.equal(200);
      expect(response.body.person?.now.status).to.equal('retired');
      expect(response.body.entries?.[0]).to.deep.include({ outcome: 'revoked' });
      expect(response.body.entries?.map((entry) => entry.subject.id)).to.deep.equal([city.decisions.d1, city.decisions.d2, city.decisions.d3, city.decisions.d3]);
    });

    it('filters by part and by China calendar day, and pages with the cursor it gave', async () => {
      const token = await as({ roles: ['supervision'] });
      const votes = await get<PageBody>(`/dossiers/${city.persons.rotating}?roles=voted,proposed&from=2018-01-01`, token);
      expect(votes.body.entries?.map((entry) => entry.subject.id)).to.deep.equal([city.decisions.d3]);
      const first = await get<PageBody>(`/dossiers/${city.persons.rotating}?limit=2`, token);
      expect(first.body.entries).to.have.length(2);
      const second = await get<PageBody>(`/dossiers/${city.persons.rotating}?limit=2&after=${first.body.next ?? ''}`, token);
      expect(second.body.entries?.map((entry) => entry.subject.id)).to.deep.equal([city.decisions.d3, city.decisions.d3]);
    });

    it('refuses bad parameters with the field at fault', async () => {
      const token = await as({ roles: ['supervision'] });
      const cases: [string, (string | number)[]][] = [
        ['limit=501', ['query', 'limit']],
        ['limit=0', ['query', 'limit']],
        ['after=not-a-cursor', ['query', 'after']],
        ['roles=voted,bribed', ['query', 'roles', 1]],
        ['from=2018-13-01', ['query', 'from']],
        ['page=2', ['query']],
      ];
      for (const [query, path] of cases) {
        const response = await get(`/dossiers/${city.persons.rotating}?${query}`, token);
        expect([query, response.status, response.body.code], JSON.stringify(response.body)).to.deep.equal([query, 400, 'validation.failed']);
        expect(response.body.errors?.[0]?.path, query).to.deep.equal(path);
      }
    });

    it('answers an outside evaluator’s dossier even when the filters leave nothing, and 404 for nobody', async () => {
      const token = await as({ roles: ['supervision'] });
      expect((await get(`/dossiers/${city.evaluator}`, token)).status).to.equal(200);
      const filtered = await get<{ entries: unknown[] }>(`/dossiers/${city.evaluator}?to=2000-01-01`, token);
      expect([filtered.status, filtered.body.entries]).to.deep.equal([200, []]);
    });

    it('answers 404 for a person the ledger never met', async () => {
      const response = await get('/dossiers/person-nobody', await as({ roles: ['supervision'] }));
      expect([response.status, response.body.code]).to.deep.equal([404, 'subject.not-found']);
    });
  });

  describe('the reverse trace', () => {
    it('reaches the proposer, the voters with their votes and the head from the revocation', async () => {
      const response = await get<TraceBody>(`/traces/events/${city.events.d1Revocation}`, await as({ roles: ['supervision'] }));
      expect(response.status).to.equal(200);
      const partsOf = (personId: string) => response.body.persons?.find((person) => person.personId === personId)?.parts ?? [];
      expect(partsOf(city.persons.rotating).map((part) => part.role)).to.deep.equal(['proposed']);
      expect(partsOf(city.persons.members[1]).find((part) => part.role === 'voted')?.detail?.opinion).to.equal('against');
      expect(partsOf(city.persons.mayor).map((part) => part.role)).to.include.members(['decided', 'revoked']);
    });

    it('traces a subject, and answers 404 for an event that is no step', async () => {
      const token = await as({ roles: ['supervision'] });
      expect((await get(`/traces/decision/${city.decisions.d1}`, token)).status).to.equal(200);
      const missing = await get('/traces/events/00000000-0000-4000-8000-000000000000', token);
      expect([missing.status, missing.body.code]).to.deep.equal([404, 'subject.not-found']);
      expect((await get('/traces/events/not-a-uuid', token)).status).to.equal(400);
    });
  });

  describe('timelines', () => {
    it('gives an analyst the city, page after page, as known at a moment', async () => {
      const token = await as({ roles: ['analyst'] });
      const known = await get<PageBody>(`/timelines/subjects/decision/${city.decisions.d1}?asKnownAt=${city.afterD1Made.recordedAt}`, token);
      expect(known.body.entries?.at(-1)?.eventId).to.equal(city.events.d1Made);
      const first = await get<PageBody>('/timelines/city?limit=10', token);
      const second = await get<PageBody>(`/timelines/city?limit=10&after=${first.body.next ?? ''}`, token);
      expect(second.body.entries?.[0]?.position).to.be.greaterThan(first.body.entries?.at(-1)?.position ?? Infinity);
    });

    it('keeps a person’s timeline to supervision, by whichever route it is asked for', async () => {
      const personId = city.persons.clerk;
      for (const roles of [['analyst'], ['clerk'], ['head']] as const) {
        const response = await get(`/timelines/subjects/person/${personId}`, await as({ roles: [...roles] }));
        expect([response.status, response.body.code], roles[0]).to.deep.equal([403, 'subject.not-permitted']);
      }
      expect((await get(`/timelines/subjects/person/${personId}`, await as({ roles: ['supervision'] }))).status).to.equal(200);
    });

    it('reads instants as people type them: without milliseconds, or with an offset', async () => {
      const token = await as({ roles: ['analyst'] });
      const utc = await get<PageBody>('/timelines/city?from=2019-01-01T00:00:00Z&limit=5', token);
      const offset = await get<PageBody>(`/timelines/city?from=${encodeURIComponent('2019-01-01T08:00:00+08:00')}&limit=5`, token);
      expect(utc.status).to.equal(200);
      expect(offset.body.entries).to.deep.equal(utc.body.entries);
    });

    it('lets a clerk read their own unit’s timeline only', async () => {
      const token = await as({ roles: ['clerk'], personId: city.persons.clerk, unitId: city.units.development });
      expect((await get(`/timelines/units/${city.units.development}`, token)).status).to.equal(200);
      const other = await get(`/timelines/units/${city.units.government}`, token);
      expect([other.status, other.body.code]).to.deep.equal([403, 'subject.not-permitted']);
      expect((await get(`/timelines/subjects/decision/${city.decisions.d2}`, token)).status).to.equal(200);
    });

    it('gives the unit answering today the timelines of the units merged into it', async () => {
      const token = await as({ roles: ['head'], personId: 'person-governance-head', unitId: city.units.governance });
      const response = await get<PageBody>(`/timelines/units/${city.units.legalOffice}?limit=500`, token);
      expect(response.status).to.equal(200);
      expect(response.body.units).to.deep.equal([city.units.legalOffice]);
    });

    it('bounds by China calendar days, the last day included', async () => {
      const token = await as({ roles: ['supervision'] });
      const response = await get<PageBody>(`/timelines/persons/${city.persons.rotating}?from=2019-10-08&to=2019-10-08`, token);
      expect(response.body.entries).to.deep.equal([]);
      const day = await get<PageBody>(`/timelines/subjects/decision/${city.decisions.d1}?from=2019-10-08&to=2019-10-08`, token);
      expect(day.body.entries?.map((entry) => entry.eventId)).to.deep.equal([city.events.d1Revocation]);
    });
  });
});

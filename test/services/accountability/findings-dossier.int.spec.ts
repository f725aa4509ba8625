import { expect } from 'chai';
import { accountabilityProjections, createAccessRecorder, createAccountabilityService } from '@quanze/accountability';
import { createProjectionRunner, openSqliteReadModelStore } from '@quanze/projections';
import type { ProjectionRunner, ReadModelStore } from '@quanze/projections';
import { recordCityHistory, startCity } from '../../packages/projections/read-models/activity/city-history.js';
import type { CityHistory } from '../../packages/projections/read-models/activity/city-history.js';
import type { ServiceFactory } from '../../support/http.js';

interface Outcome {
  readonly kind: string;
  readonly eventId: string;
  readonly detail: Readonly<Record<string, unknown>>;
}

interface DossierEntry {
  readonly type: string;
  readonly subject: { readonly id: string };
  readonly roles: readonly { readonly role: string; readonly detail: Readonly<Record<string, unknown>> | null }[];
  readonly heldThen: readonly { readonly unitId: string | null; readonly source: string }[];
  readonly laterOutcomes: readonly Outcome[];
  readonly outcome: string | null;
}

interface Dossier {
  readonly person: { readonly now: { readonly status: string } };
  readonly entries: readonly DossierEntry[];
}

interface Trace {
  readonly from: { readonly type: string; readonly eventId: string };
  readonly steps: readonly { readonly eventId: string; readonly via: readonly string[] }[];
  readonly persons: readonly { readonly personId: string; readonly parts: readonly { readonly role: string; readonly type: string }[] }[];
}

interface Answer {
  readonly subject?: Readonly<Record<string, string>>;
  readonly events?: readonly { readonly eventId: string }[];
}

/**
 * A finding on the handcrafted history of 尚志市 (city-history.ts): years after decision D1 was adopted against the
 * majority and revoked, supervision holds its proposer 王建国 (since moved twice and retired), its legality reviewer
 * 赵审查 (since moved from 法制办 to 司法局) and the mayor responsible. Their dossiers show the finding as what became
 * of D1 and as their own entry, the reverse trace from it reaches the decision it faulted, and a withdrawal shows.
 */
describe('findings in dossiers and reverse traces', () => {
  let city: CityHistory;
  let supervision: string;
  let findingId: string;
  let findingEventId: string;
  const opened: { readModels?: ReadModelStore; runner?: ProjectionRunner } = {};
  let setClock: (instant: string) => void = () => undefined;

  const accountability: ServiceFactory = ({ store, clock }) => {
    const readModels = openSqliteReadModelStore(':memory:');
    const runner = createProjectionRunner({ store, readModels, projections: accountabilityProjections });
    opened.readModels = readModels;
    opened.runner = runner;
    const at = clock ?? (() => new Date());
    return createAccountabilityService({ store, readModels, runner, clock: at, recordAccess: createAccessRecorder(store, at) });
  };

  const get = async <TBody>(path: string) => {
    const response = await city.app.request<TBody>('get', path, { token: supervision });
    expect(response.status, `${path}: ${JSON.stringify(response.body)}`).to.equal(200);
    return response.body;
  };
  const dossierOf = (personId: string) => get<Dossier>(`/dossiers/${personId}?consistent=true`);
  const entriesOn = (dossier: Dossier, type: string) => dossier.entries.filter((entry) => entry.subject.id === city.decisions.d1 && entry.type === type);

  before(async () => {
    const { app, setNow } = await startCity([accountability]);
    setClock = setNow;
    await opened.runner?.start();
    city = await recordCityHistory(app, setNow);
    supervision = await app.token({ roles: ['supervision'], personId: 'person-supervisor', postId: null, unitId: null });

    setClock('2024-03-05T02:00:00.000Z');
    const { persons, units } = city;
    const response = await app.request<Answer>('post', '/findings', {
      token: supervision,
      body: {
        subject: { kind: 'decision', id: city.decisions.d1 },
        heldResponsible: [
          { personId: persons.rotating, unitId: units.development, responsibility: 'direct', measures: ['major-demerit'] },
          { personId: persons.reviewer, unitId: units.legalOffice, responsibility: 'direct', measures: ['admonishment'] },
          { personId: persons.mayor, unitId: units.government, responsibility: 'principal-leadership', measures: ['circulated-criticism', 'ordered-public-apology'] },
        ],
        basis: '重大行政决策程序暂行条例 第38条',
        conclusion: '调价决策违背多数意见且未作风险评估, 造成群众负担过重',
        decidedOn: '2024-03-01',
        inResponseTo: [city.events.d1Made],
      },
    });
    expect(response.status, JSON.stringify(response.body)).to.equal(201);
    findingId = response.body.subject?.findingId ?? '';
    findingEventId = response.body.events?.[0]?.eventId ?? '';
  });
  after(async () => {
    await opened.runner?.stop();
    await city.app.close();
    await opened.readModels?.close();
  });

  it('shows the finding as what became of the decision a person took part in, long after they moved', async () => {
    const dossier = await dossierOf(city.persons.reviewer);
    const [review] = entriesOn(dossier, 'decision.legalityReviewed.v1');
    // 赵审查 reviewed D1 in 法制办 (as recorded then); the finding came after the decision and its revocation.
    expect(review?.heldThen.map((post) => post.unitId)).to.deep.equal([city.units.legalOffice]);
    expect(review?.laterOutcomes.map((outcome) => outcome.kind)).to.deep.equal(['decided', 'evaluated', 'revoked', 'finding']);
    expect(review?.outcome).to.equal('finding');
    expect(review?.laterOutcomes.at(-1)?.detail).to.deep.include({ findingId, decidedOn: '2024-03-01', measures: ['major-demerit', 'admonishment', 'circulated-criticism', 'ordered-public-apology'] });
  });

  it('lists the finding as the person’s own entry: held responsible for the unit of the matter, in the post held on the day', async () => {
    const dossier = await dossierOf(city.persons.reviewer);
    const [own] = entriesOn(dossier, 'finding.recorded.v1');
    expect(own?.roles).to.deep.equal([
      { role: 'held-responsible', detail: { findingId, unitId: city.units.legalOffice, responsibility: 'direct', measures: 'admonishment', decidedOn: '2024-03-01' } },
    ]);
    // On the day of the finding he is a reviewer of 司法局, not of 法制办 where the matter was.
    expect(own?.heldThen.map((post) => [post.unitId, post.source])).to.deep.equal([[city.units.justice, 'tenure']]);
  });

  it('puts the finding in the timeline of the unit of the matter, though 法制办 has since merged away', async () => {
    const timeline = await get<{ entries: readonly { readonly eventId: string }[] }>(`/timelines/units/${city.units.legalOffice}?consistent=true`);
    expect(timeline.entries.map((entry) => entry.eventId)).to.include(findingEventId);
  });

  it('holds a retired official to account: the proposer’s dossier shows the finding on the decision he proposed', async () => {
    const dossier = await dossierOf(city.persons.rotating);
    expect(dossier.person.now.status).to.equal('retired');
    expect(entriesOn(dossier, 'decision.proposed.v1')[0]?.outcome).to.equal('finding');
    const [own] = entriesOn(dossier, 'finding.recorded.v1');
    expect(own?.roles[0]?.detail).to.deep.include({ measures: 'major-demerit', unitId: city.units.development });
    expect(own?.heldThen).to.deep.equal([]);
  });

  it('traces back from the finding to the decision it found at fault and everyone with a part in it', async () => {
    const trace = await get<Trace>(`/traces/findings/${findingId}?consistent=true`);
    expect(trace.from).to.deep.include({ type: 'finding.recorded.v1', eventId: findingEventId });
    expect(trace.steps.find((step) => step.eventId === city.events.d1Made)?.via).to.deep.equal(['earlier-step', 'in-response-to']);
    const rolesOf = (personId: string) => trace.persons.find((person) => person.personId === personId)?.parts.map((part) => part.role) ?? [];
    expect(rolesOf(city.persons.rotating)).to.have.members(['proposed', 'held-responsible']);
    expect(rolesOf(city.persons.mayor)).to.include.members(['decided', 'revoked', 'held-responsible']);
    // The trace from the finding's event id is the same walk.
    const byEvent = await get<Trace>(`/traces/events/${findingEventId}`);
    expect(byEvent.steps.map((step) => step.eventId)).to.deep.equal(trace.steps.map((step) => step.eventId));
  });

  it('keeps the finding’s conclusion from analysts reading the chain, and gives it to supervision', async () => {
    const analyst = await city.app.token({ roles: ['analyst'], personId: 'person-analyst', postId: null, unitId: null });
    const chainAs = async (token: string) =>
      (await city.app.request<{ outcomes: readonly Outcome[] }>('get', `/chains/decision/${city.decisions.d1}`, { token })).body.outcomes.find(
        (outcome) => outcome.kind === 'finding',
      );
    expect((await chainAs(supervision))?.detail.conclusion).to.equal('调价决策违背多数意见且未作风险评估, 造成群众负担过重');
    expect((await chainAs(analyst))?.detail).to.deep.include({ findingId, conclusion: true, basis: true });
  });

  it('shows analysts that a finding was made, and on which basis, but not who was held responsible nor with which measures', async () => {
    const analyst = await city.app.token({ roles: ['analyst'], personId: 'person-analyst', postId: null, unitId: null });
    type Parts = { readonly eventId: string; readonly participants: readonly { readonly role: string }[] };
    const findingStep = async (path: string, token: string) => {
      const response = await city.app.request<{ steps?: readonly Parts[]; entries?: readonly Parts[] }>('get', path, { token });
      expect(response.status, JSON.stringify(response.body)).to.equal(200);
      return [...(response.body.steps ?? []), ...(response.body.entries ?? [])].find((step) => step.eventId === findingEventId);
    };
    for (const path of [`/chains/decision/${city.decisions.d1}`, `/timelines/units/${city.units.legalOffice}`, `/timelines/subjects/decision/${city.decisions.d1}`]) {
      const seenBySupervision = await findingStep(path, supervision);
      expect(seenBySupervision?.participants.filter((part) => part.role === 'held-responsible'), path).to.have.length(3);
      const seenByAnalyst = await findingStep(path, analyst);
      expect(seenByAnalyst, path).to.not.equal(undefined);
      expect(seenByAnalyst?.participants.map((part) => part.role), path).to.not.include('held-responsible');
    }
  });

  describe('once the finding is withdrawn on appeal', () => {
    before(async () => {
      setClock('2024-06-03T02:00:00.000Z');
      const response = await city.app.request('post', `/findings/${findingId}/withdrawal`, {
        token: supervision,
        body: { ground: 'appeal', reasons: '申诉成立: 合法性审查已尽职责', withdrawnOn: '2024-06-01' },
      });
      expect(response.status, JSON.stringify(response.body)).to.equal(201);
    });

    it('shows the withdrawal after the finding, on the person’s own entry and on the decision', async () => {
      const dossier = await dossierOf(city.persons.reviewer);
      const [own] = entriesOn(dossier, 'finding.recorded.v1');
      expect(own?.outcome).to.equal('finding-withdrawn');
      expect(own?.laterOutcomes.map((outcome) => [outcome.kind, outcome.detail.findingId, outcome.detail.ground])).to.deep.equal([['finding-withdrawn', findingId, 'appeal']]);
      expect(entriesOn(dossier, 'decision.legalityReviewed.v1')[0]?.laterOutcomes.map((outcome) => outcome.kind)).to.deep.equal([
        'decided',
        'evaluated',
        'revoked',
        'finding',
        'finding-withdrawn',
      ]);
    });

    it('reads the finding as withdrawn, the finding itself kept on record', async () => {
      const finding = await get<{ status: string; heldResponsible: readonly unknown[]; withdrawal: { withdrawnOn: string } | null }>(`/findings/${findingId}`);
      expect(finding.status).to.equal('withdrawn');
      expect(finding.heldResponsible).to.have.length(3);
      expect(finding.withdrawal?.withdrawnOn).to.equal('2024-06-01');
    });
  });
});

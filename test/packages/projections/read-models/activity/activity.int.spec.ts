import { expect } from 'chai';
import {
  activityProjection,
  createProjectionRunner,
  dumpProjection,
  organizationProjection,
  personDossier,
  responsibilityChain,
  reverseTrace,
  timeline,
} from '@quanze/projections';
import type { ReadModelSql, ReadModelStore, ResponsibilityChain, TimelineEntry, TimelineOptions, TimelineScope } from '@quanze/projections';
import { describeOnEachReadModelStore, statementwise } from '../../../../support/read-models.js';
import { recordCityHistory, startCity } from './city-history.js';
import type { CityHistory } from './city-history.js';

const projections = [organizationProjection, activityProjection];

function dumpOf(readModels: ReadModelStore): Promise<string> {
  return readModels.read(async (q) => {
    let dump = '';
    for (const projection of projections) dump += await dumpProjection(q, projection);
    return dump;
  });
}

/** Every page of a timeline, following `next`. */
async function allPages(db: ReadModelSql, scope: TimelineScope, options: TimelineOptions = {}): Promise<TimelineEntry[]> {
  const entries: TimelineEntry[] = [];
  let after: string | undefined;
  for (let page = 0; page < 1000; page++) {
    const result = await timeline(db, scope, { ...options, ...(after === undefined ? {} : { after }) });
    entries.push(...result.entries);
    if (result.next === null) return entries;
    after = result.next;
  }
  throw new Error('more than 1000 pages');
}

describeOnEachReadModelStore('the activity read model: chains, dossiers, reverse traces and timelines', (target) => {
  let city: CityHistory;
  let readModels: ReadModelStore;
  let db: ReadModelSql;
  let d1: ResponsibilityChain;

  before(async () => {
    const { app, setNow } = await startCity();
    city = await recordCityHistory(app, setNow);
    readModels = await target.open();
    db = statementwise(readModels);
    await createProjectionRunner({ store: app.store, readModels, projections }).catchUp();
    const chain = await responsibilityChain(db, { kind: 'decision', id: city.decisions.d1 });
    if (chain === null) throw new Error('no chain for D1');
    d1 = chain;
  });
  after(async () => {
    await readModels.close();
    await city.app.close();
  });

  describe('the responsibility chain of a decision (责任链)', () => {
    it('lists every step in order, each with who recorded it', () => {
      expect(d1.subject).to.deep.include({ kind: 'decision', id: city.decisions.d1, label: '尚志市城区供热价格调整' });
      expect(d1.steps.map((step) => step.type)).to.deep.equal([
        'decision.proposed.v1',
        'decision.legalityReviewed.v1',
        'decision.collectiveDiscussionConvened.v1',
        'decision.memberOpinionGiven.v1',
        'decision.memberOpinionGiven.v1',
        'decision.memberOpinionGiven.v1',
        'decision.made.v1',
        'decision.implementationReported.v1',
        'decision.evaluated.v1',
        'decision.revoked.v1',
      ]);
      expect(d1.steps[0]?.recordedBy.personId).to.equal(city.persons.clerk);
    });

    it('names the proposer in the post and unit he held then, not the one he holds later', () => {
      const proposer = d1.steps[0]?.participants.find((participant) => participant.role === 'proposed');
      expect(proposer).to.deep.include({ personId: city.persons.rotating, name: '王建国' });
      expect(proposer?.heldThen.map(({ postTitle, unitId, unitName, source }) => ({ postTitle, unitId, unitName, source }))).to.deep.equal([
        { postTitle: '局长', unitId: city.units.development, unitName: '尚志市发展和改革局', source: 'tenure' },
      ]);
    });

    it('names the reviewer’s unit by its name then, and the unit answering for it today after two mergers', () => {
      const review = d1.steps[1];
      expect(review?.participants.find((participant) => participant.role === 'reviewed')?.heldThen[0]).to.deep.include({
        unitId: city.units.legalOffice,
        unitName: '尚志市人民政府法制办公室',
        source: 'recorded',
      });
      const legalOffice = d1.units.find((unit) => unit.unitId === city.units.legalOffice);
      expect(legalOffice?.answeringToday.responsibleToday).to.deep.equal({ unitId: city.units.governance, name: '尚志市社会治理局' });
      expect(legalOffice?.answeringToday.successorChain.map((step) => step.unitId)).to.deep.equal([city.units.justice, city.units.governance]);
      expect(d1.units.find((unit) => unit.unitId === city.units.development)?.relations).to.include.members(['lead', 'actor']);
      expect(d1.units.find((unit) => unit.unitId === city.units.government)?.relations).to.include('decision-organ');
    });

    it('says where each person is now: the proposer retired, the mayor still in post', () => {
      expect(d1.persons.find((person) => person.personId === city.persons.rotating)?.now).to.deep.equal({ status: 'retired', posts: [], retiredOn: '2023-01-01' });
      expect(d1.persons.find((person) => person.personId === city.persons.mayor)?.now.status).to.equal('in-post');
      expect(d1.persons.find((person) => person.personId === city.evaluator)?.now.status).to.equal('unknown');
    });

    it('marks the skipped conditional steps and the head’s decision against the majority', () => {
      expect(d1.steps[0]?.marks.map((mark) => [mark.kind, mark.detail.step])).to.deep.equal([
        ['skipped', 'publicParticipation'],
        ['skipped', 'expertArgumentation'],
        ['skipped', 'riskAssessment'],
      ]);
      expect(d1.steps[6]?.marks).to.deep.equal([
        {
          kind: 'overridden',
          rule: 'the head decided against the majority',
          article: '713号 第30条',
          detail: { headPersonId: city.persons.mayor, majorityOpinion: 'against', outcome: 'adopted', headReasonsGiven: true },
        },
      ]);
    });

    it('lists the subject’s outcomes, and keeps free text out of the facts', () => {
      expect(d1.outcomes.map((outcome) => outcome.kind)).to.deep.equal(['decided', 'evaluated', 'revoked']);
      expect(d1.outcomes[1]?.detail).to.deep.include({ recommendation: 'revoke', conclusion: '群众负担过重' });
      const proposal = d1.steps[0];
      expect(proposal?.facts).to.include({ title: true, draftSummary: true, decisionOrganUnitId: city.units.government });
      expect(JSON.stringify(proposal?.facts)).to.not.include('供热');
    });

    it('answers null for a subject the ledger does not know', async () => {
      expect(await responsibilityChain(db, { kind: 'decision', id: 'no-such-decision' })).to.equal(null);
    });
  });

  describe('the dossier of the official who rotated across three units (终身)', () => {
    it('spans all three units, each act with the post held then', async () => {
      const dossier = await personDossier(db, city.persons.rotating);
      expect(dossier.person).to.deep.include({ name: '王建国', now: { status: 'retired', posts: [], retiredOn: '2023-01-01' } });
      expect(dossier.entries.map((entry) => [entry.subject.id, entry.roles.map((role) => role.role), entry.heldThen.map((post) => post.unitId)])).to.deep.equal([
        [city.decisions.d1, ['proposed'], [city.units.development]],
        [city.decisions.d2, ['recorded', 'reviewed'], [city.units.legalOffice]],
        [city.decisions.d3, ['attended'], [city.units.government]],
        [city.decisions.d3, ['voted'], [city.units.government]],
      ]);
      expect(dossier.next).to.equal(null);
    });

    it('shows the decision he proposed as revoked, although it was revoked after he moved twice', async () => {
      const proposal = (await personDossier(db, city.persons.rotating)).entries[0];
      expect(proposal?.outcome).to.equal('revoked');
      expect(proposal?.laterOutcomes.map((outcome) => outcome.kind)).to.deep.equal(['decided', 'evaluated', 'revoked']);
      expect(proposal?.laterOutcomes[2]?.eventId).to.equal(city.events.d1Revocation);
    });

    it('gives each tenure with the unit answering for it today', async () => {
      const tenures = (await personDossier(db, city.persons.rotating)).person.tenures;
      expect(tenures.map((tenure) => tenure.unitAnsweringToday.responsibleToday?.unitId)).to.deep.equal([
        city.units.development,
        city.units.governance,
        city.units.government,
      ]);
    });

    it('filters by part, keeping the vote as given', async () => {
      const votes = (await personDossier(db, city.persons.rotating, { roles: ['voted'] })).entries;
      expect(votes.map((entry) => [entry.subject.id, entry.roles])).to.deep.equal([
        [city.decisions.d3, [{ role: 'voted', detail: { opinion: 'against', meetingId: 'standing-2019-06' } }]],
      ]);
    });

    it('filters by when the step occurred', async () => {
      const from2018 = (await personDossier(db, city.persons.rotating, { from: '2018-01-01T00:00:00.000Z', to: '2019-01-01T00:00:00.000Z' })).entries;
      expect(from2018.map((entry) => entry.subject.id)).to.deep.equal([city.decisions.d2]);
    });

    it('pages by an opaque cursor', async () => {
      const first = await personDossier(db, city.persons.rotating, { limit: 3 });
      expect(first.entries).to.have.length(3);
      expect(first.next).to.be.a('string');
      const second = await personDossier(db, city.persons.rotating, { limit: 3, after: first.next ?? undefined });
      expect(second.entries.map((entry) => entry.roles[0]?.role)).to.deep.equal(['voted']);
      expect(second.next).to.equal(null);
      await expect(personDossier(db, city.persons.rotating, { after: 'bm90LWEtY3Vyc29y' })).to.be.rejectedWith('not a cursor');
    });

    it('lists the mayor’s decision and his revocation as acts of his', async () => {
      const roles = (await personDossier(db, city.persons.mayor)).entries.flatMap((entry) => entry.roles.map((role) => role.role));
      expect(roles).to.include.members(['presided', 'decided', 'revoked']);
    });
  });

  describe('the reverse trace from the revocation (责任倒查)', () => {
    it('walks back through the evaluation and the report it answers to every earlier step', async () => {
      const trace = await reverseTrace(db, { eventId: city.events.d1Revocation });
      expect(trace?.from).to.deep.include({ type: 'decision.revoked.v1', subjectLabel: '尚志市城区供热价格调整' });
      const via = new Map(trace?.steps.map((step) => [step.eventId, step.via]));
      expect(via.get(city.events.d1Revocation)).to.deep.equal(['outcome']);
      expect(via.get(city.events.d1Evaluation)).to.include('in-response-to');
      expect(via.get(city.events.d1Report)).to.include('in-response-to');
      expect(via.get(city.events.d1Made)).to.deep.equal(['earlier-step']);
      expect(trace?.summary).to.deep.equal({ steps: 10, skipped: 3, late: 0, overridden: 1 });
    });

    it('reaches the proposer, the reviewer, the voters with their votes and the head', async () => {
      const trace = await reverseTrace(db, { eventId: city.events.d1Revocation });
      const partsOf = (personId: string) => trace?.persons.find((person) => person.personId === personId)?.parts ?? [];
      const [member1, member2, member3] = city.persons.members;
      expect(partsOf(city.persons.rotating).map((part) => part.role)).to.deep.equal(['proposed']);
      expect(partsOf(city.persons.rotating)[0]?.heldThen[0]?.unitId).to.equal(city.units.development);
      expect(trace?.persons.find((person) => person.personId === city.persons.rotating)?.now.status).to.equal('retired');
      expect(partsOf(city.persons.reviewer).map((part) => part.role)).to.include('reviewed');
      const voteOf = (personId: string) => partsOf(personId).find((part) => part.role === 'voted')?.detail?.opinion;
      expect([voteOf(member1), voteOf(member2), voteOf(member3)]).to.deep.equal(['for', 'against', 'against']);
      const mayor = partsOf(city.persons.mayor);
      expect(mayor.map((part) => part.role)).to.include.members(['presided', 'decided', 'revoked']);
      expect(mayor.find((part) => part.role === 'decided')?.marks).to.deep.equal(['overridden']);
      expect(partsOf(city.evaluator).map((part) => part.role)).to.deep.equal(['evaluated']);
      expect(partsOf(city.persons.successorDirector).map((part) => part.role)).to.deep.equal(['reported']);
    });

    it('reaches the units, each with the unit answering today', async () => {
      const trace = await reverseTrace(db, { eventId: city.events.d1Revocation });
      const legalOffice = trace?.units.find((unit) => unit.unitId === city.units.legalOffice);
      expect(legalOffice?.answeringToday.responsibleToday?.unitId).to.equal(city.units.governance);
      expect(legalOffice?.parts.map((part) => [part.type, part.as])).to.deep.equal([['decision.legalityReviewed.v1', 'recorded-by-member']]);
      expect(trace?.units.find((unit) => unit.unitId === city.units.government)?.relations).to.include('decision-organ');
    });

    it('traces a subject from its latest step, and answers null for an unknown event', async () => {
      const bySubject = await reverseTrace(db, { subject: { kind: 'decision', id: city.decisions.d1 } });
      expect(bySubject?.from.eventId).to.equal(city.events.d1Revocation);
      expect(await reverseTrace(db, { eventId: '00000000-0000-4000-8000-000000000000' })).to.equal(null);
    });
  });

  describe('timelines', () => {
    it('gives a subject’s steps, the same as its chain', async () => {
      const entries = await allPages(db, { subject: { kind: 'decision', id: city.decisions.d1 } }, { limit: 3 });
      expect(entries.map((entry) => entry.eventId)).to.deep.equal(d1.steps.map((step) => step.eventId));
    });

    it('shows only what had been recorded "as known at" a moment', async () => {
      const entries = await allPages(db, { subject: { kind: 'decision', id: city.decisions.d1 } }, { asKnownAt: city.afterD1Made.recordedAt });
      expect(entries.every((entry) => entry.recordedAt <= city.afterD1Made.recordedAt)).to.equal(true);
      expect(entries.at(-1)?.eventId).to.equal(city.events.d1Made);
      expect(await timeline(db, { city: true }, { asKnownAt: '2000-01-01T00:00:00.000Z' })).to.deep.include({ entries: [], knownUpToPosition: 0 });
      const everything = await allPages(db, { city: true }, { limit: 500 });
      expect((await timeline(db, { city: true }, { asKnownAt: '2999-01-01T00:00:00.000Z', limit: 1 })).knownUpToPosition).to.equal(everything.at(-1)?.position);
    });

    it('pages the whole city in position order, each step once', async () => {
      const entries = await allPages(db, { city: true }, { limit: 7 });
      const positions = entries.map((entry) => entry.position);
      expect(positions).to.deep.equal([...positions].sort((a, b) => a - b));
      expect(new Set(positions).size).to.equal(positions.length);
      expect(entries.length).to.be.greaterThan(60);
      expect(entries.some((entry) => entry.type.startsWith('post.'))).to.equal(false);
    });

    it('bounds a timeline by when the steps occurred', async () => {
      const in2019 = await allPages(db, { city: true }, { from: '2019-01-01T00:00:00.000Z', to: '2020-01-01T00:00:00.000Z' });
      expect(in2019.length).to.be.greaterThan(0);
      expect(in2019.every((entry) => entry.occurredAt >= '2019-01-01' && entry.occurredAt < '2020-01-01')).to.equal(true);
      expect(in2019.map((entry) => entry.eventId)).to.include(city.events.d1Revocation);
    });

    it('gives a unit the steps of the units merged into it', async () => {
      const result = await timeline(db, { unitId: city.units.governance }, { limit: 500 });
      expect(result.units).to.have.members([city.units.governance, city.units.justice, city.units.legalOffice]);
      const types = result.entries.map((entry) => entry.type);
      expect(types).to.include('decision.legalityReviewed.v1');
      expect(result.entries.filter((entry) => entry.type === 'unit.merged.v1')).to.have.length(2);
      const paged = await allPages(db, { unitId: city.units.governance }, { limit: 4 });
      expect(paged.map((entry) => entry.position)).to.deep.equal(result.entries.map((entry) => entry.position));
    });

    it('gives a person every step naming them, their career included', async () => {
      const types = (await allPages(db, { personId: city.persons.rotating })).map((entry) => entry.type);
      expect(types.filter((type) => type === 'person.appointed.v1')).to.have.length(3);
      expect(types).to.include.members(['decision.proposed.v1', 'decision.legalityReviewed.v1', 'decision.memberOpinionGiven.v1', 'person.retired.v1']);
    });
  });
});

describeOnEachReadModelStore('rebuilding the organisation and activity read models', (target) => {
  it('gives the same rows, byte for byte, as building them while the history was recorded', async () => {
    const { app, setNow } = await startCity();
    const live = await target.open();
    const fresh = await target.open();
    const runner = createProjectionRunner({ store: app.store, readModels: live, projections, batchSize: 3 });
    try {
      await runner.start();
      // Following the store live while it is written: the read models grow a few events at a time.
      await recordCityHistory(app, setNow, async () => runner.waitFor(await app.store.headPosition()));
      await runner.waitFor(await app.store.headPosition());
      const incremental = await dumpOf(live);
      expect(incremental).to.include('decision.revoked.v1');

      await runner.rebuild();
      expect(await dumpOf(live)).to.equal(incremental);

      await createProjectionRunner({ store: app.store, readModels: fresh, projections }).catchUp();
      expect(await dumpOf(fresh)).to.equal(incremental);
    } finally {
      await runner.stop();
      await live.close();
      await fresh.close();
      await app.close();
    }
  });
});

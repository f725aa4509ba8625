import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { EventParseError, ledgerRegistry } from '@quanze/events';
import type { RecordedEvent } from '@quanze/events';
import { openEventStore } from '@quanze/eventstore';
import type { EventStore } from '@quanze/eventstore';
import { SEED_ACTOR, SeedConflict, loadActionPlanSeeds, planActionPlanStreams, readActionPlanSeeds } from '@quanze/seeds';

const NOW = new Date('2017-03-01T08:00:00.000Z');

async function readAll(store: EventStore): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for await (const event of store.readAll()) events.push(event);
  return events;
}

async function readStream(store: EventStore, streamId: string): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for await (const event of store.readStream(streamId)) events.push(event);
  return events;
}

describe('loading the action plan seeds into a SQLite store', function () {
  const folders: string[] = [];
  let store: EventStore | undefined;

  async function freshStore(): Promise<EventStore> {
    const folder = await mkdtemp(join(tmpdir(), 'quanze-seeds-'));
    folders.push(folder);
    store = await openEventStore(`sqlite:${folder}`);
    return store;
  }

  afterEach(async function () {
    await store?.close();
    store = undefined;
    await Promise.all(folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
  });

  it('appends a stream per unit and per measure, every event one the catalogue reads', async function () {
    const ledger = await freshStore();
    const result = await loadActionPlanSeeds(ledger, { now: NOW });

    expect(result).to.deep.equal({ units: 43, measures: 22, events: 43 + 2 * 22, alreadyLoaded: false });
    const events = await readAll(ledger);
    expect(events).to.have.length(result.events);
    for (const event of events) {
      expect(() => ledgerRegistry.parse(event), event.streamId).not.to.throw();
      expect(event.actor).to.deep.equal(SEED_ACTOR);
      expect(event.occurredAt).to.equal(NOW.toISOString());
    }
    const units = events.filter((event) => event.type === 'unit.registered.v1');
    expect(units.map((event) => event.streamId)).to.include.members(['unit-sz-zhengfu', 'unit-sz-fayuan', 'unit-sz-jianchayuan', 'unit-sz-gonganju']);
  });

  it('defines each measure, then assigns its responsibility', async function () {
    const ledger = await freshStore();
    await loadActionPlanSeeds(ledger, { now: NOW });

    const [defined, assigned, ...more] = await readStream(ledger, 'measure-ap2016-s1-m4');
    expect(more).to.be.empty;
    expect(defined?.type).to.equal('measure.defined.v1');
    expect(defined?.data).to.deep.include({
      measureId: 'ap2016-s1-m4',
      plan: { title: '尚志市法治政府建设行动方案(2016-2020年)', issuedBy: 'sz-zhengfu' },
      section: '(一)',
      sectionTitle: '深化行政管理体制改革,促进政府职能彻底转变',
      number: 4,
    });
    expect(assigned?.type).to.equal('responsibility.assigned.v1');
    expect(assigned?.causationId).to.equal(defined?.eventId);
    expect(assigned?.data).to.deep.equal({
      subject: { kind: 'measure', id: 'ap2016-s1-m4' },
      leadUnitIds: ['sz-shichang-jiandu-guanliju', 'sz-shangwuban', 'sz-fagaiju', 'sz-gongxinju'],
      cooperatingUnitIds: ['sz-shizhi-ge-youguan-bumen'],
      responsiblePersonIds: [],
      source: { document: '尚志市法治政府建设行动方案(2016-2020年)(征求意见稿)', clause: '(一)4' },
      effectiveFrom: '2016-01-01',
    });
  });

  it('says where a measure without 责任单位 of its own took them from', async function () {
    const ledger = await freshStore();
    await loadActionPlanSeeds(ledger, { now: NOW });

    const [, assigned] = await readStream(ledger, 'measure-ap2016-s2-m2');
    expect(assigned?.data).to.have.nested.property('source.clause', '(二)2 (责任单位 as stated after (二)3)');
  });

  it('appends nothing the second time, even at another time', async function () {
    const ledger = await freshStore();
    const first = await loadActionPlanSeeds(ledger, { now: NOW });
    const head = await ledger.headPosition();

    const second = await loadActionPlanSeeds(ledger, { now: new Date('2018-01-01T00:00:00.000Z') });

    expect(second).to.deep.equal({ ...first, events: 0, alreadyLoaded: true });
    expect(await ledger.headPosition()).to.equal(head);
  });

  it('completes a load that stopped half-way', async function () {
    const ledger = await freshStore();
    const seeds = await readActionPlanSeeds();
    const [already] = planActionPlanStreams(seeds, NOW.toISOString());
    if (already === undefined) throw new Error('the seeds plan no stream');
    await ledger.appendToStream(already.streamId, already.events, { expectedVersion: 'no_stream' });

    const result = await loadActionPlanSeeds(ledger, { now: NOW });

    expect(result).to.include({ events: 43 + 2 * 22 - 1, alreadyLoaded: false });
    expect(await ledger.headPosition()).to.equal(43 + 2 * 22);
  });

  it('refuses to load over a stream that holds other events, and appends nothing', async function () {
    const ledger = await freshStore();
    await ledger.appendToStream(
      'unit-sz-fagaiju',
      [
        ledgerRegistry.validateProposed({
          eventId: '00000000-0000-4000-8000-000000000001',
          type: 'unit.registered.v1',
          occurredAt: NOW.toISOString(),
          actor: SEED_ACTOR,
          causationId: null,
          correlationId: null,
          commandId: null,
          data: { unitId: 'sz-fagaiju', name: '尚志市发展和改革局', code: null, kind: 'department', parentUnitId: null, establishedOn: '2010-01-01' },
        }),
      ],
      { expectedVersion: 'no_stream' },
    );

    const load = loadActionPlanSeeds(ledger, { now: NOW });

    await expect(load).to.be.rejectedWith(SeedConflict, 'unit-sz-fagaiju');
    expect(await ledger.headPosition()).to.equal(1);
  });

  it('refuses seed data the catalogue refuses, naming the event and the field', async function () {
    const seeds = await readActionPlanSeeds();
    const [city, ...others] = seeds.units;
    if (city === undefined) throw new Error('the seeds have no unit');
    const garbled = { ...seeds, units: [{ ...city, code: 'SZ' }, ...others] };

    expect(() => planActionPlanStreams(garbled, NOW.toISOString())).to.throw(EventParseError, 'data.code');
  });

  it('makes the same event ids whenever it runs', async function () {
    const seeds = await readActionPlanSeeds();
    const ids = (at: string) => planActionPlanStreams(seeds, at).flatMap((stream) => stream.events.map((event) => event.eventId));

    const once = ids(NOW.toISOString());
    expect(ids('2020-12-31T00:00:00.000Z')).to.deep.equal(once);
    expect(new Set(once).size).to.equal(once.length);
  });
});

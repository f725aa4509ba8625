import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { ledgerRegistry } from '@quanze/events';
import type { RecordedEvent } from '@quanze/events';
import { openEventStore } from '@quanze/eventstore';
import {
  MIN_EVENTS,
  PLANTED_FLAG_CODES,
  SyntheticOptionsInvalid,
  SyntheticStoreNotEmpty,
  formatProgress,
  generateSyntheticCity,
  loadActionPlanSeeds,
} from '@quanze/seeds';
import type { PlantedFlag, SyntheticProgress } from '@quanze/seeds';
import { drawSelectionFor, poolSha256 } from '../../services/enforcement/src/inspection-draw.js';
import { chinaDay, discard, generateHistory } from './synthetic-support.js';
import type { GeneratedHistory } from './synthetic-support.js';

const EVENTS = 20_000;

interface Data {
  readonly [key: string]: unknown;
}

function data(event: RecordedEvent): Data {
  return event.data as Data;
}

function text(value: unknown): string {
  if (typeof value !== 'string') throw new TypeError(`expected a string, got ${JSON.stringify(value)}`);
  return value;
}

/** What the generator decides of an event: everything but the store's position and recording time. */
function content(event: RecordedEvent): string {
  const { position: _position, recordedAt: _recordedAt, ...rest } = event;
  return JSON.stringify(rest);
}

function plantedOf(history: GeneratedHistory, code: string): PlantedFlag[] {
  return history.report.planted.flags.filter((flag) => flag.code === code);
}

describe('the synthetic city generator', function () {
  this.timeout(180_000);
  let first: GeneratedHistory | undefined;
  let second: GeneratedHistory | undefined;
  let other: GeneratedHistory | undefined;

  before(async function () {
    first = await generateHistory({ events: EVENTS, seed: 42 });
    second = await generateHistory({ events: EVENTS, seed: 42 });
    other = await generateHistory({ events: EVENTS, seed: 43 });
  });

  after(async function () {
    await discard(first);
    await discard(second);
    await discard(other);
  });

  function history(which: GeneratedHistory | undefined): GeneratedHistory {
    if (which === undefined) throw new TypeError('the history was not generated');
    return which;
  }

  describe('the history it makes', function () {
    it('holds exactly the number of events asked for, the seeds included, counted by type in the report', function () {
      const { report, events } = history(first);
      expect(events).to.have.length(EVENTS);
      expect(report.events).to.equal(EVENTS);
      const counts: Record<string, number> = {};
      for (const event of events) counts[event.type] = (counts[event.type] ?? 0) + 1;
      expect(report.eventsByType).to.deep.equal(counts);
      expect(report.period).to.deep.equal({ from: '2016-01-01', to: '2020-12-31' });
      expect(report.asOf).to.equal('2020-12-31');
    });

    it('is made of events the catalogue reads, every one', function () {
      for (const event of history(first).events) expect(() => ledgerRegistry.parse(event), `${event.streamId}@${event.streamVersion}`).not.to.throw();
    });

    it('has cases, inspections, documents, decisions and every step of their lives', function () {
      const { report } = history(first);
      for (const type of [
        'unit.merged.v1',
        'unit.renamed.v1',
        'person.retired.v1',
        'person.certified.v1',
        'person.certificationRevoked.v1',
        'decision.made.v1',
        'decision.revoked.v1',
        'decision.evaluated.v1',
        'document.issued.v1',
        'document.filed.v1',
        'document.cleanUpDecided.v1',
        'document.abolished.v1',
        'document.expired.v1',
        'case.decided.v1',
        'case.transferred.v1',
        'case.transferAccepted.v1',
        'case.transferReturned.v1',
        'case.seizedItemsHandedOver.v1',
        'inspection.drawn.v1',
        'inspection.resultsPublished.v1',
      ]) {
        expect(report.eventsByType[type] ?? 0, type).to.be.greaterThan(0);
      }
      const rotated = history(first).events.filter((event) => event.type === 'person.removed.v1' && data(event).reason === 'rotation');
      expect(rotated.length).to.be.greaterThan(0);
    });

    it('appends in the order things happened, with event ids that ascend', function () {
      const { events, report } = history(first);
      const generated = events.slice(report.seedEvents);
      for (let i = 1; i < events.length; i += 1) {
        expect(text(events[i]?.occurredAt) >= text(events[i - 1]?.occurredAt), `position ${i + 1}`).to.equal(true);
      }
      for (let i = 1; i < generated.length; i += 1) {
        expect(text(generated[i]?.eventId) > text(generated[i - 1]?.eventId), `generated event ${i + 1}`).to.equal(true);
      }
    });
  });

  describe('determinism', function () {
    it('gives byte-identical events and the same ids for the same seed and options', function () {
      const a = history(first);
      const b = history(second);
      expect(b.report.digest).to.equal(a.report.digest);
      expect(b.events.map(content)).to.deep.equal(a.events.map(content));
      expect(b.report.planted).to.deep.equal(a.report.planted);
    });

    it('gives another history for another seed', function () {
      const a = history(first);
      const c = history(other);
      expect(c.report.digest).not.to.equal(a.report.digest);
      const seedEvents = a.report.seedEvents;
      const ids = new Set(a.events.slice(seedEvents).map((event) => event.eventId));
      expect(c.events.slice(seedEvents).filter((event) => ids.has(event.eventId))).to.have.length(0);
      // The action plan's seeds are the same in both: their ids are fixed forever (docs/SEEDS.md).
      expect(c.events.slice(0, seedEvents).map(content)).to.deep.equal(a.events.slice(0, seedEvents).map(content));
    });
  });

  describe('consistency', function () {
    it('numbers documents gap-free in every register, except the planted gaps', function () {
      const h = history(first);
      const skipped: string[] = [];
      const bySerial = new Map<string, number>();
      for (const event of h.events) {
        if (event.type !== 'document.numberAssigned.v1') continue;
        const number = data(event).number as { authorityCode: string; year: number; serial: number };
        const register = `${number.authorityCode}-${number.year}`;
        const expected = (bySerial.get(register) ?? 0) + 1;
        for (let serial = expected; serial < number.serial; serial += 1) skipped.push(`${register}#${serial}`);
        expect(number.serial, `${register} at ${event.streamVersion}`).to.be.at.least(expected);
        bySerial.set(register, number.serial);
        expect(event.streamId).to.equal(`docnumber-${register}`);
      }
      const planted = plantedOf(h, 'document.numbering-gap').map((flag) => `${flag.subject.id}#${flag.details.missingSerials ?? ''}`);
      expect(skipped.sort()).to.deep.equal(planted.sort());
      expect(planted).to.have.length(h.report.options.violationsPerCode);
      expect(h.report.registers).to.deep.equal(Object.fromEntries([...bySerial.entries()].sort(([x], [y]) => (x < y ? -1 : 1))));
    });

    it('has every officer certified on the day of every step naming them, except where planted', function () {
      const h = history(first);
      interface Certificate {
        validFrom: string;
        validUntil: string;
        revokedOn: string | null;
      }
      const certificates = new Map<string, Map<string, Certificate>>();
      const teams = new Map<string, Map<string, string>>();
      const problems: string[] = [];
      const valid = (personId: string, certificateId: string | null, day: string): boolean => {
        const held = certificates.get(personId);
        const candidates = certificateId === null ? [...(held?.values() ?? [])] : [held?.get(certificateId)];
        return candidates.some((certificate) => certificate !== undefined && certificate.validFrom <= day && day <= certificate.validUntil && (certificate.revokedOn === null || certificate.revokedOn > day));
      };
      const check = (subject: string, personId: string, certificateId: string | null, day: string): void => {
        if (!valid(personId, certificateId, day)) problems.push(`${subject}:${personId}`);
      };
      for (const event of h.events) {
        const d = data(event);
        switch (event.type) {
          case 'person.certified.v1': {
            const held = certificates.get(text(d.personId)) ?? new Map<string, Certificate>();
            held.set(text(d.certificateId), { validFrom: text(d.validFrom), validUntil: text(d.validUntil), revokedOn: null });
            certificates.set(text(d.personId), held);
            break;
          }
          case 'person.certificationRevoked.v1': {
            const certificate = certificates.get(text(d.personId))?.get(text(d.certificateId));
            if (certificate !== undefined) certificate.revokedOn ??= text(d.revokedOn);
            break;
          }
          case 'case.officersAssigned.v1': {
            const team = new Map<string, string>();
            for (const officer of d.officers as { personId: string; certificateId: string }[]) {
              team.set(officer.personId, officer.certificateId);
              check(text(d.caseId), officer.personId, officer.certificateId, text(d.assignedOn));
            }
            teams.set(text(d.caseId), team);
            break;
          }
          case 'case.evidenceRecorded.v1': {
            const personId = text(d.collectedBy);
            check(text(d.caseId), personId, teams.get(text(d.caseId))?.get(personId) ?? null, text(d.recordedOn));
            break;
          }
          case 'case.transferReported.v1':
            for (const personId of d.reportingOfficerIds as string[]) check(text(d.caseId), personId, teams.get(text(d.caseId))?.get(personId) ?? null, chinaDay(text(d.reportedAt)));
            break;
          case 'case.decided.v1':
            for (const [personId, certificateId] of teams.get(text(d.caseId)) ?? []) check(text(d.caseId), personId, certificateId, text(d.decidedOn));
            break;
          case 'inspection.resultsRecorded.v1':
            for (const personId of d.inspectorIds as string[]) check(text(d.inspectionId), personId, null, text(d.inspectedOn));
            break;
          default:
            break;
        }
      }
      const planted = [...plantedOf(h, 'case.officer-not-certified'), ...plantedOf(h, 'inspection.inspector-not-certified')].map(
        (flag) => `${flag.subject.id}:${flag.flagId.split(':').at(-1) ?? ''}`,
      );
      expect(problems.sort()).to.deep.equal(planted.sort());
    });

    it('records every step by someone holding the post the event names, at that moment', function () {
      const holders = new Map<string, { personId: string | null; unitId: string }>();
      for (const event of history(first).events) {
        const d = data(event);
        const { postId, personId, unitId } = event.actor;
        if (postId !== null) {
          const holder = holders.get(postId);
          expect(holder?.personId, `${event.type} ${event.eventId} by ${personId} in ${postId}`).to.equal(personId);
          expect(holder?.unitId).to.equal(unitId);
        }
        if (event.type === 'post.occupied.v1') {
          expect(holders.get(text(d.postId))?.personId ?? null, `post ${text(d.postId)} claimed while held`).to.equal(null);
          holders.set(text(d.postId), { personId: text(d.personId), unitId: text(d.unitId) });
        }
        if (event.type === 'post.vacated.v1') {
          expect(holders.get(text(d.postId))?.personId).to.equal(text(d.personId));
          holders.set(text(d.postId), { personId: null, unitId: text(d.unitId) });
        }
      }
    });

    it('retires only people without posts, and never appoints or certifies them after', function () {
      const posts = new Map<string, Set<string>>();
      const retired = new Set<string>();
      for (const event of history(first).events) {
        const d = data(event);
        const personId = typeof d.personId === 'string' ? d.personId : '';
        const held = posts.get(personId) ?? new Set<string>();
        posts.set(personId, held);
        switch (event.type) {
          case 'person.appointed.v1':
            expect(retired.has(personId), `${personId} appointed after retiring`).to.equal(false);
            held.add(text(d.postId));
            break;
          case 'person.removed.v1':
            expect(held.delete(text(d.postId)), `${personId} removed from a post not held`).to.equal(true);
            break;
          case 'person.certified.v1':
            expect(retired.has(personId), `${personId} certified after retiring`).to.equal(false);
            expect(event.actor.personId).not.to.equal(personId);
            break;
          case 'person.retired.v1':
            expect(held.size, `${personId} retired holding posts`).to.equal(0);
            retired.add(personId);
            break;
          default:
            break;
        }
      }
      expect(retired.size).to.be.greaterThan(0);
    });

    it('dates every step of a case on the day it was recorded, and every instant at its moment', function () {
      const days = ['openedOn', 'assignedOn', 'recordedOn', 'notifiedOn', 'requestedOn', 'heldOn', 'reviewedOn', 'decidedOn', 'publishedOn', 'changedOn', 'withdrawnOn', 'executedOn', 'suspectedOn', 'closedOn', 'handedOverOn'];
      const instants = ['reportedAt', 'refusedAt', 'receivedAt', 'forwardedAt', 'acceptedAt', 'returnedAt', 'requestedAt', 'answeredAt'];
      let checked = 0;
      for (const event of history(first).events) {
        if (!event.type.startsWith('case.')) continue;
        const d = data(event);
        for (const field of days) {
          if (typeof d[field] === 'string') {
            expect(d[field], `${event.type}.${field}`).to.equal(chinaDay(event.occurredAt));
            checked += 1;
          }
        }
        for (const field of instants) if (typeof d[field] === 'string') expect(d[field], `${event.type}.${field}`).to.equal(event.occurredAt);
        if (event.type === 'case.transferApproved.v1') expect(d.approvedAt).to.equal(event.occurredAt);
      }
      expect(checked).to.be.greaterThan(1000);
    });

    it('draws every inspection as the enforcement service re-checks it (quanze-draw-v2, commitment, pools)', function () {
      const plans = new Map<string, RecordedEvent>();
      let draws = 0;
      for (const event of history(first).events) {
        const d = data(event);
        if (event.type === 'inspection.planned.v1') plans.set(text(d.inspectionId), event);
        if (event.type !== 'inspection.drawn.v1') continue;
        const plan = plans.get(text(d.inspectionId));
        if (plan === undefined) throw new TypeError(`draw of ${text(d.inspectionId)} without a plan`);
        const p = data(plan);
        expect(createHash('sha256').update(text(d.seed)).digest('hex')).to.equal(p.seedCommitment);
        expect(poolSha256(p.targetPool as string[])).to.equal(p.targetPoolSha256);
        expect(poolSha256(p.inspectorPool as string[])).to.equal(p.inspectorPoolSha256);
        const selection = drawSelectionFor('quanze-draw-v2', {
          seed: text(d.seed),
          planEventId: plan.eventId,
          targetPool: p.targetPool as string[],
          inspectorPool: p.inspectorPool as string[],
          targetCount: p.targetCount as number,
          inspectorsPerTarget: p.inspectorsPerTarget as number,
          conflicts: p.conflicts as { personId: string; targetId: string }[],
        });
        expect(d.selection).to.deep.equal(selection);
        draws += 1;
      }
      expect(draws).to.be.greaterThan(10);
    });

    it('lists each planted violation with events that are in the store, the same count for every code', function () {
      const h = history(first);
      const ids = new Set(h.events.map((event) => event.eventId));
      const { byCode, flags, total } = h.report.planted;
      expect(Object.keys(byCode)).to.deep.equal([...PLANTED_FLAG_CODES]);
      for (const code of PLANTED_FLAG_CODES) expect(byCode[code], code).to.equal(h.report.options.violationsPerCode);
      expect(total).to.equal(flags.length);
      for (const flag of flags) {
        expect(flag.raisedBy.length, flag.flagId).to.be.greaterThan(0);
        for (const eventId of flag.raisedBy) expect(ids.has(eventId), `${flag.flagId} names ${eventId}`).to.equal(true);
        expect(flag.flagId.startsWith(`${flag.code}:`)).to.equal(true);
      }
      expect(new Set(flags.map((flag) => flag.flagId)).size).to.equal(flags.length);
    });
  });

  describe('what it refuses', function () {
    it('refuses a store that already holds events', async function () {
      const folder = await mkdtemp(join(tmpdir(), 'quanze-synthetic-'));
      const store = await openEventStore(`sqlite:${folder}`);
      try {
        await loadActionPlanSeeds(store, { now: new Date('2016-01-01T00:00:00.000Z') });
        await expect(generateSyntheticCity(store, { events: MIN_EVENTS, seed: 1 })).to.be.rejectedWith(SyntheticStoreNotEmpty);
      } finally {
        await store.close();
        await rm(folder, { recursive: true, force: true });
      }
    });

    it('refuses too small a history, a start before the seeds, a seed that is not a whole number', async function () {
      const folder = await mkdtemp(join(tmpdir(), 'quanze-synthetic-'));
      const store = await openEventStore(`sqlite:${folder}`);
      try {
        await expect(generateSyntheticCity(store, { events: MIN_EVENTS - 1, seed: 1 })).to.be.rejectedWith(SyntheticOptionsInvalid, /at least/);
        await expect(generateSyntheticCity(store, { events: MIN_EVENTS, seed: 1, startYear: 2015 })).to.be.rejectedWith(SyntheticOptionsInvalid, /2016/);
        await expect(generateSyntheticCity(store, { events: MIN_EVENTS, seed: 1.5 })).to.be.rejectedWith(SyntheticOptionsInvalid, /seed/);
        expect(await store.headPosition()).to.equal(0);
      } finally {
        await store.close();
        await rm(folder, { recursive: true, force: true });
      }
    });
  });

  describe('progress', function () {
    it('reports events, events per second and an ETA while it runs, ending at the target', async function () {
      const calls: SyntheticProgress[] = [];
      const h = await generateHistory({ events: 8_000, seed: 3, progressIntervalMs: 0, onProgress: (progress) => calls.push(progress) });
      try {
        expect(calls.length).to.be.greaterThan(2);
        for (let i = 1; i < calls.length; i += 1) expect(calls[i]?.events).to.be.at.least(calls[i - 1]?.events ?? 0);
        const last = calls.at(-1);
        expect(last?.events).to.equal(8_000);
        expect(last?.target).to.equal(8_000);
        expect(last?.simulatedDay).to.equal(h.report.asOf);
        const middle = calls[Math.floor(calls.length / 2)];
        if (middle === undefined) throw new TypeError('no progress in the middle');
        expect(middle.eventsPerSecond).to.be.greaterThan(0);
        expect(middle.etaSeconds).to.be.a('number');
        expect(formatProgress(middle)).to.match(/^synthetic: [\d,]+ \/ 8,000 events \(\d+\.\d%\), [\d,]+ events\/s, ETA \S+, elapsed \S+, simulated \d{4}-\d{2}-\d{2}$/);
      } finally {
        await discard(h);
      }
    });
  });
});

describe('npm run seed:synthetic', function () {
  this.timeout(120_000);

  function run(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@quanze/source', 'seeds/scripts/seed-synthetic.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      child.on('error', reject);
      child.on('close', (code) => {
        resolve({ code, stdout, stderr });
      });
    });
  }

  it('generates into the store named, shows progress on stderr and writes the report next to the store', async function () {
    const folder = await mkdtemp(join(tmpdir(), 'quanze-synthetic-cli-'));
    try {
      const { code, stdout, stderr } = await run(['--events', '6000', '--seed', '9', '--store', `sqlite:${folder}`, '--years', '2', '--violations', '1']);
      expect(code, stderr).to.equal(0);
      expect(stderr).to.match(/synthetic: 6,000 \/ 6,000 events \(100\.0%\), [\d,]+ events\/s, ETA/);
      const printed = JSON.parse(stdout) as { events: number; options: { years: number }; planted: { total: number } };
      const written = JSON.parse(await readFile(join(folder, 'synthetic-report.json'), 'utf8')) as unknown;
      expect(written).to.deep.equal(printed);
      expect(printed.events).to.equal(6000);
      expect(printed.options.years).to.equal(2);
      expect(printed.planted.total).to.equal(PLANTED_FLAG_CODES.length);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('fails with the usage when an option is missing or not a number', async function () {
    const missing = await run(['--seed', '1']);
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.match(/--events is required[\s\S]*usage: npm run seed:synthetic/);
    const bad = await run(['--events', 'many', '--seed', '1']);
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.match(/--events must be a whole number/);
  });
});

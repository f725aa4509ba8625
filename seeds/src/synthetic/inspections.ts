import { createHash } from 'node:crypto';
import type { Actor } from '@quanze/events';
import { chinaDayOf, dateOf, yearOfDay } from './calendar.js';
import type { PersonState, UnitState } from './city.js';
import { Timeline } from './timeline.js';
import { creditCode } from './vocabulary.js';
import type { Plan, World } from './world.js';

export type InspectionFlaw = 'inspection.inspector-not-certified' | 'inspection.results-publication-late';

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Byte order (`LC_ALL=C sort`): ids are ASCII. */
function compareBytes(a: string, b: string): number {
  return a === b ? 0 : a < b ? -1 : 1;
}

function poolSha256(ids: readonly string[]): string {
  return sha256Hex(ids.map((id) => `${id}\n`).join(''));
}

/**
 * `quanze-draw-v2` (docs/INSPECTIONS.md), as services/enforcement/src/inspection-draw.ts computes it: copied, not
 * imported, because seeds may not import a service. The effective seed mixes the plan event's id in; targets and
 * then each target's inspectors are ordered by SHA-256 keys, conflicts (回避) left out.
 */
export function drawSelectionV2(input: {
  seed: string;
  planEventId: string;
  targetPool: readonly string[];
  inspectorPool: readonly string[];
  targetCount: number;
  inspectorsPerTarget: number;
  conflicts: readonly { personId: string; targetId: string }[];
}): { targetId: string; inspectorIds: string[] }[] {
  const effective = sha256Hex(`${input.seed}:${input.planEventId}`);
  const orderByKey = (ids: readonly string[], keyOf: (id: string) => string): string[] =>
    ids
      .map((id) => ({ id, key: keyOf(id) }))
      .sort((a, b) => compareBytes(a.key, b.key) || compareBytes(a.id, b.id))
      .map(({ id }) => id);
  const conflicted = new Set(input.conflicts.map((conflict) => `${conflict.personId} ${conflict.targetId}`));
  const targets = orderByKey(input.targetPool, (targetId) => sha256Hex(`${effective}:target:${targetId}`)).slice(0, input.targetCount);
  return targets.map((targetId) => {
    const eligible = input.inspectorPool.filter((personId) => !conflicted.has(`${personId} ${targetId}`));
    const inspectorIds = orderByKey(eligible, (personId) => sha256Hex(`${effective}:${targetId}:inspector:${personId}`)).slice(0, input.inspectorsPerTarget);
    return { targetId, inspectorIds };
  });
}

export function inspectingUnits(world: World): UnitState[] {
  return [...world.city.units.values()].filter((unit) => unit.stable && unit.endedOn === null && unit.enforcement !== null && unit.inspectionWeight > 0);
}

/** The market entities (市场主体名录库) of the city, made once, sized to the history. */
export function ensureMarketEntities(world: World, count: number): void {
  const { registries, random } = world;
  if (registries.marketEntities.length > 0) return;
  for (let i = 1; i <= count; i += 1) registries.marketEntities.push(creditCode(random, i * 7919 + 104_729));
}

/**
 * One random inspection (双随机一公开), docs/INSPECTIONS.md: the plan commits to a secret seed and to both pools (every
 * inspector certified through the last day of results), the draw reveals the seed and records the selection the
 * algorithm gives with the plan event's id, the drawn officers record each target's results, and the results are
 * published within days. A `flaw` breaks one flagged rule.
 */
export function planInspection(world: World, launchDay: number, flaw: InspectionFlaw | null, variantIndex = 0): Plan | null {
  const { city, random, registries, planted, writer } = world;
  const units = inspectingUnits(world);
  if (units.length === 0 || registries.marketEntities.length < 20) return null;
  const unit = random.weighted(units.map((candidate) => [candidate, candidate.inspectionWeight] as const));
  const unitId = unit.unitId;
  const area = unit.enforcement;
  if (area === null) return null;
  const inspectionId = `i-${yearOfDay(launchDay)}-${String(world.registries.nextSequence('inspection')).padStart(5, '0')}`;
  const streamId = `inspection-${inspectionId}`;
  const subject = { kind: 'inspection' as const, id: inspectionId };
  const t = new Timeline(random, launchDay);
  const clerk = (): Actor => city.actorOf(city.holder(unitId, 'clerk'));
  const ids: Record<string, string> = {};
  const emit = (type: string, data: Record<string, unknown>, actor: Actor, instant: number): string =>
    writer.emit(streamId, type, { inspectionId, ...data }, actor, instant, { correlationId: ids.planned ?? null });

  const poolSize = Math.min(registries.marketEntities.length, random.int(20, 150));
  const targetPool = random.sample(registries.marketEntities, poolSize).sort(compareBytes);
  const targetCount = flaw === null ? random.int(2, Math.min(6, poolSize)) : 1;
  const inspectorsPerTarget = 2;
  const seed = random.hex(32);
  const cancelled = flaw === null && random.chance(0.03);
  const plannedDrawDay = launchDay + random.int(3, 10);
  const matter = random.pick(area.matters);
  let pool: { person: PersonState; certificateId: string }[] = [];
  let conflicts: { personId: string; targetId: string; reason: string }[] = [];
  let selection: { targetId: string; inspectorIds: string[] }[] = [];
  let victim: PersonState | null = null;

  t.onDay(launchDay, (instant) => {
    const inspectorPool = pool.map((member) => member.person.personId).sort(compareBytes);
    ids.planned = emit(
      'inspection.planned.v1',
      {
        inspectingUnitId: unitId,
        matter: { itemId: `${unitId}-sxcc-${String(area.matters.indexOf(matter) + 1).padStart(2, '0')}`, title: matter },
        targetPool,
        targetPoolSha256: poolSha256(targetPool),
        inspectorPool,
        inspectorPoolSha256: poolSha256(inspectorPool),
        targetCount,
        inspectorsPerTarget,
        conflicts,
        seedCommitment: sha256Hex(seed),
        algorithm: 'quanze-draw-v2',
        plannedDrawOn: dateOf(plannedDrawDay),
        inspectorCertificates: [...pool].sort((a, b) => compareBytes(a.person.personId, b.person.personId)).map((member) => ({ personId: member.person.personId, certificateId: member.certificateId })),
      },
      clerk(),
      instant,
    );
  });
  if (cancelled) {
    t.onDay(launchDay + random.int(1, 3), (instant) => {
      emit('inspection.cancelled.v1', { reason: '抽查事项调整, 撤销本次抽查计划, 另行制定' }, city.actorOf(city.head(unitId)), instant);
    });
  } else {
    const drawInstant = t.onDay(plannedDrawDay, (instant) => {
      const inspectorPool = pool.map((member) => member.person.personId).sort(compareBytes);
      selection = drawSelectionV2({ seed, planEventId: ids.planned ?? '', targetPool, inspectorPool, targetCount, inspectorsPerTarget, conflicts });
      const witness = city.holders('sz-jiwei', 'clerk')[0];
      emit(
        'inspection.drawn.v1',
        {
          algorithm: 'quanze-draw-v2',
          seed,
          drawnOn: dateOf(chinaDayOf(instant)),
          selection,
          inspectorCertificates: [...pool].sort((a, b) => compareBytes(a.person.personId, b.person.personId)).map((member) => ({ personId: member.person.personId, certificateId: member.certificateId })),
          witnessPersonIds: witness === undefined ? [] : [witness.person.personId],
        },
        clerk(),
        instant,
      );
      if (victim !== null) {
        // Withdrawn from the next day, after a complaint: the officer still inspects as drawn (the plant).
        const person = victim;
        for (const certificate of person.certificates) {
          if (certificate.revokedOn === null && certificate.validUntil > chinaDayOf(instant)) {
            city.revoke(instant + 60_000, chinaDayOf(instant), person, certificate, '被投诉查实, 收回行政执法证', chinaDayOf(instant) + 1);
          }
        }
      }
    });
    const drawDay = chinaDayOf(drawInstant);
    const firstInspection = drawDay + random.int(1, 8);
    const concluded: number[] = [];
    for (let index = 0; index < targetCount; index += 1) {
      const inspectedDay = firstInspection + random.int(0, 3);
      const concludedDay = inspectedDay + random.int(0, 2);
      const instant = t.onDay(concludedDay, (at) => {
        const drawn = selection[index];
        if (drawn === undefined) throw new TypeError(`inspection ${inspectionId} has no drawn target ${index}`);
        const day = chinaDayOf(at);
        const inspected = Math.min(inspectedDay, day);
        const outcome = random.weighted([
          ['no-problem-found', 0.7],
          ['problem-found-corrected', 0.15],
          ['problem-found-pending', 0.05],
          ['no-relevant-activity', 0.05],
          ['unreachable-at-registered-address', 0.05],
        ] as const);
        const resultsId = emit(
          'inspection.resultsRecorded.v1',
          {
            targetId: drawn.targetId,
            inspectorIds: drawn.inspectorIds,
            inspectedOn: dateOf(inspected),
            concludedOn: dateOf(day),
            outcome,
            findings: outcome === 'no-problem-found' ? '未发现问题' : '检查发现问题, 已依法处理',
            evidence: [{ title: '现场检查记录', sha256: random.hex(32) }],
            caseId: null,
          },
          clerk(),
          at,
        );
        ids[`results-${drawn.targetId}`] = resultsId;
        if (victim !== null && drawn.inspectorIds.includes(victim.personId)) {
          const latest = victim.certificates.at(-1);
          planted.add({
            code: 'inspection.inspector-not-certified',
            subject,
            unitId,
            status: 'raised',
            raisedBy: [...(latest === undefined ? [] : [latest.certifiedEventId]), ...(latest?.revokedEventId == null ? [] : [latest.revokedEventId]), resultsId],
            raisedOn: dateOf(inspected),
            details: { problem: 'revoked' },
            discriminator: victim.personId,
          });
        }
      });
      concluded.push(chinaDayOf(instant));
    }
    const lastConcluded = Math.max(...concluded);
    const publishLate = flaw === 'inspection.results-publication-late';
    const neverPublished = publishLate && variantIndex % 3 === 2;
    if (neverPublished) {
      t.onDay(lastConcluded, () => {
        for (const drawn of selection) {
          planted.add({ code: 'inspection.results-publication-late', subject, unitId, status: 'open', raisedBy: [ids[`results-${drawn.targetId}`] ?? ''], raisedOn: null, details: {} });
        }
      });
    } else {
      const channels = flaw === null && random.chance(0.3) ? (['enterprise-credit-system', 'website'] as const) : (['enterprise-credit-system'] as const);
      let first = true;
      for (const channel of channels) {
        const publicationDay = first ? (publishLate ? lastConcluded + random.int(60, 70) : lastConcluded + random.int(1, 6)) : t.lastDay + random.int(0, 2);
        const isFirst = first;
        t.onDay(publicationDay, (instant) => {
          const published = emit(
            'inspection.resultsPublished.v1',
            {
              targetIds: selection.map((drawn) => drawn.targetId),
              channel,
              reference: channel === 'website' ? `${unit.name}门户网站 双随机抽查结果公示` : '国家企业信用信息公示系统(黑龙江)',
              publishedOn: dateOf(chinaDayOf(instant)),
            },
            clerk(),
            instant,
          );
          if (publishLate && isFirst) {
            for (const drawn of selection) {
              planted.add({ code: 'inspection.results-publication-late', subject, unitId, status: 'late', raisedBy: [ids[`results-${drawn.targetId}`] ?? '', published], raisedOn: null, details: {} });
            }
          }
        });
        first = false;
      }
    }
  }

  if (t.lastDay > world.endDay) return null;
  // The inspector pool: officers of the unit certified from the plan to the last results, and staying.
  const lastResultsDay = cancelled ? plannedDrawDay : Math.max(plannedDrawDay, t.lastDay);
  const available = city.availableOfficers(unitId, launchDay, lastResultsDay);
  if (flaw === 'inspection.inspector-not-certified') {
    // Two officers, both drawn for the one target; one of them (free of other work after the draw) is the victim.
    const free = available.filter((member) => member.person.busyUntil < plannedDrawDay);
    if (free.length === 0 || available.length < 2) return null;
    const chosen = random.pick(free);
    const other = random.pick(available.filter((member) => member !== chosen));
    victim = chosen.person;
    victim.departureDay = plannedDrawDay;
    victim.certifiableFrom = lastResultsDay + 30;
    pool = [chosen, other].map((member) => ({ person: member.person, certificateId: member.certificate.certificateId }));
    const restore = victim;
    t.onDay(t.lastDay, () => {
      restore.departureDay = restore.retiresOn;
    });
  } else {
    if (available.length < 3) return null;
    const size = Math.min(available.length, random.int(3, 8));
    pool = random.sample(available, size).map((member) => ({ person: member.person, certificateId: member.certificate.certificateId }));
    if (random.chance(0.1)) {
      const member = random.pick(pool);
      const target = random.pick(targetPool);
      conflicts = [{ personId: member.person.personId, targetId: target, reason: '与该市场主体负责人系近亲属, 申请回避' }];
    }
  }
  city.reserve(
    pool.map((member) => member.person),
    lastResultsDay,
  );
  return { kind: 'inspection', timeline: t };
}

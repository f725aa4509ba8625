import { z } from 'zod';
import type { AnyEventDefinition } from '../definition.js';
import { defineEvent } from '../definition.js';
import { CalendarDate, Id, Sha256, Text } from '../primitives.js';

/**
 * 双随机一公开: random inspections whose draw anyone can re-check (优化营商环境条例 第54条; 国发〔2019〕5号).
 * A plan commits to the hash of a secret seed and to both pools; the draw reveals the seed, and the selection is
 * the documented function of seed and pools (docs/INSPECTIONS.md, services/enforcement/src/inspection-draw.ts).
 * Stream: `inspection-<inspectionId>`.
 */

/**
 * The versions of the draw function; each is described in docs/INSPECTIONS.md and never changes once used.
 * `quanze-draw-v2` mixes the plan event's `eventId` into the seed; events recorded with v1 keep it.
 */
export const InspectionDrawAlgorithm = z.enum(['quanze-draw-v1', 'quanze-draw-v2']);

/** Ids sorted by byte value and without repeats: the canonical form the pool hashes are taken over. */
function isCanonicalPool(ids: readonly string[]): boolean {
  return ids.every((id, index) => index === 0 || (ids[index - 1] ?? '') < id);
}

/** 持证上岗: the certificate that made a person eligible on the day checked. */
export const InspectorCertificate = z.object({ personId: Id, certificateId: Id });

/** 回避: a declared conflict of interest; the person is never drawn for that target. */
export const InspectionConflict = z.object({ personId: Id, targetId: Id, reason: Text(500) });

export const InspectionPlannedV1 = z
  .object({
    inspectionId: Id,
    /** The unit that inspects, and whose clerk or head recorded the plan. */
    inspectingUnitId: Id,
    /** 随机抽查事项: the entry of the unit's list of inspection matters (随机抽查事项清单). */
    matter: z.object({ itemId: Id, title: Text(300) }),
    /** 被检市场主体名录库 snapshot: ids of market entities, canonical (sorted by byte value, no repeats). */
    targetPool: z.array(Id).min(1).max(20_000).refine(isCanonicalPool, 'a pool is sorted by byte value, without repeats'),
    /** SHA-256 of the canonical pool: each id followed by a line feed. */
    targetPoolSha256: Sha256,
    /** 执法检查人员名录库 snapshot: person ids, canonical like the target pool. */
    inspectorPool: z.array(Id).min(2).max(5_000).refine(isCanonicalPool, 'a pool is sorted by byte value, without repeats'),
    inspectorPoolSha256: Sha256,
    targetCount: z.number().int().positive(),
    /** 行政处罚法 第42条: at least two officers. */
    inspectorsPerTarget: z.number().int().min(2, 'at least two inspectors per target (行政处罚法 第42条)'),
    conflicts: z.array(InspectionConflict).max(5_000).default([]),
    /** SHA-256 hex of the secret seed; the seed itself is revealed only by the draw. */
    seedCommitment: Sha256,
    algorithm: InspectionDrawAlgorithm,
    plannedDrawOn: CalendarDate,
    /** 持证上岗: for every pool member, a certificate valid on the planned draw day. */
    inspectorCertificates: z.array(InspectorCertificate).max(5_000),
  })
  .refine((plan) => plan.targetCount <= plan.targetPool.length, {
    path: ['targetCount'],
    message: 'cannot draw more targets than the pool holds',
  })
  .refine((plan) => plan.inspectorsPerTarget <= plan.inspectorPool.length, {
    path: ['inspectorsPerTarget'],
    message: 'cannot draw more inspectors than the pool holds',
  })
  .describe('inspection.planned.v1 — 双随机抽查 计划 (种子承诺)');

export const inspectionPlannedV1 = defineEvent('inspection.planned.v1', InspectionPlannedV1);
export type InspectionPlannedV1 = z.infer<typeof InspectionPlannedV1>;

/** A plan withdrawn before its draw (e.g. an inspector's certificate lapsed); a new plan, with a new seed, follows. */
export const InspectionCancelledV1 = z
  .object({ inspectionId: Id, reason: Text(2000) })
  .describe('inspection.cancelled.v1 — 抽查计划 撤销');

export const inspectionCancelledV1 = defineEvent('inspection.cancelled.v1', InspectionCancelledV1);
export type InspectionCancelledV1 = z.infer<typeof InspectionCancelledV1>;

export const InspectionDrawnV1 = z
  .object({
    inspectionId: Id,
    algorithm: InspectionDrawAlgorithm,
    /** The revealed seed: its SHA-256 is the plan's commitment. */
    seed: z.string().regex(/^[0-9a-f]{64}$/, 'a seed is 64 lowercase hex characters'),
    /** The draw day, China Standard Time (UTC+8). */
    drawnOn: CalendarDate,
    /** 随机抽取监管对象, 随机选派执法检查人员: in draw order, as `drawSelection` computes it. */
    selection: z
      .array(z.object({ targetId: Id, inspectorIds: z.array(Id).min(2) }))
      .min(1),
    /** 持证上岗: for every pool member, a certificate valid on the draw day. */
    inspectorCertificates: z.array(InspectorCertificate).max(5_000),
    /** Persons who watched the draw (e.g. 纪检监察), besides the actor who recorded it. */
    witnessPersonIds: z.array(Id).max(20).default([]),
  })
  .describe('inspection.drawn.v1 — 双随机抽取 (揭示种子)');

export const inspectionDrawnV1 = defineEvent('inspection.drawn.v1', InspectionDrawnV1);
export type InspectionDrawnV1 = z.infer<typeof InspectionDrawnV1>;

/** The usual result categories of 双随机 inspections of market entities. */
export const InspectionOutcome = z.enum([
  'no-problem-found', // 未发现问题
  'no-relevant-activity', // 未发现开展本次抽查涉及的经营活动
  'unreachable-at-registered-address', // 通过登记的住所(经营场所)无法联系
  'problem-found-corrected', // 发现问题已责令改正
  'problem-found-pending', // 发现问题待后续处理
  'refused-inspection', // 不配合检查情节严重
]);

export const InspectionResultsRecordedV1 = z
  .object({
    inspectionId: Id,
    targetId: Id,
    /** The officers who inspected: those drawn for this target. */
    inspectorIds: z.array(Id).min(2, 'at least two inspectors (行政处罚法 第42条)'),
    inspectedOn: CalendarDate,
    /** 检查结果形成之日: the 20 working days to publish run from here (企业信息公示暂行条例 第6条). */
    concludedOn: CalendarDate,
    outcome: InspectionOutcome,
    findings: Text(20_000),
    /** 全过程记录: records and audio-video kept outside the ledger, fixed by hash. */
    evidence: z.array(z.object({ title: Text(300), sha256: Sha256 })).max(500).default([]),
    /** The enforcement case opened on what was found, if any. */
    caseId: Id.nullable().default(null),
  })
  .refine((result) => result.concludedOn >= result.inspectedOn, {
    path: ['concludedOn'],
    message: 'concluded before the inspection',
  })
  .describe('inspection.resultsRecorded.v1 — 抽查检查结果');

export const inspectionResultsRecordedV1 = defineEvent('inspection.resultsRecorded.v1', InspectionResultsRecordedV1);
export type InspectionResultsRecordedV1 = z.infer<typeof InspectionResultsRecordedV1>;

export const InspectionPublicationChannel = z.enum([
  'enterprise-credit-system', // 国家企业信用信息公示系统
  'website', // 部门门户网站
  'gazette',
  'other',
]);

/** 一公开: results published; read models flag publication later than 20 working days after `concludedOn`. */
export const InspectionResultsPublishedV1 = z
  .object({
    inspectionId: Id,
    targetIds: z.array(Id).min(1),
    channel: InspectionPublicationChannel,
    reference: Text(500),
    publishedOn: CalendarDate,
  })
  .describe('inspection.resultsPublished.v1 — 抽查结果 公示');

export const inspectionResultsPublishedV1 = defineEvent('inspection.resultsPublished.v1', InspectionResultsPublishedV1);
export type InspectionResultsPublishedV1 = z.infer<typeof InspectionResultsPublishedV1>;

/** 双随机一公开: random inspection plans and their re-checkable draws: services/enforcement. */
export const inspectionEvents = [
  inspectionPlannedV1,
  inspectionCancelledV1,
  inspectionDrawnV1,
  inspectionResultsRecordedV1,
  inspectionResultsPublishedV1,
] as const satisfies readonly AnyEventDefinition[];

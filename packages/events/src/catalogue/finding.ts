import { z } from 'zod';
import { defineEvent } from '../definition.js';
import type { AnyEventDefinition } from '../definition.js';
import { EventId } from '../envelope.js';
import { CalendarDate, Id, Text } from '../primitives.js';

/**
 * 问责/追责决定: the supervision bureau's finding that persons answer for what went wrong with a subject, and with
 * which measure (问责方式, 处分). A finding is supervision's own act (services/accountability); it is corrected only
 * by a later event (`finding.withdrawn.v1`), never rewritten. Stream: `finding-<findingId>`. Rules and endpoints:
 * docs/ACCOUNTABILITY.md, "Findings (问责)".
 */

/** What a finding can be about: the subjects that have a chain of steps. */
export const FindingSubjectKind = z.enum(['decision', 'document', 'case', 'measure', 'inspection']);
export type FindingSubjectKind = z.infer<typeof FindingSubjectKind>;

/**
 * 问责方式 and 处分, from the mildest to the gravest: 批评教育、责令检查、诫勉 (监察法 第45条第1项), 通报 (中国共产党问责条例
 * 第8条), the five of 《关于实行党政领导干部问责的暂行规定》第7条 (责令公开道歉 … 免职), and the six 政务处分 of
 * 公职人员政务处分法 第7条 (警告 … 开除). A referral to the judicial authorities (监察法 第45条第4项) is no sanction but
 * is decided in the same finding. Party discipline (党纪处分) is the party's record, not the ledger's.
 */
export const AccountabilityMeasure = z.enum([
  'criticism', // 批评教育
  'ordered-self-examination', // 责令检查 (书面检查)
  'circulated-criticism', // 通报批评
  'admonishment', // 诫勉
  'ordered-public-apology', // 责令公开道歉
  'suspended-for-examination', // 停职检查
  'resigned-taking-blame', // 引咎辞职
  'ordered-to-resign', // 责令辞职
  'removed-from-post', // 免职 (组织处理)
  'warning', // 警告 (政务处分)
  'demerit', // 记过
  'major-demerit', // 记大过
  'demotion', // 降级
  'dismissal-from-post', // 撤职
  'expulsion', // 开除
  'referred-to-judicial-authorities', // 移送司法机关 依法追究刑事责任
]);
export type AccountabilityMeasure = z.infer<typeof AccountabilityMeasure>;

/** 直接责任、主要领导责任、重要领导责任: the part a person bears (中国共产党问责条例 第6条 for the two of leadership). */
export const FindingResponsibility = z.enum(['direct', 'principal-leadership', 'important-leadership']);
export type FindingResponsibility = z.infer<typeof FindingResponsibility>;

export const HeldResponsible = z.object({
  personId: Id,
  /** The unit they were in for the matter (they may have moved since), or null when it is not on record. */
  unitId: Id.nullable(),
  responsibility: FindingResponsibility,
  /** Usually one; an organisational measure and a 政务处分 may be decided together (免职 and 记大过). */
  measures: z
    .array(AccountabilityMeasure)
    .min(1, 'at least one measure')
    .max(5)
    .refine((measures) => new Set(measures).size === measures.length, 'each measure once'),
});
export type HeldResponsible = z.infer<typeof HeldResponsible>;

export const FindingRecordedV1 = z
  .object({
    findingId: Id,
    subject: z.object({ kind: FindingSubjectKind, id: Id }),
    heldResponsible: z.array(HeldResponsible).min(1, 'a finding holds at least one person responsible').max(100),
    /** The articles and rules relied on (问责依据), e.g. 重大行政决策程序暂行条例 第38条. */
    basis: Text(2000),
    /** 问责决定 as written: the facts found and the reasoning. Free text, read by supervision only. */
    conclusion: Text(20_000),
    decidedOn: CalendarDate,
    /** The steps found at fault: how a reverse trace (责任倒查) walks from the finding back to them. */
    inResponseTo: z.array(EventId).max(100).default([]),
  })
  .refine((finding) => new Set(finding.heldResponsible.map((held) => held.personId)).size === finding.heldResponsible.length, {
    path: ['heldResponsible'],
    message: 'a person is held responsible once per finding',
  })
  .describe('finding.recorded.v1 — 问责决定');
export const findingRecordedV1 = defineEvent('finding.recorded.v1', FindingRecordedV1);
export type FindingRecordedV1 = z.infer<typeof FindingRecordedV1>;

/** Why a finding stopped standing: 复核 (the deciding organ's review), 申诉 (an appeal upheld), or its own correction. */
export const FindingWithdrawalGround = z.enum(['review', 'appeal', 'own-correction']);
export type FindingWithdrawalGround = z.infer<typeof FindingWithdrawalGround>;

/** A finding overturned on review or appeal (复核、申诉); the finding stays on record, marked withdrawn. */
export const FindingWithdrawnV1 = z
  .object({
    findingId: Id,
    /** Repeated from the finding, so that the withdrawal is a step of the same subject without reading the stream. */
    subject: z.object({ kind: FindingSubjectKind, id: Id }),
    ground: FindingWithdrawalGround,
    reasons: Text(20_000),
    withdrawnOn: CalendarDate,
  })
  .describe('finding.withdrawn.v1 — 问责决定 撤销 (复核、申诉)');
export const findingWithdrawnV1 = defineEvent('finding.withdrawn.v1', FindingWithdrawnV1);
export type FindingWithdrawnV1 = z.infer<typeof FindingWithdrawnV1>;

/** Every event of a finding's stream: services/accountability. */
export const findingEvents = [findingRecordedV1, findingWithdrawnV1] as const satisfies readonly AnyEventDefinition[];

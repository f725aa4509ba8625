import { z } from 'zod';
import { defineEvent } from '../definition.js';
import type { AnyEventDefinition } from '../definition.js';
import { CalendarDate, Id, Text } from '../primitives.js';
import { responsibilityAssignedV1 } from './responsibility.js';

// ── Shared fields ────────────────────────────────────────────────────────────────────────────────────────────
// Exported so that command schemas accept exactly what the events accept: a command that passes its schema must
// never produce an event its schema refuses.

/** 机关代字: the short name an authority numbers its documents with (尚政 in 尚政规〔2017〕3号). */
export const UnitCode = z
  .string()
  .regex(/^\p{Script=Han}{1,8}$/u, 'an authority code (机关代字) is 1–8 Chinese characters');

/**
 * What kind of body a unit is. `collective` is a standing designation of many units in the plan's text
 * (市直各部门, 市直各有关部门, 各乡(镇)政府): it answers for measures but has no staff of its own.
 */
export const UnitKind = z.enum([
  'government', // 人民政府
  'department', // 政府工作部门 (局、办、委)
  'township', // 乡(镇)政府
  'court', // 法院
  'procuratorate', // 检察院
  'public-security', // 公安
  'party', // 党委及其工作机关 (市委组织部、市纪委…)
  'collective', // 集合称谓
  'other',
]);
export type UnitKind = z.infer<typeof UnitKind>;

export const UnitName = Text(200);
export const PostTitle = Text(200);
export const PersonName = Text(100);
/** The document a step rests on: a reform plan (机构改革方案), an appointment notice (任免通知)… */
export const OrganizationBasis = Text(500);

/** Why a person left a post. `rotation` is 轮岗 / 交流. */
export const PostRemovalReason = z.enum(['rotation', 'retirement', 'dismissal', 'resignation', 'other']);
export type PostRemovalReason = z.infer<typeof PostRemovalReason>;

/** The field an enforcement certificate covers, e.g. 市场监管, 环境保护. */
export const CertificateScope = Text(100);

// ── Units: stream `unit-<unitId>` ────────────────────────────────────────────────────────────────────────────

/** 机构设立: a unit enters the ledger. */
export const UnitRegisteredV1 = z
  .object({
    unitId: Id,
    name: UnitName,
    code: UnitCode.nullable(),
    kind: UnitKind,
    parentUnitId: Id.nullable(),
    establishedOn: CalendarDate,
  })
  .refine((unit) => unit.parentUnitId !== unit.unitId, { path: ['parentUnitId'], message: 'a unit is not its own parent' })
  .describe('unit.registered.v1 — 机构设立');
export const unitRegisteredV1 = defineEvent('unit.registered.v1', UnitRegisteredV1);
export type UnitRegisteredV1 = z.infer<typeof UnitRegisteredV1>;

/** 更名: a new name, and the code after the rename (unchanged, changed, or none). */
export const UnitRenamedV1 = z
  .object({
    unitId: Id,
    name: UnitName,
    code: UnitCode.nullable(),
    renamedOn: CalendarDate,
    basis: OrganizationBasis,
  })
  .describe('unit.renamed.v1 — 机构更名');
export const unitRenamedV1 = defineEvent('unit.renamed.v1', UnitRenamedV1);
export type UnitRenamedV1 = z.infer<typeof UnitRenamedV1>;

/** 职位设置: one seat; a post has at most one holder at a time (two deputies are two posts). */
export const UnitPostEstablishedV1 = z
  .object({
    unitId: Id,
    postId: Id,
    title: PostTitle,
  })
  .describe('unit.postEstablished.v1 — 职位设置');
export const unitPostEstablishedV1 = defineEvent('unit.postEstablished.v1', UnitPostEstablishedV1);
export type UnitPostEstablishedV1 = z.infer<typeof UnitPostEstablishedV1>;

/** 机构合并 (机构改革): this unit is merged into the successor, which answers for what it answered for. */
export const UnitMergedV1 = z
  .object({
    unitId: Id,
    successorUnitId: Id,
    mergedOn: CalendarDate,
    basis: OrganizationBasis,
  })
  .refine((merger) => merger.successorUnitId !== merger.unitId, {
    path: ['successorUnitId'],
    message: 'a unit is not merged into itself',
  })
  .describe('unit.merged.v1 — 机构合并');
export const unitMergedV1 = defineEvent('unit.merged.v1', UnitMergedV1);
export type UnitMergedV1 = z.infer<typeof UnitMergedV1>;

/** 机构撤销: the unit ends; its duties pass to the successor when one is named. */
export const UnitDissolvedV1 = z
  .object({
    unitId: Id,
    successorUnitId: Id.nullable(),
    dissolvedOn: CalendarDate,
    basis: OrganizationBasis,
  })
  .refine((dissolution) => dissolution.successorUnitId !== dissolution.unitId, {
    path: ['successorUnitId'],
    message: 'a unit is not its own successor',
  })
  .describe('unit.dissolved.v1 — 机构撤销');
export const unitDissolvedV1 = defineEvent('unit.dissolved.v1', UnitDissolvedV1);
export type UnitDissolvedV1 = z.infer<typeof UnitDissolvedV1>;

/** Every event of a unit's stream. */
export const unitEvents = [
  unitRegisteredV1,
  unitRenamedV1,
  unitPostEstablishedV1,
  unitMergedV1,
  unitDissolvedV1,
] as const satisfies readonly AnyEventDefinition[];

// ── Persons: stream `person-<personId>` (officials only: no citizen's personal data is ever recorded) ───────

export const PersonRegisteredV1 = z
  .object({ personId: Id, name: PersonName })
  .describe('person.registered.v1 — 公职人员登记');
export const personRegisteredV1 = defineEvent('person.registered.v1', PersonRegisteredV1);
export type PersonRegisteredV1 = z.infer<typeof PersonRegisteredV1>;

/** 任职 */
export const PersonAppointedV1 = z
  .object({
    personId: Id,
    postId: Id,
    unitId: Id,
    appointedOn: CalendarDate,
    basis: OrganizationBasis,
  })
  .describe('person.appointed.v1 — 任职');
export const personAppointedV1 = defineEvent('person.appointed.v1', PersonAppointedV1);
export type PersonAppointedV1 = z.infer<typeof PersonAppointedV1>;

/** 免职 / 轮岗 / 退休离岗: the person leaves one post; what they did in it stays theirs. */
export const PersonRemovedV1 = z
  .object({
    personId: Id,
    postId: Id,
    unitId: Id,
    removedOn: CalendarDate,
    reason: PostRemovalReason,
    basis: OrganizationBasis,
  })
  .describe('person.removed.v1 — 免职');
export const personRemovedV1 = defineEvent('person.removed.v1', PersonRemovedV1);
export type PersonRemovedV1 = z.infer<typeof PersonRemovedV1>;

/**
 * 退休: recorded once no post is held any more. The person stays answerable for life
 * (公职人员政务处分法 第27条): nothing of their record ends here.
 */
export const PersonRetiredV1 = z
  .object({
    personId: Id,
    retiredOn: CalendarDate,
    basis: OrganizationBasis.optional(),
  })
  .describe('person.retired.v1 — 退休');
export const personRetiredV1 = defineEvent('person.retired.v1', PersonRetiredV1);
export type PersonRetiredV1 = z.infer<typeof PersonRetiredV1>;

/** 行政执法证 (持证上岗, 行政处罚法 第42条): valid from `validFrom` to `validUntil`, both days included. */
export const PersonCertifiedV1 = z
  .object({
    personId: Id,
    certificateId: Id,
    /** 证件编号, as printed on the card, where it differs from the id. */
    number: Text(50).optional(),
    scope: CertificateScope,
    issuingUnitId: Id,
    validFrom: CalendarDate,
    validUntil: CalendarDate,
  })
  .refine((certificate) => certificate.validUntil > certificate.validFrom, {
    path: ['validUntil'],
    message: 'a certificate expires after it becomes valid',
  })
  .describe('person.certified.v1 — 行政执法证 核发');
export const personCertifiedV1 = defineEvent('person.certified.v1', PersonCertifiedV1);
export type PersonCertifiedV1 = z.infer<typeof PersonCertifiedV1>;

/** 执法证 吊销 / 收回: from `revokedOn` (included) the certificate is no longer valid. */
export const PersonCertificationRevokedV1 = z
  .object({
    personId: Id,
    certificateId: Id,
    revokedOn: CalendarDate,
    reason: Text(500),
  })
  .describe('person.certificationRevoked.v1 — 行政执法证 吊销/收回');
export const personCertificationRevokedV1 = defineEvent('person.certificationRevoked.v1', PersonCertificationRevokedV1);
export type PersonCertificationRevokedV1 = z.infer<typeof PersonCertificationRevokedV1>;

/** Every event of a person's stream. */
export const personEvents = [
  personRegisteredV1,
  personAppointedV1,
  personRemovedV1,
  personRetiredV1,
  personCertifiedV1,
  personCertificationRevokedV1,
] as const satisfies readonly AnyEventDefinition[];

// ── Posts: stream `post-<postId>`, the occupancy register (one holder per post) ─────────────────────────────
// An appointment first claims the post here, with the stream's version as the expected one, then records
// `person.appointed.v1` on the person: two appointments racing for one post cannot both claim it. A claim whose
// appointment is not (yet) on the person's stream is completed by a retry of the same appointment.

/** The post is claimed for the person appointed to it, from `occupiedOn` (the appointment's `appointedOn`). */
export const PostOccupiedV1 = z
  .object({
    postId: Id,
    unitId: Id,
    personId: Id,
    occupiedOn: CalendarDate,
  })
  .describe('post.occupied.v1 — 职位 占用 (任职)');
export const postOccupiedV1 = defineEvent('post.occupied.v1', PostOccupiedV1);
export type PostOccupiedV1 = z.infer<typeof PostOccupiedV1>;

/** The holder left the post (免职, 轮岗, 退休): it is free from `vacatedOn`, the day of the removal. */
export const PostVacatedV1 = z
  .object({
    postId: Id,
    unitId: Id,
    personId: Id,
    vacatedOn: CalendarDate,
    reason: PostRemovalReason,
  })
  .describe('post.vacated.v1 — 职位 空出 (免职)');
export const postVacatedV1 = defineEvent('post.vacated.v1', PostVacatedV1);
export type PostVacatedV1 = z.infer<typeof PostVacatedV1>;

/**
 * A claim whose appointment was never recorded is withdrawn: the appointment was refused after the claim (the
 * person retired in between), or is replaced by a retry with other particulars. Nobody held the post, so no day of
 * leaving is recorded.
 */
export const PostClaimReleasedV1 = z
  .object({
    postId: Id,
    personId: Id,
    reason: Text(500),
  })
  .describe('post.claimReleased.v1 — 职位 占用撤回');
export const postClaimReleasedV1 = defineEvent('post.claimReleased.v1', PostClaimReleasedV1);
export type PostClaimReleasedV1 = z.infer<typeof PostClaimReleasedV1>;

/** Every event of a post's occupancy stream. */
export const postEvents = [postOccupiedV1, postVacatedV1, postClaimReleasedV1] as const satisfies readonly AnyEventDefinition[];

// ── Measures of the action plan: stream `measure-<measureId>` ────────────────────────────────────────────────

/** 具体措施: one numbered measure of a section of the plan, e.g. (二)2 三统一. */
export const MeasureDefinedV1 = z
  .object({
    measureId: Id,
    plan: z.object({
      title: Text(300),
      /** The issuing authority, as a unit id or as the plan names it (尚志市人民政府). */
      issuedBy: Text(300).optional(),
    }),
    /** The section's numeral as the plan writes it: (一), (二)… */
    section: Text(20),
    sectionTitle: Text(300),
    number: z.number().int().positive(),
    text: Text(20_000),
  })
  .describe('measure.defined.v1 — 行动方案 具体措施');
export const measureDefinedV1 = defineEvent('measure.defined.v1', MeasureDefinedV1);
export type MeasureDefinedV1 = z.infer<typeof MeasureDefinedV1>;

/**
 * Why the measure's earlier `responsibility.assigned.v1` no longer holds: recorded in the same command, just
 * before the assignment that replaces it (the headline event has no room for a reason).
 */
export const MeasureResponsibilitySupersededV1 = z
  .object({
    measureId: Id,
    reason: Text(2000),
    /** The `effectiveFrom` of the assignment that ends here. */
    supersededEffectiveFrom: CalendarDate,
  })
  .describe('measure.responsibilitySuperseded.v1 — 责任单位 调整');
export const measureResponsibilitySupersededV1 = defineEvent(
  'measure.responsibilitySuperseded.v1',
  MeasureResponsibilitySupersededV1,
);
export type MeasureResponsibilitySupersededV1 = z.infer<typeof MeasureResponsibilitySupersededV1>;

/** Every event of a measure's stream: its definition, then its responsibility assignments. */
export const measureEvents = [
  measureDefinedV1,
  measureResponsibilitySupersededV1,
  responsibilityAssignedV1,
] as const satisfies readonly AnyEventDefinition[];

/** Units, posts, persons, appointments, certifications, reforms, and the plan's measures: services/organization. */
export const organizationEvents = [
  ...unitEvents,
  ...personEvents,
  ...postEvents,
  ...measureEvents,
] as const satisfies readonly AnyEventDefinition[];

import { DomainError, commonErrorStatuses } from '@quanze/service-kit';
import type { ErrorStatuses, NotPermitted, StepOutOfOrder, SubjectNotFound } from '@quanze/service-kit';

type FieldPath = readonly (string | number)[];

const RANDOM_INSPECTION = '优化营商环境条例 第54条; 国发〔2019〕5号';
const TWO_CERTIFIED_OFFICERS = '行政处罚法 第42条';

/** The revealed seed is not the one the plan committed to: the draw would prove nothing. */
export class SeedDoesNotMatchCommitment extends DomainError {
  readonly code = 'inspection.seed-does-not-match-commitment';
  constructor(readonly inspectionId: string) {
    super(`the SHA-256 of this seed is not the commitment of inspection ${inspectionId}`, [['seed']], RANDOM_INSPECTION);
  }
}

/**
 * The unit committed to this seed in an earlier plan. Once that plan's seed is revealed (or could be), a plan
 * committing to it again is no secret; and a seed tried once and dropped must not come back.
 */
export class CommitmentReused extends DomainError {
  readonly code = 'inspection.commitment-reused';
  constructor(readonly earlierInspectionId: string) {
    super(
      `this seed commitment was already used by inspection ${earlierInspectionId} of the same unit: make a new seed (openssl rand -hex 32)`,
      [['seedCommitment']],
      RANDOM_INSPECTION,
    );
  }
}

/** 行政处罚法 第42条: enforcement by at least two officers. */
export class TooFewInspectorsPerTarget extends DomainError {
  readonly code = 'inspection.too-few-inspectors-per-target';
  constructor(readonly inspectorsPerTarget: number) {
    super(`each target is inspected by at least two officers, not ${inspectorsPerTarget}`, [['inspectorsPerTarget']], TWO_CERTIFIED_OFFICERS);
  }
}

export class TargetPoolTooSmall extends DomainError {
  readonly code = 'inspection.target-pool-too-small';
  constructor(
    readonly targetCount: number,
    readonly poolSize: number,
  ) {
    super(`cannot draw ${targetCount} targets from a pool (被检市场主体名录库) of ${poolSize}`, [['targetCount']], RANDOM_INSPECTION);
  }
}

/** Too few certified inspectors without a conflict for some target: the draw could not staff it. */
export class InspectorPoolTooSmall extends DomainError {
  readonly code = 'inspection.inspector-pool-too-small';
  constructor(
    readonly targetId: string | null,
    readonly eligible: number,
    readonly needed: number,
  ) {
    super(
      targetId === null
        ? `the inspector pool (执法检查人员名录库) has ${eligible} persons, ${needed} needed per target`
        : `target ${targetId} has ${eligible} inspectors without a declared conflict (回避), ${needed} needed`,
      [['inspectorPool']],
      TWO_CERTIFIED_OFFICERS,
    );
  }
}

/** A pool is a set: a repeated id would count twice in the draw. */
export class DuplicatePoolMember extends DomainError {
  readonly code = 'inspection.duplicate-pool-member';
  constructor(
    readonly pool: 'targetPool' | 'inspectorPool',
    readonly id: string,
    index: number,
  ) {
    super(`${id} appears more than once in ${pool}`, [[pool, index]], RANDOM_INSPECTION);
  }
}

/** A conflict (回避) must name a pool member and a pool target, or it excludes nobody and hides a typo. */
export class ConflictOutsidePool extends DomainError {
  readonly code = 'inspection.conflict-outside-pool';
  constructor(readonly id: string, path: FieldPath) {
    super(`the declared conflict names ${id}, who is not in the pool`, [path]);
  }
}

/** 持证上岗: every inspector in the pool holds a certificate valid on the day checked. */
export class InspectorNotCertified extends DomainError {
  readonly code = 'inspection.inspector-not-certified';
  constructor(
    readonly personIds: readonly string[],
    readonly onDay: string,
    fields: readonly FieldPath[],
  ) {
    super(
      `${personIds.join(', ')} ${personIds.length === 1 ? 'holds' : 'hold'} no enforcement certificate (执法证) valid on ${onDay}`,
      fields,
      TWO_CERTIFIED_OFFICERS,
    );
  }
}

/** The results name a target the draw did not select. */
export class TargetNotDrawn extends DomainError {
  readonly code = 'inspection.target-not-drawn';
  constructor(readonly targetId: string, path: FieldPath) {
    super(`${targetId} was not drawn in this inspection`, [path], RANDOM_INSPECTION);
  }
}

/** 随机选派执法检查人员: the officers who inspect are the ones drawn for that target. */
export class InspectorsNotAsDrawn extends DomainError {
  readonly code = 'inspection.inspectors-not-as-drawn';
  constructor(
    readonly targetId: string,
    readonly drawn: readonly string[],
  ) {
    super(`target ${targetId} is inspected by the officers drawn for it: ${drawn.join(', ')}`, [['inspectorIds']], RANDOM_INSPECTION);
  }
}

/** Results are recorded once per target; a correction is a later event, not a second result. */
export class ResultsAlreadyRecorded extends DomainError {
  readonly code = 'inspection.results-already-recorded';
  constructor(readonly targetId: string) {
    super(`results for ${targetId} are already recorded`, [['targetId']]);
  }
}

/** What is published is a recorded result. */
export class ResultsNotRecorded extends DomainError {
  readonly code = 'inspection.results-not-recorded';
  constructor(readonly targetId: string, index: number) {
    super(`no results are recorded for ${targetId}`, [['targetIds', index]], '企业信息公示暂行条例 第6条');
  }
}

export class AlreadyPublished extends DomainError {
  readonly code = 'inspection.already-published';
  constructor(
    readonly targetId: string,
    readonly channel: string,
    index: number,
  ) {
    super(`the results for ${targetId} are already published on ${channel}`, [['targetIds', index]]);
  }
}

/** A date before the step it follows, or after today. */
export class DateOutOfOrder extends DomainError {
  readonly code = 'inspection.date-out-of-order';
  constructor(message: string, path: FieldPath) {
    super(message, [path]);
  }
}

export type InspectionError =
  | SeedDoesNotMatchCommitment
  | CommitmentReused
  | TooFewInspectorsPerTarget
  | TargetPoolTooSmall
  | InspectorPoolTooSmall
  | DuplicatePoolMember
  | ConflictOutsidePool
  | InspectorNotCertified
  | TargetNotDrawn
  | InspectorsNotAsDrawn
  | ResultsAlreadyRecorded
  | ResultsNotRecorded
  | AlreadyPublished
  | DateOutOfOrder;

/** Every code the inspection handlers may throw, the shared ones included. */
export const inspectionErrorStatuses: ErrorStatuses<InspectionError | SubjectNotFound | StepOutOfOrder | NotPermitted> = {
  ...commonErrorStatuses,
  'inspection.seed-does-not-match-commitment': 422,
  'inspection.commitment-reused': 409,
  'inspection.too-few-inspectors-per-target': 422,
  'inspection.target-pool-too-small': 422,
  'inspection.inspector-pool-too-small': 422,
  'inspection.duplicate-pool-member': 422,
  'inspection.conflict-outside-pool': 422,
  'inspection.inspector-not-certified': 422,
  'inspection.target-not-drawn': 422,
  'inspection.inspectors-not-as-drawn': 422,
  'inspection.results-already-recorded': 409,
  'inspection.results-not-recorded': 422,
  'inspection.already-published': 409,
  'inspection.date-out-of-order': 422,
};

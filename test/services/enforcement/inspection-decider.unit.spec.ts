import { expect } from 'chai';
import type { Actor } from '@quanze/events';
import { NotPermitted, StepOutOfOrder, SubjectNotFound } from '@quanze/service-kit';
import { given } from '../../support/decider.js';
import { inspectionDecider } from '../../../services/enforcement/src/inspection-decider.js';
import type {
  CertificateFact,
  DrawInspection,
  InspectionEvent,
  PlanInspection,
  PublishInspectionResults,
  RecordInspectionResults,
} from '../../../services/enforcement/src/inspection-decider.js';
import {
  AlreadyPublished,
  CommitmentReused,
  ConflictOutsidePool,
  DateOutOfOrder,
  DuplicatePoolMember,
  InspectorNotCertified,
  InspectorPoolTooSmall,
  InspectorsNotAsDrawn,
  ResultsAlreadyRecorded,
  ResultsNotRecorded,
  SeedDoesNotMatchCommitment,
  TargetNotDrawn,
  TargetPoolTooSmall,
  TooFewInspectorsPerTarget,
} from '../../../services/enforcement/src/inspection-errors.js';

// The pools and seed of the worked example in docs/INSPECTIONS.md.
const seed = 'aa4832571df63a1a8e8504833fba0341cc5c4a654396049a39047f5881d9c8a5';
const commitment = '511c614f949cf0ffdde03f32d1c53e740331ad103d4ee99b31ca8d8a034cb836';
const targetPool = [
  '91230100MA1B2C3D4E',
  '91230100MA1F5G6H7J',
  '91230100MA1K8L9M0N',
  '91230100MA1P2Q3R4T',
  '91230100MA1U5W6X7Y',
  '92230100MA1A1B2C3D',
  '92230100MA1E4F5G6H',
  '93230100MA1J7K8L9M',
];
const inspectorPool = ['officer-01', 'officer-02', 'officer-03', 'officer-04', 'officer-05'];
const conflict = { personId: 'officer-04', targetId: '91230100MA1B2C3D4E', reason: 'her brother is a shareholder' };

const unitId = 'unit-amr';
const clerk: Actor = { personId: 'clerk-1', postId: 'post-clerk-1', unitId };
const otherUnitClerk: Actor = { personId: 'clerk-9', postId: 'post-clerk-9', unitId: 'unit-other' };
// 2026-03-02 17:00 in Beijing.
const planningNow = '2026-03-02T09:00:00.000Z';
// 2026-03-05 10:00 in Beijing.
const drawNow = '2026-03-05T02:00:00.000Z';
const laterNow = '2026-03-20T02:00:00.000Z';

function certificate(personId: string, overrides: Partial<CertificateFact> = {}): CertificateFact {
  return { personId, certificateId: `cert-${personId}`, validFrom: '2025-01-01', validUntil: '2028-12-31', revokedOn: null, ...overrides };
}
const certificates = inspectorPool.map((personId) => certificate(personId));
const certificateIds = inspectorPool.map((personId) => ({ personId, certificateId: `cert-${personId}` }));

const planCommand: PlanInspection = {
  type: 'PlanInspection',
  inspectionId: 'inspection-1',
  inspectingUnitId: unitId,
  matter: { itemId: 'item-food-business', title: '食品经营者 监督检查' },
  // Given in another order than the canonical one: the plan records them sorted.
  targetPool: [...targetPool].reverse(),
  inspectorPool: [...inspectorPool].reverse(),
  targetCount: 3,
  inspectorsPerTarget: 2,
  conflicts: [conflict],
  seedCommitment: commitment,
  plannedDrawOn: '2026-03-05',
  certificates,
  earlierPlanWithCommitment: null,
};

/** A plan recorded before quanze-draw-v2: it keeps v1. */
const planned: InspectionEvent = {
  type: 'inspection.planned.v1',
  data: {
    inspectionId: 'inspection-1',
    inspectingUnitId: unitId,
    matter: { itemId: 'item-food-business', title: '食品经营者 监督检查' },
    targetPool,
    targetPoolSha256: 'cea36f4eb78d6c64696d2f9a005c560dcfb0d06aec1bb0b3d17a131a4871c789',
    inspectorPool,
    inspectorPoolSha256: '7ae5c967cc428037892ad5e8dc7e46b459d0a1469fe472a1e47f2340dd042f16',
    targetCount: 3,
    inspectorsPerTarget: 2,
    conflicts: [conflict],
    seedCommitment: commitment,
    algorithm: 'quanze-draw-v1',
    plannedDrawOn: '2026-03-05',
    inspectorCertificates: certificateIds,
  },
};

/** The same plan recorded today: new plans record quanze-draw-v2. */
const plannedV2: InspectionEvent = { type: 'inspection.planned.v1', data: { ...planned.data, algorithm: 'quanze-draw-v2' } };
/** The eventId the ledger gave the plan event (the v2 worked example of docs/INSPECTIONS.md). */
const planEventId = '019cadc6-9afb-7d21-b83e-52c4f0a7e916';

const selection = [
  { targetId: '92230100MA1A1B2C3D', inspectorIds: ['officer-01', 'officer-02'] },
  { targetId: '91230100MA1B2C3D4E', inspectorIds: ['officer-03', 'officer-02'] },
  { targetId: '91230100MA1U5W6X7Y', inspectorIds: ['officer-04', 'officer-05'] },
];

const drawCommand: DrawInspection = {
  type: 'DrawInspection',
  inspectionId: 'inspection-1',
  seed,
  witnessPersonIds: ['supervisor-1'],
  certificates,
  planEventId,
};

const drawn: InspectionEvent = {
  type: 'inspection.drawn.v1',
  data: {
    inspectionId: 'inspection-1',
    algorithm: 'quanze-draw-v1',
    seed,
    drawnOn: '2026-03-05',
    selection,
    inspectorCertificates: certificateIds,
    witnessPersonIds: ['supervisor-1'],
  },
};

const resultsCommand: RecordInspectionResults = {
  type: 'RecordInspectionResults',
  inspectionId: 'inspection-1',
  targetId: '91230100MA1B2C3D4E',
  inspectorIds: ['officer-02', 'officer-03'],
  inspectedOn: '2026-03-10',
  concludedOn: '2026-03-12',
  outcome: 'problem-found-corrected',
  findings: 'Expired goods on the shelf; ordered to remove them (责令改正).',
  evidence: [{ title: '现场检查笔录', sha256: 'c'.repeat(64) }],
  caseId: null,
};

const resultsRecorded: InspectionEvent = {
  type: 'inspection.resultsRecorded.v1',
  data: {
    inspectionId: 'inspection-1',
    targetId: '91230100MA1B2C3D4E',
    // As drawn, in draw order.
    inspectorIds: ['officer-03', 'officer-02'],
    inspectedOn: '2026-03-10',
    concludedOn: '2026-03-12',
    outcome: 'problem-found-corrected',
    findings: 'Expired goods on the shelf; ordered to remove them (责令改正).',
    evidence: [{ title: '现场检查笔录', sha256: 'c'.repeat(64) }],
    caseId: null,
  },
};

const publishCommand: PublishInspectionResults = {
  type: 'PublishInspectionResults',
  inspectionId: 'inspection-1',
  targetIds: ['91230100MA1B2C3D4E'],
  channel: 'enterprise-credit-system',
  reference: 'https://www.gsxt.gov.cn/example/2026-03',
  publishedOn: '2026-03-18',
};

const published: InspectionEvent = {
  type: 'inspection.resultsPublished.v1',
  data: {
    inspectionId: 'inspection-1',
    targetIds: ['91230100MA1B2C3D4E'],
    channel: 'enterprise-credit-system',
    reference: 'https://www.gsxt.gov.cn/example/2026-03',
    publishedOn: '2026-03-18',
  },
};

const asClerk = (now: string) => ({ now, actor: clerk });

describe('random inspections (双随机一公开)', () => {
  describe('planning (抽查计划)', () => {
    it('records both pools in canonical order with their hashes, the seed commitment and each inspector’s certificate', () => {
      given(inspectionDecider).when(planCommand, asClerk(planningNow)).then([plannedV2]);
    });

    it('rejects a plan recorded by another unit than the inspecting one', () => {
      given(inspectionDecider).when(planCommand, { now: planningNow, actor: otherUnitClerk }).thenThrows(NotPermitted);
    });

    it('rejects planning an inspection that already exists', () => {
      given(inspectionDecider, [planned]).when(planCommand, asClerk(planningNow)).thenThrows(StepOutOfOrder);
    });

    it('rejects a target listed twice', () => {
      given(inspectionDecider)
        .when({ ...planCommand, targetPool: [...targetPool, targetPool[2] ?? ''] }, asClerk(planningNow))
        .thenThrows(DuplicatePoolMember, { pool: 'targetPool', id: '91230100MA1K8L9M0N', fields: [['targetPool', 8]] });
    });

    it('rejects an inspector listed twice', () => {
      given(inspectionDecider)
        .when({ ...planCommand, inspectorPool: ['officer-01', ...inspectorPool] }, asClerk(planningNow))
        .thenThrows(DuplicatePoolMember, { pool: 'inspectorPool', id: 'officer-01', fields: [['inspectorPool', 1]] });
    });

    it('rejects fewer than two inspectors per target (行政处罚法 第42条)', () => {
      given(inspectionDecider)
        .when({ ...planCommand, inspectorsPerTarget: 1 }, asClerk(planningNow))
        .thenThrows(TooFewInspectorsPerTarget, { article: '行政处罚法 第42条', fields: [['inspectorsPerTarget']] });
    });

    it('rejects drawing more targets than the pool holds', () => {
      given(inspectionDecider)
        .when({ ...planCommand, targetCount: 9 }, asClerk(planningNow))
        .thenThrows(TargetPoolTooSmall, { targetCount: 9, poolSize: 8 });
    });

    it('rejects more inspectors per target than the pool holds', () => {
      given(inspectionDecider)
        .when({ ...planCommand, inspectorsPerTarget: 6 }, asClerk(planningNow))
        .thenThrows(InspectorPoolTooSmall, { targetId: null, eligible: 5, needed: 6 });
    });

    it('rejects a plan in which some target’s conflicts (回避) leave too few inspectors', () => {
      const conflicts = ['officer-01', 'officer-02', 'officer-03', 'officer-05'].map((personId) => ({
        personId,
        targetId: '93230100MA1J7K8L9M',
        reason: 'former employee',
      }));
      given(inspectionDecider)
        .when({ ...planCommand, conflicts }, asClerk(planningNow))
        .thenThrows(InspectorPoolTooSmall, { targetId: '93230100MA1J7K8L9M', eligible: 1, needed: 2 });
    });

    it('rejects a conflict that names a person outside the inspector pool', () => {
      given(inspectionDecider)
        .when({ ...planCommand, conflicts: [{ ...conflict, personId: 'officer-99' }] }, asClerk(planningNow))
        .thenThrows(ConflictOutsidePool, { id: 'officer-99', fields: [['conflicts', 0, 'personId']] });
    });

    it('rejects a conflict that names a target outside the target pool', () => {
      given(inspectionDecider)
        .when({ ...planCommand, conflicts: [{ ...conflict, targetId: '91000000MA0000000X' }] }, asClerk(planningNow))
        .thenThrows(ConflictOutsidePool, { id: '91000000MA0000000X', fields: [['conflicts', 0, 'targetId']] });
    });

    it('rejects a seed commitment the unit already used in an earlier plan', () => {
      given(inspectionDecider)
        .when({ ...planCommand, earlierPlanWithCommitment: 'inspection-0' }, asClerk(planningNow))
        .thenThrows(CommitmentReused, { earlierInspectionId: 'inspection-0', fields: [['seedCommitment']] });
    });

    it('rejects a draw date that has already passed', () => {
      given(inspectionDecider)
        .when({ ...planCommand, plannedDrawOn: '2026-03-01' }, asClerk(planningNow))
        .thenThrows(DateOutOfOrder, { fields: [['plannedDrawOn']] });
    });

    describe('when an inspector of the pool is not certified on the planned draw day (持证上岗)', () => {
      it('rejects a pool member without any certificate, naming each', () => {
        const withoutTwo = certificates.filter((fact) => fact.personId !== 'officer-02' && fact.personId !== 'officer-05');
        given(inspectionDecider)
          .when({ ...planCommand, inspectorPool, certificates: withoutTwo }, asClerk(planningNow))
          .thenThrows(InspectorNotCertified, {
            personIds: ['officer-02', 'officer-05'],
            onDay: '2026-03-05',
            fields: [
              ['inspectorPool', 1],
              ['inspectorPool', 4],
            ],
            article: '行政处罚法 第42条',
          });
      });

      it('rejects a certificate that expires before the draw day', () => {
        const expiring = [...certificates.slice(1), certificate('officer-01', { validUntil: '2026-03-04' })];
        given(inspectionDecider)
          .when({ ...planCommand, certificates: expiring }, asClerk(planningNow))
          .thenThrows(InspectorNotCertified, { personIds: ['officer-01'] });
      });

      it('rejects a certificate that becomes valid only after the draw day', () => {
        const early = [...certificates.slice(1), certificate('officer-01', { validFrom: '2026-03-06' })];
        given(inspectionDecider)
          .when({ ...planCommand, certificates: early }, asClerk(planningNow))
          .thenThrows(InspectorNotCertified, { personIds: ['officer-01'] });
      });

      it('rejects a certificate revoked on or before the draw day', () => {
        const revoked = [...certificates.slice(1), certificate('officer-01', { revokedOn: '2026-03-05' })];
        given(inspectionDecider)
          .when({ ...planCommand, certificates: revoked }, asClerk(planningNow))
          .thenThrows(InspectorNotCertified, { personIds: ['officer-01'] });
      });

      it('accepts a certificate valid up to the draw day, or revoked only after it', () => {
        const lastDay = [
          ...certificates.slice(2),
          certificate('officer-01', { validUntil: '2026-03-05' }),
          certificate('officer-02', { revokedOn: '2026-03-06' }),
        ];
        given(inspectionDecider).when({ ...planCommand, certificates: lastDay }, asClerk(planningNow)).then([plannedV2]);
      });

      it('names the valid certificate when a person holds a lapsed one too', () => {
        const two = [...certificates, certificate('officer-01', { certificateId: 'cert-a-old', validUntil: '2025-12-31' })];
        given(inspectionDecider).when({ ...planCommand, certificates: two }, asClerk(planningNow)).then([plannedV2]);
      });
    });
  });

  describe('cancelling a plan before its draw', () => {
    const cancelCommand = { type: 'CancelInspection', inspectionId: 'inspection-1', reason: 'officer-03 retired' } as const;

    it('records the reason', () => {
      given(inspectionDecider, [planned])
        .when(cancelCommand, asClerk(planningNow))
        .then([{ type: 'inspection.cancelled.v1', data: { inspectionId: 'inspection-1', reason: 'officer-03 retired' } }]);
    });

    it('rejects cancelling after the draw', () => {
      given(inspectionDecider, [planned, drawn]).when(cancelCommand, asClerk(drawNow)).thenThrows(StepOutOfOrder);
    });

    it('rejects cancelling an inspection that was never planned', () => {
      given(inspectionDecider).when(cancelCommand, asClerk(drawNow)).thenThrows(SubjectNotFound);
    });
  });

  describe('drawing (双随机抽取)', () => {
    it('reveals the seed and records the selection of quanze-draw-v2 over seed and plan event id, with the draw day and certificates', () => {
      const selectionV2 = [
        { targetId: '91230100MA1F5G6H7J', inspectorIds: ['officer-03', 'officer-05'] },
        { targetId: '91230100MA1U5W6X7Y', inspectorIds: ['officer-02', 'officer-04'] },
        { targetId: '91230100MA1B2C3D4E', inspectorIds: ['officer-03', 'officer-01'] },
      ];
      given(inspectionDecider, [plannedV2])
        .when(drawCommand, asClerk(drawNow))
        .then([{ type: 'inspection.drawn.v1', data: { ...drawn.data, algorithm: 'quanze-draw-v2', selection: selectionV2 } }]);
    });

    it('draws other targets for the same seed when the ledger gave the plan event another id', () => {
      const [event] = given(inspectionDecider, [plannedV2])
        .when({ ...drawCommand, planEventId: '019cadc6-9afb-7d21-b83e-52c4f0a7e917' }, asClerk(drawNow))
        .thenTypes('inspection.drawn.v1');
      const drawnTargets = event?.type === 'inspection.drawn.v1' ? event.data.selection.map((target) => target.targetId) : [];
      expect(drawnTargets).to.not.deep.equal(['91230100MA1F5G6H7J', '91230100MA1U5W6X7Y', '91230100MA1B2C3D4E']);
    });

    it('draws a plan recorded under quanze-draw-v1 by v1, as its plan says', () => {
      given(inspectionDecider, [planned]).when(drawCommand, asClerk(drawNow)).then([drawn]);
    });

    it('counts the draw day in Beijing time', () => {
      const [event] = given(inspectionDecider, [planned])
        .when(drawCommand, asClerk('2026-03-04T16:30:00.000Z'))
        .thenTypes('inspection.drawn.v1');
      expect(event?.data).to.include({ drawnOn: '2026-03-05' });
    });

    it('rejects a seed whose SHA-256 is not the commitment', () => {
      given(inspectionDecider, [planned])
        .when({ ...drawCommand, seed: 'a'.repeat(64) }, asClerk(drawNow))
        .thenThrows(SeedDoesNotMatchCommitment, { fields: [['seed']], article: '优化营商环境条例 第54条; 国发〔2019〕5号' });
    });

    it('rejects a draw before any plan', () => {
      given(inspectionDecider).when(drawCommand, asClerk(drawNow)).thenThrows(SubjectNotFound, { subject: 'inspection-inspection-1' });
    });

    it('rejects a second draw', () => {
      given(inspectionDecider, [planned, drawn]).when(drawCommand, asClerk(drawNow)).thenThrows(StepOutOfOrder);
    });

    it('rejects the draw of a cancelled plan', () => {
      const cancelled: InspectionEvent = { type: 'inspection.cancelled.v1', data: { inspectionId: 'inspection-1', reason: 'retired' } };
      given(inspectionDecider, [planned, cancelled]).when(drawCommand, asClerk(drawNow)).thenThrows(StepOutOfOrder);
    });

    it('rejects a draw by another unit', () => {
      given(inspectionDecider, [planned]).when(drawCommand, { now: drawNow, actor: otherUnitClerk }).thenThrows(NotPermitted);
    });

    it('rejects the draw when a pool member’s certificate was revoked since the plan, whether or not they would be drawn', () => {
      const revoked = [...certificates.slice(0, 4), certificate('officer-05', { revokedOn: '2026-03-04' })];
      given(inspectionDecider, [planned])
        .when({ ...drawCommand, certificates: revoked }, asClerk(drawNow))
        .thenThrows(InspectorNotCertified, { personIds: ['officer-05'], onDay: '2026-03-05', fields: [] });
    });
  });

  describe('recording results (检查结果)', () => {
    it('records the results of a drawn target, naming its inspectors in draw order', () => {
      given(inspectionDecider, [planned, drawn]).when(resultsCommand, asClerk(laterNow)).then([resultsRecorded]);
    });

    it('rejects results before the draw', () => {
      given(inspectionDecider, [planned]).when(resultsCommand, asClerk(laterNow)).thenThrows(StepOutOfOrder);
    });

    it('rejects results for a target that was not drawn', () => {
      given(inspectionDecider, [planned, drawn])
        .when({ ...resultsCommand, targetId: '93230100MA1J7K8L9M' }, asClerk(laterNow))
        .thenThrows(TargetNotDrawn, { targetId: '93230100MA1J7K8L9M', fields: [['targetId']] });
    });

    it('rejects inspectors other than those drawn for the target (随机选派)', () => {
      given(inspectionDecider, [planned, drawn])
        .when({ ...resultsCommand, inspectorIds: ['officer-03', 'officer-04'] }, asClerk(laterNow))
        .thenThrows(InspectorsNotAsDrawn, { drawn: ['officer-03', 'officer-02'] });
    });

    it('rejects one drawn inspector alone', () => {
      given(inspectionDecider, [planned, drawn])
        .when({ ...resultsCommand, inspectorIds: ['officer-03'] }, asClerk(laterNow))
        .thenThrows(InspectorsNotAsDrawn);
    });

    it('rejects a drawn inspector named twice in place of the other', () => {
      given(inspectionDecider, [planned, drawn])
        .when({ ...resultsCommand, inspectorIds: ['officer-03', 'officer-03', 'officer-02'] }, asClerk(laterNow))
        .thenThrows(InspectorsNotAsDrawn);
    });

    it('rejects a second result for the same target', () => {
      given(inspectionDecider, [planned, drawn, resultsRecorded])
        .when(resultsCommand, asClerk(laterNow))
        .thenThrows(ResultsAlreadyRecorded, { targetId: '91230100MA1B2C3D4E' });
    });

    it('rejects an inspection dated before the draw', () => {
      given(inspectionDecider, [planned, drawn])
        .when({ ...resultsCommand, inspectedOn: '2026-03-04' }, asClerk(laterNow))
        .thenThrows(DateOutOfOrder, { fields: [['inspectedOn']] });
    });

    it('rejects a conclusion dated before the inspection', () => {
      given(inspectionDecider, [planned, drawn])
        .when({ ...resultsCommand, concludedOn: '2026-03-09' }, asClerk(laterNow))
        .thenThrows(DateOutOfOrder, { fields: [['concludedOn']] });
    });

    it('rejects a conclusion dated after today', () => {
      given(inspectionDecider, [planned, drawn])
        .when({ ...resultsCommand, concludedOn: '2026-03-21' }, asClerk(laterNow))
        .thenThrows(DateOutOfOrder, { fields: [['concludedOn']] });
    });

    it('rejects results recorded by another unit', () => {
      given(inspectionDecider, [planned, drawn])
        .when(resultsCommand, { now: laterNow, actor: otherUnitClerk })
        .thenThrows(NotPermitted);
    });
  });

  describe('publishing results (一公开)', () => {
    it('records the channel, the reference and the day, from which late publication can be flagged', () => {
      given(inspectionDecider, [planned, drawn, resultsRecorded]).when(publishCommand, asClerk(laterNow)).then([published]);
    });

    it('rejects publishing a drawn target whose results are not recorded', () => {
      given(inspectionDecider, [planned, drawn, resultsRecorded])
        .when({ ...publishCommand, targetIds: ['91230100MA1B2C3D4E', '92230100MA1A1B2C3D'] }, asClerk(laterNow))
        .thenThrows(ResultsNotRecorded, { targetId: '92230100MA1A1B2C3D', fields: [['targetIds', 1]] });
    });

    it('rejects publishing a target that was not drawn', () => {
      given(inspectionDecider, [planned, drawn, resultsRecorded])
        .when({ ...publishCommand, targetIds: ['93230100MA1J7K8L9M'] }, asClerk(laterNow))
        .thenThrows(TargetNotDrawn, { fields: [['targetIds', 0]] });
    });

    it('rejects publishing before the inspection was drawn', () => {
      given(inspectionDecider, [planned]).when(publishCommand, asClerk(laterNow)).thenThrows(StepOutOfOrder);
    });

    it('rejects publishing the same results twice on the same channel', () => {
      given(inspectionDecider, [planned, drawn, resultsRecorded, published])
        .when(publishCommand, asClerk(laterNow))
        .thenThrows(AlreadyPublished, { targetId: '91230100MA1B2C3D4E', channel: 'enterprise-credit-system' });
    });

    it('accepts the same results on another channel', () => {
      given(inspectionDecider, [planned, drawn, resultsRecorded, published])
        .when({ ...publishCommand, channel: 'website' }, asClerk(laterNow))
        .thenTypes('inspection.resultsPublished.v1');
    });

    it('publishes a target named twice once', () => {
      given(inspectionDecider, [planned, drawn, resultsRecorded])
        .when({ ...publishCommand, targetIds: ['91230100MA1B2C3D4E', '91230100MA1B2C3D4E'] }, asClerk(laterNow))
        .then([published]);
    });

    it('rejects a publication dated before the results were concluded', () => {
      given(inspectionDecider, [planned, drawn, resultsRecorded])
        .when({ ...publishCommand, publishedOn: '2026-03-11' }, asClerk(laterNow))
        .thenThrows(DateOutOfOrder, { fields: [['publishedOn']] });
    });

    it('rejects a publication dated after today', () => {
      given(inspectionDecider, [planned, drawn, resultsRecorded])
        .when({ ...publishCommand, publishedOn: '2026-03-21' }, asClerk(laterNow))
        .thenThrows(DateOutOfOrder, { fields: [['publishedOn']] });
    });

    it('rejects a publication recorded by another unit', () => {
      given(inspectionDecider, [planned, drawn, resultsRecorded])
        .when(publishCommand, { now: laterNow, actor: otherUnitClerk })
        .thenThrows(NotPermitted);
    });
  });
});

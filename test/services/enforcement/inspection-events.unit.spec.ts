import { expect } from 'chai';
import { InspectionDrawnV1, InspectionPlannedV1, InspectionResultsRecordedV1, ledgerRegistry } from '@quanze/events';

const plan = {
  inspectionId: 'inspection-1',
  inspectingUnitId: 'unit-amr',
  matter: { itemId: 'item-food-business', title: '食品经营者 监督检查' },
  targetPool: ['91230100MA1B2C3D4E', '92230100MA1A1B2C3D', '93230100MA1J7K8L9M'],
  targetPoolSha256: 'a'.repeat(64),
  inspectorPool: ['officer-01', 'officer-02'],
  inspectorPoolSha256: 'b'.repeat(64),
  targetCount: 1,
  inspectorsPerTarget: 2,
  conflicts: [],
  seedCommitment: 'c'.repeat(64),
  algorithm: 'quanze-draw-v1',
  plannedDrawOn: '2026-03-05',
  inspectorCertificates: [
    { personId: 'officer-01', certificateId: 'cert-1' },
    { personId: 'officer-02', certificateId: 'cert-2' },
  ],
};

function pathsOf(result: { success: boolean; error?: { issues: readonly { path: readonly PropertyKey[] }[] } }): string[] {
  return (result.error?.issues ?? []).map((issue) => issue.path.map(String).join('.'));
}

describe('the inspection events (双随机一公开)', () => {
  it('are in the ledger’s catalogue', () => {
    for (const type of [
      'inspection.planned.v1',
      'inspection.cancelled.v1',
      'inspection.drawn.v1',
      'inspection.resultsRecorded.v1',
      'inspection.resultsPublished.v1',
    ]) {
      expect(ledgerRegistry.has(type), type).to.be.true;
    }
  });

  describe('a plan', () => {
    it('is valid as the decider records it', () => {
      expect(InspectionPlannedV1.safeParse(plan).success).to.be.true;
    });

    it('has no place for the seed', () => {
      expect(InspectionPlannedV1.parse({ ...plan, seed: 'd'.repeat(64) })).to.not.have.property('seed');
    });

    it('refuses a pool that is not in canonical order', () => {
      expect(pathsOf(InspectionPlannedV1.safeParse({ ...plan, targetPool: [...plan.targetPool].reverse() }))).to.deep.equal(['targetPool']);
    });

    it('refuses a pool with a repeated id', () => {
      expect(pathsOf(InspectionPlannedV1.safeParse({ ...plan, inspectorPool: ['officer-01', 'officer-01'] }))).to.deep.equal([
        'inspectorPool',
      ]);
    });

    it('refuses fewer than two inspectors per target (行政处罚法 第42条)', () => {
      expect(pathsOf(InspectionPlannedV1.safeParse({ ...plan, inspectorsPerTarget: 1 }))).to.deep.equal(['inspectorsPerTarget']);
    });

    it('refuses more targets than the pool holds', () => {
      expect(pathsOf(InspectionPlannedV1.safeParse({ ...plan, targetCount: 4 }))).to.deep.equal(['targetCount']);
    });

    it('accepts both documented algorithms: v1 of plans recorded before v2, and v2', () => {
      expect(InspectionPlannedV1.safeParse({ ...plan, algorithm: 'quanze-draw-v1' }).success).to.be.true;
      expect(InspectionPlannedV1.safeParse({ ...plan, algorithm: 'quanze-draw-v2' }).success).to.be.true;
    });

    it('refuses an algorithm it does not document', () => {
      expect(pathsOf(InspectionPlannedV1.safeParse({ ...plan, algorithm: 'quanze-draw-v3' }))).to.deep.equal(['algorithm']);
    });
  });

  it('a draw refuses a seed that is not 64 lowercase hex characters', () => {
    const draw = {
      inspectionId: 'inspection-1',
      algorithm: 'quanze-draw-v1',
      seed: 'D'.repeat(64),
      drawnOn: '2026-03-05',
      selection: [{ targetId: '92230100MA1A1B2C3D', inspectorIds: ['officer-01', 'officer-02'] }],
      inspectorCertificates: [],
    };
    expect(pathsOf(InspectionDrawnV1.safeParse(draw))).to.deep.equal(['seed']);
  });

  it('results refuse a conclusion before the inspection', () => {
    const results = {
      inspectionId: 'inspection-1',
      targetId: '92230100MA1A1B2C3D',
      inspectorIds: ['officer-01', 'officer-02'],
      inspectedOn: '2026-03-10',
      concludedOn: '2026-03-09',
      outcome: 'no-problem-found',
      findings: 'Nothing found.',
    };
    expect(pathsOf(InspectionResultsRecordedV1.safeParse(results))).to.deep.equal(['concludedOn']);
  });
});

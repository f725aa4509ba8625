import { expect } from 'chai';
import type { InspectionDrawnV1, InspectionPlannedV1 } from '@quanze/events';
import { verifyInspection } from '../../../services/enforcement/src/inspection-queries.js';

// The worked example of docs/INSPECTIONS.md, as the ledger would hold it.
const plan: InspectionPlannedV1 = {
  inspectionId: 'inspection-1',
  inspectingUnitId: 'unit-amr',
  matter: { itemId: 'item-food-business', title: '食品经营者 监督检查' },
  targetPool: [
    '91230100MA1B2C3D4E',
    '91230100MA1F5G6H7J',
    '91230100MA1K8L9M0N',
    '91230100MA1P2Q3R4T',
    '91230100MA1U5W6X7Y',
    '92230100MA1A1B2C3D',
    '92230100MA1E4F5G6H',
    '93230100MA1J7K8L9M',
  ],
  targetPoolSha256: 'cea36f4eb78d6c64696d2f9a005c560dcfb0d06aec1bb0b3d17a131a4871c789',
  inspectorPool: ['officer-01', 'officer-02', 'officer-03', 'officer-04', 'officer-05'],
  inspectorPoolSha256: '7ae5c967cc428037892ad5e8dc7e46b459d0a1469fe472a1e47f2340dd042f16',
  targetCount: 3,
  inspectorsPerTarget: 2,
  conflicts: [{ personId: 'officer-04', targetId: '91230100MA1B2C3D4E', reason: 'her brother is a shareholder' }],
  seedCommitment: '511c614f949cf0ffdde03f32d1c53e740331ad103d4ee99b31ca8d8a034cb836',
  algorithm: 'quanze-draw-v1',
  plannedDrawOn: '2026-03-05',
  inspectorCertificates: [],
};

const selection = [
  { targetId: '92230100MA1A1B2C3D', inspectorIds: ['officer-01', 'officer-02'] },
  { targetId: '91230100MA1B2C3D4E', inspectorIds: ['officer-03', 'officer-02'] },
  { targetId: '91230100MA1U5W6X7Y', inspectorIds: ['officer-04', 'officer-05'] },
];

const draw: InspectionDrawnV1 = {
  inspectionId: 'inspection-1',
  algorithm: 'quanze-draw-v1',
  seed: 'aa4832571df63a1a8e8504833fba0341cc5c4a654396049a39047f5881d9c8a5',
  drawnOn: '2026-03-05',
  selection,
  inspectorCertificates: [],
  witnessPersonIds: [],
};

const planEventId = '019cadc6-9afb-7d21-b83e-52c4f0a7e916';

describe('re-checking an inspection', () => {
  it('confirms the hashes, the commitment and the selection of an honest v1 draw, whatever the plan event id', () => {
    expect(verifyInspection(plan, draw, planEventId)).to.deep.equal({
      inspectionId: 'inspection-1',
      algorithm: 'quanze-draw-v1',
      planEventId,
      effectiveSeed: null,
      targetPoolSha256Matches: true,
      inspectorPoolSha256Matches: true,
      commitmentMatches: true,
      selectionMatches: true,
      recomputedSelection: selection,
    });
  });

  it('checks the pool hashes before the draw and leaves the rest open', () => {
    expect(verifyInspection(plan, null, planEventId)).to.include({
      targetPoolSha256Matches: true,
      inspectorPoolSha256Matches: true,
      commitmentMatches: null,
      selectionMatches: null,
    });
  });

  it('detects a selection other than the function’s', () => {
    const swapped = [selection[1], selection[0], selection[2]].filter((target) => target !== undefined);
    expect(verifyInspection(plan, { ...draw, selection: swapped }, planEventId)).to.include({ commitmentMatches: true, selectionMatches: false });
  });

  it('detects an inspector swapped in after the draw', () => {
    const tampered = selection.map((target, index) => (index === 0 ? { ...target, inspectorIds: ['officer-01', 'officer-05'] } : target));
    expect(verifyInspection(plan, { ...draw, selection: tampered }, planEventId)).to.include({ selectionMatches: false });
  });

  it('detects a seed that is not the committed one', () => {
    expect(verifyInspection(plan, { ...draw, seed: 'b'.repeat(64) }, planEventId)).to.include({ commitmentMatches: false });
  });

  it('detects a pool that does not match its hash', () => {
    expect(verifyInspection({ ...plan, targetPool: plan.targetPool.slice(1), targetCount: 3 }, draw, planEventId)).to.include({
      targetPoolSha256Matches: false,
      selectionMatches: false,
    });
  });
});

describe('re-checking a quanze-draw-v2 inspection', () => {
  // The v2 worked example of docs/INSPECTIONS.md.
  const planV2: InspectionPlannedV1 = { ...plan, algorithm: 'quanze-draw-v2' };
  const selectionV2 = [
    { targetId: '91230100MA1F5G6H7J', inspectorIds: ['officer-03', 'officer-05'] },
    { targetId: '91230100MA1U5W6X7Y', inspectorIds: ['officer-02', 'officer-04'] },
    { targetId: '91230100MA1B2C3D4E', inspectorIds: ['officer-03', 'officer-01'] },
  ];
  const drawV2: InspectionDrawnV1 = { ...draw, algorithm: 'quanze-draw-v2', selection: selectionV2 };

  it('confirms an honest draw over the seed and the plan event id, and shows the effective seed', () => {
    expect(verifyInspection(planV2, drawV2, planEventId)).to.deep.include({
      algorithm: 'quanze-draw-v2',
      planEventId,
      effectiveSeed: 'b671876008415bd1fad0f4f8928bed8f43cead77a2ab817c4b898a0517999803',
      commitmentMatches: true,
      selectionMatches: true,
      recomputedSelection: selectionV2,
    });
  });

  it('detects a selection computed over another plan event id', () => {
    expect(verifyInspection(planV2, drawV2, '019cadc6-9afb-7d21-b83e-52c4f0a7e917')).to.include({ selectionMatches: false });
  });

  it('detects a v2 plan drawn as if it were v1 (the seed alone)', () => {
    expect(verifyInspection(planV2, { ...draw, algorithm: 'quanze-draw-v1' }, planEventId)).to.include({ selectionMatches: false });
  });
});

import { expect } from 'chai';
import {
  DRAW_ALGORITHM,
  canonicalPool,
  drawSelection,
  drawSelectionFor,
  effectiveSeedV2,
  inspectorKey,
  poolSha256,
  seedCommitment,
  targetKey,
} from '../../../services/enforcement/src/inspection-draw.js';

// The worked example of docs/INSPECTIONS.md. Every value below was computed once and checked with the shell
// one-liners the document gives (sha256sum, LC_ALL=C sort); if this spec fails, the document is wrong too.
const seed = 'aa4832571df63a1a8e8504833fba0341cc5c4a654396049a39047f5881d9c8a5';
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
const conflicts = [{ personId: 'officer-04', targetId: '91230100MA1B2C3D4E' }];

describe('the draw (quanze-draw-v1)', () => {
  describe('the worked example of docs/INSPECTIONS.md', () => {
    it('commits to the seed with the SHA-256 of its hex text', () => {
      expect(seedCommitment(seed)).to.equal('511c614f949cf0ffdde03f32d1c53e740331ad103d4ee99b31ca8d8a034cb836');
    });

    it('hashes each pool as its ids sorted by byte value, one per line', () => {
      expect(poolSha256(targetPool)).to.equal('cea36f4eb78d6c64696d2f9a005c560dcfb0d06aec1bb0b3d17a131a4871c789');
      expect(poolSha256(inspectorPool)).to.equal('7ae5c967cc428037892ad5e8dc7e46b459d0a1469fe472a1e47f2340dd042f16');
    });

    it('keys targets and inspectors by the documented strings', () => {
      expect(targetKey(seed, '92230100MA1A1B2C3D')).to.equal('02eee9d3bccd1e7530a093c277e8c62af3859549d4de3467b34fd29c80e081e8');
      expect(targetKey(seed, '91230100MA1U5W6X7Y')).to.equal('7c842a70a7d82c0ff79d09d9b4177c4b4d9542e54814be0992498ee072e88f6e');
      expect(targetKey(seed, '92230100MA1E4F5G6H')).to.equal('7c845a0f839a3a0b801140d51a9836953224a570ee71083f84f714b7ae9e8f4b');
      expect(inspectorKey(seed, '91230100MA1B2C3D4E', 'officer-04')).to.equal(
        '348075d4b5c249ddb69084f916004c563e0911725499b62e33f82cc327b2a152',
      );
    });

    it('draws the three targets with the lowest keys and, for each, the two inspectors with the lowest keys', () => {
      expect(drawSelection({ seed, targetPool, inspectorPool, targetCount: 3, inspectorsPerTarget: 2, conflicts })).to.deep.equal([
        { targetId: '92230100MA1A1B2C3D', inspectorIds: ['officer-01', 'officer-02'] },
        // officer-04 has the lowest key here but declared a conflict (回避): the next two are drawn.
        { targetId: '91230100MA1B2C3D4E', inspectorIds: ['officer-03', 'officer-02'] },
        { targetId: '91230100MA1U5W6X7Y', inspectorIds: ['officer-04', 'officer-05'] },
      ]);
    });

    it('draws officer-04 for that target when no conflict is declared', () => {
      const selection = drawSelection({ seed, targetPool, inspectorPool, targetCount: 3, inspectorsPerTarget: 2 });
      expect(selection[1]).to.deep.equal({ targetId: '91230100MA1B2C3D4E', inspectorIds: ['officer-04', 'officer-03'] });
    });
  });

  describe('as a function of seed and pools only', () => {
    it('gives the same selection whatever order the pools are given in', () => {
      const input = { seed, targetPool, inspectorPool, targetCount: 5, inspectorsPerTarget: 3, conflicts };
      const shuffled = { ...input, targetPool: [...targetPool].reverse(), inspectorPool: [...inspectorPool].reverse() };
      expect(drawSelection(shuffled)).to.deep.equal(drawSelection(input));
    });

    it('draws other targets with another seed', () => {
      const otherSeed = 'b'.repeat(64);
      const ids = (selection: ReturnType<typeof drawSelection>) => selection.map((target) => target.targetId);
      expect(ids(drawSelection({ seed: otherSeed, targetPool, inspectorPool, targetCount: 3, inspectorsPerTarget: 2 }))).to.not.deep.equal(
        ids(drawSelection({ seed, targetPool, inspectorPool, targetCount: 3, inspectorsPerTarget: 2 })),
      );
    });

    it('draws every target when the count is the pool size, each once', () => {
      const selection = drawSelection({ seed, targetPool, inspectorPool, targetCount: targetPool.length, inspectorsPerTarget: 2 });
      expect(selection.map((target) => target.targetId)).to.have.members(targetPool);
    });

    it('canonicalises a pool as sorted lines, each ending in a line feed', () => {
      expect(canonicalPool(['b-2', 'B-1', 'a'])).to.equal('B-1\na\nb-2\n');
    });
  });

  describe('when the pools cannot supply the counts', () => {
    it('refuses to draw more targets than the pool holds', () => {
      expect(() => drawSelection({ seed, targetPool, inspectorPool, targetCount: 9, inspectorsPerTarget: 2 })).to.throw(RangeError);
    });

    it('refuses a target left with too few inspectors once conflicts are left out', () => {
      const many = inspectorPool.slice(0, 4).map((personId) => ({ personId, targetId: '92230100MA1A1B2C3D' }));
      expect(() =>
        drawSelection({ seed, targetPool, inspectorPool, targetCount: 8, inspectorsPerTarget: 2, conflicts: many }),
      ).to.throw(RangeError, /92230100MA1A1B2C3D/);
    });

    it('refuses a seed that is not 64 lowercase hex characters', () => {
      expect(() => drawSelection({ seed: seed.toUpperCase(), targetPool, inspectorPool, targetCount: 1, inspectorsPerTarget: 2 })).to.throw(
        RangeError,
      );
    });
  });
});

describe('the draw (quanze-draw-v2)', () => {
  // The v2 worked example of docs/INSPECTIONS.md: the v1 example's seed and pools, the plan recorded under this id.
  const planEventId = '019cadc6-9afb-7d21-b83e-52c4f0a7e916';
  const input = { seed, planEventId, targetPool, inspectorPool, targetCount: 3, inspectorsPerTarget: 2, conflicts };

  it('is the version new plans record', () => {
    expect(DRAW_ALGORITHM).to.equal('quanze-draw-v2');
  });

  it('mixes the plan event id into the seed: SHA-256 of <seed>:<planEventId>', () => {
    expect(effectiveSeedV2(seed, planEventId)).to.equal('b671876008415bd1fad0f4f8928bed8f43cead77a2ab817c4b898a0517999803');
  });

  it('draws the worked example by v1’s ordering over the effective seed', () => {
    const expected = [
      { targetId: '91230100MA1F5G6H7J', inspectorIds: ['officer-03', 'officer-05'] },
      { targetId: '91230100MA1U5W6X7Y', inspectorIds: ['officer-02', 'officer-04'] },
      { targetId: '91230100MA1B2C3D4E', inspectorIds: ['officer-03', 'officer-01'] },
    ];
    expect(drawSelectionFor('quanze-draw-v2', input)).to.deep.equal(expected);
    expect(drawSelection({ ...input, seed: effectiveSeedV2(seed, planEventId) })).to.deep.equal(expected);
  });

  it('draws otherwise for another plan event id with the same seed, so a seed chosen beforehand does not fix the outcome', () => {
    const ids = (selection: ReturnType<typeof drawSelection>) => selection.map((target) => target.targetId);
    const other = drawSelectionFor('quanze-draw-v2', { ...input, planEventId: '019cadc6-9afb-7d21-b83e-52c4f0a7e917' });
    expect(ids(other)).to.not.deep.equal(ids(drawSelectionFor('quanze-draw-v2', input)));
  });

  it('keeps v1 plans on v1, whatever the plan event id', () => {
    expect(drawSelectionFor('quanze-draw-v1', input)).to.deep.equal(drawSelection(input));
  });

  it('refuses a v2 draw without the plan event id', () => {
    expect(() => drawSelectionFor('quanze-draw-v2', { ...input, planEventId: null })).to.throw(RangeError);
  });
});

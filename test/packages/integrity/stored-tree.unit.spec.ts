import { expect } from 'chai';
import {
  Frontier,
  MemoryTree,
  consistencyProof,
  inclusionProof,
  planConsistency,
  planInclusion,
  planRoot,
  rootFrom,
  toHex,
  verifyConsistency,
  verifyInclusion,
  type NodeId,
  type NodeSource,
} from '@quanze/integrity';
import { naiveConsistency, naiveLeaf, naivePath, naiveRoot, uniformTree } from './naive-tree.js';

/** A small seeded generator (mulberry32), so that a failing case can be replayed from its seed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const leavesOf = (count: number, salt = 'q'): Uint8Array[] =>
  Array.from({ length: count }, (_, i) => naiveLeaf(new TextEncoder().encode(`${salt}-${i}`)));

/** Records every node asked for and checks that it is a complete subtree of the tree being proven. */
function recording(source: NodeSource, size: number) {
  const asked: NodeId[] = [];
  return {
    asked,
    source: {
      hashes(nodes: readonly NodeId[]) {
        for (const node of nodes) {
          expect((node.index + 1) * 2 ** node.level, `node ${node.level}/${node.index} lies inside ${size}`).to.be.at.most(size);
        }
        asked.push(...nodes);
        return source.hashes(nodes);
      },
    } satisfies NodeSource,
  };
}

const log2ceil = (n: number): number => Math.ceil(Math.log2(Math.max(n, 1)));

describe('proofs from stored nodes', function () {
  describe('against the RFC recursion recomputed from all leaves', function () {
    const seed = 20261125;
    const next = random(seed);
    const leaves = leavesOf(300);
    const tree = MemoryTree.of(leaves);

    it(`agree on roots at every size from 0 to 300`, function () {
      for (let size = 0; size <= leaves.length; size++) {
        expect(toHex(rootFrom(tree, size)), `size ${size}`).to.equal(toHex(naiveRoot(leaves.slice(0, size))));
      }
    });

    it(`agree on inclusion proofs for 400 random sizes and indexes (seed ${seed})`, function () {
      for (let round = 0; round < 400; round++) {
        const size = 1 + Math.floor(next() * leaves.length);
        const index = Math.floor(next() * size);
        const prefix = leaves.slice(0, size);
        const { source, asked } = recording(tree, size);
        const proof = inclusionProof(source, index, size);
        expect(proof.map(toHex), `${index} in ${size}`).to.deep.equal(naivePath(index, prefix).map(toHex));
        expect(asked.length, `reads for ${index} in ${size}`).to.be.at.most(2 * log2ceil(size));
        verifyInclusion(index, size, prefix[index] as Uint8Array, proof, naiveRoot(prefix));
      }
    });

    it(`agree on consistency proofs for 400 random pairs of sizes (seed ${seed})`, function () {
      for (let round = 0; round < 400; round++) {
        const second = 1 + Math.floor(next() * leaves.length);
        const first = Math.floor(next() * (second + 1));
        const { source, asked } = recording(tree, second);
        const proof = consistencyProof(source, first, second);
        expect(proof.map(toHex), `${first} → ${second}`).to.deep.equal(naiveConsistency(first, leaves.slice(0, second)).map(toHex));
        expect(asked.length, `reads for ${first} → ${second}`).to.be.at.most(2 * log2ceil(second) + 1);
        verifyConsistency(first, second, naiveRoot(leaves.slice(0, first)), naiveRoot(leaves.slice(0, second)), proof);
      }
    });
  });

  for (const size of [1, 2, 3, 7, 8, 1000]) {
    describe(`in a log of ${size} leaves`, function () {
      const leaves = leavesOf(size, `log-${size}`);
      const tree = MemoryTree.of(leaves);
      const root = naiveRoot(leaves);

      it('prove every leaf, each proof as the RFC recursion gives it', function () {
        for (let index = 0; index < size; index++) {
          const proof = inclusionProof(tree, index, size);
          // Recomputing the RFC path costs O(n) per leaf; at 1,000 leaves every 37th is enough to compare.
          if (size < 1000 || index % 37 === 0) expect(proof.map(toHex)).to.deep.equal(naivePath(index, leaves).map(toHex));
          verifyInclusion(index, size, leaves[index] as Uint8Array, proof, root);
        }
      });

      it('prove every earlier size consistent with this one', function () {
        for (let first = 0; first <= size; first++) {
          const proof = consistencyProof(tree, first, size);
          const sampled = size < 1000 || first % 37 === 0;
          if (sampled) expect(proof.map(toHex)).to.deep.equal(naiveConsistency(first, leaves).map(toHex));
          // Stored roots were compared with the recursion at every size up to 300 above; here they save O(n) per size.
          const firstRoot = sampled ? naiveRoot(leaves.slice(0, first)) : rootFrom(tree, first);
          verifyConsistency(first, size, firstRoot, root, proof);
        }
      });
    });
  }

  describe('far beyond 2^32 leaves, checked sparsely (a log whose leaves are all one hash)', function () {
    const leaf = naiveLeaf(new TextEncoder().encode('same'));
    const uniform = uniformTree(leaf);
    /** A complete subtree of 2^k equal leaves has the same hash wherever it stands. */
    const source: NodeSource = { hashes: (nodes) => nodes.map((node) => uniform.root(2 ** node.level)) };
    const sizes = [3_000_001, 2 ** 32 + 1, 2 ** 40 + 12_345, Number.MAX_SAFE_INTEGER];

    for (const size of sizes) {
      it(`gives and verifies roots, inclusion and consistency proofs at ${size} leaves`, function () {
        expect(toHex(rootFrom(source, size))).to.equal(toHex(uniform.root(size)));
        expect(planRoot(size).nodes.length).to.be.at.most(log2ceil(size) + 1);
        for (const index of [0, 1, Math.floor(size / 3), size - 2, size - 1]) {
          const proof = inclusionProof(source, index, size);
          expect(proof.map(toHex), `leaf ${index}`).to.deep.equal(uniform.path(index, size).map(toHex));
          expect(planInclusion(index, size).nodes.length).to.be.at.most(2 * log2ceil(size));
          verifyInclusion(index, size, leaf, proof, uniform.root(size));
        }
        for (const first of [1, 2 ** 20, Math.floor(size / 2) + 1, size - 1]) {
          const proof = consistencyProof(source, first, size);
          expect(proof.map(toHex), `from ${first}`).to.deep.equal(uniform.consistency(first, size).map(toHex));
          expect(planConsistency(first, size).nodes.length).to.be.at.most(2 * log2ceil(size) + 1);
          verifyConsistency(first, size, uniform.root(first), uniform.root(size), proof);
        }
      });
    }
  });
});

describe('the stored nodes a proof reads', function () {
  // transparency-dev/merkle, proof/proof_test.go (TestInclusion, TestConsistency): which stored nodes (level, index)
  // the reference implementation reads for each proof. It lists them in its own order, so sets are compared.
  type Ids = [number, number][];
  const inclusion: [number, number, Ids][] = [
    [1, 0, []],
    [2, 0, [[0, 1]]],
    [2, 1, [[0, 0]]],
    [3, 1, [[0, 0], [0, 2]]],
    [7, 0, [[0, 1], [1, 1], [0, 6], [1, 2]]],
    [7, 1, [[0, 0], [1, 1], [0, 6], [1, 2]]],
    [7, 2, [[0, 3], [1, 0], [0, 6], [1, 2]]],
    [7, 3, [[0, 2], [1, 0], [0, 6], [1, 2]]],
    [7, 4, [[0, 5], [0, 6], [2, 0]]],
    [7, 5, [[0, 4], [0, 6], [2, 0]]],
    [7, 6, [[1, 2], [2, 0]]],
    [4, 2, [[0, 3], [1, 0]]],
    [5, 3, [[0, 2], [1, 0], [0, 4]]],
    [6, 3, [[0, 2], [1, 0], [1, 2]]],
    [6, 4, [[0, 5], [2, 0]]],
    [15, 10, [[0, 11], [1, 4], [0, 14], [1, 6], [3, 0]]],
    [31, 24, [[0, 25], [1, 13], [0, 30], [1, 14], [3, 2], [4, 0]]],
    [95, 81, [[0, 80], [1, 41], [2, 21], [0, 94], [1, 46], [2, 22], [4, 4], [6, 0]]],
  ];
  const consistency: [number, number, Ids][] = [
    [1, 2, [[0, 1]]],
    [1, 4, [[0, 1], [1, 1]]],
    [1, 6, [[0, 1], [1, 1], [1, 2]]],
    [2, 3, [[0, 2]]],
    [2, 8, [[1, 1], [2, 1]]],
    [3, 7, [[0, 2], [0, 3], [1, 0], [0, 6], [1, 2]]],
    [4, 7, [[0, 6], [1, 2]]],
    [5, 7, [[0, 4], [0, 5], [0, 6], [2, 0]]],
    [6, 7, [[1, 2], [0, 6], [2, 0]]],
    [7, 8, [[0, 6], [0, 7], [1, 2], [2, 0]]],
    [1, 1, []],
    [8, 8, []],
    [2, 4, [[1, 1]]],
    [3, 5, [[0, 2], [0, 3], [1, 0], [0, 4]]],
    [3, 6, [[0, 2], [0, 3], [1, 0], [1, 2]]],
    [4, 6, [[1, 2]]],
    [1, 7, [[0, 1], [1, 1], [0, 6], [1, 2]]],
    [10, 15, [[1, 4], [1, 5], [0, 14], [1, 6], [3, 0]]],
    [24, 31, [[3, 2], [0, 30], [1, 14], [2, 6], [4, 0]]],
    [81, 95, [[0, 80], [0, 81], [1, 41], [2, 21], [0, 94], [1, 46], [2, 22], [4, 4], [6, 0]]],
  ];
  const sorted = (ids: readonly NodeId[]): string[] => ids.map(({ level, index }) => `${level}/${index}`).sort();
  const reference = (ids: Ids): string[] => sorted(ids.map(([level, index]) => ({ level, index })));

  for (const [size, index, expected] of inclusion) {
    it(`for leaf ${index} in ${size}: the same as the reference`, function () {
      expect(sorted(planInclusion(index, size).nodes)).to.deep.equal(reference(expected));
    });
  }
  for (const [first, second, expected] of consistency) {
    it(`from ${first} to ${second}: the same as the reference`, function () {
      expect(sorted(planConsistency(first, second).nodes)).to.deep.equal(reference(expected));
    });
  }
});

describe('the frontier', function () {
  const leaves = leavesOf(130, 'frontier');

  it('has the root of the leaves so far after every append, from the empty root on', function () {
    const frontier = Frontier.empty();
    expect(toHex(frontier.root())).to.equal(toHex(naiveRoot([])));
    leaves.forEach((leaf, i) => {
      frontier.append(leaf);
      expect(frontier.size).to.equal(i + 1);
      expect(toHex(frontier.root()), `after ${i + 1}`).to.equal(toHex(naiveRoot(leaves.slice(0, i + 1))));
    });
  });

  it('holds one subtree per set bit of the size, largest first', function () {
    const frontier = Frontier.empty();
    leaves.slice(0, 13).forEach((leaf) => frontier.append(leaf));
    expect(frontier.nodes.map(({ level, index }) => [level, index])).to.deep.equal([
      [3, 0],
      [2, 2],
      [0, 12],
    ]);
  });

  it('returns each complete subtree the moment it is completed, the leaf first', function () {
    const frontier = Frontier.empty();
    const completed = leaves.slice(0, 8).map((leaf) => frontier.append(leaf).map(({ level, index }) => `${level}/${index}`));
    expect(completed).to.deep.equal([['0/0'], ['0/1', '1/0'], ['0/2'], ['0/3', '1/1', '2/0'], ['0/4'], ['0/5', '1/2'], ['0/6'], ['0/7', '1/3', '2/1', '3/0']]);
    const all = Frontier.empty();
    const stored = leaves.slice(0, 128).flatMap((leaf) => all.append(leaf));
    expect(stored).to.have.length(255);
    expect(toHex((stored.at(-1) as { hash: Uint8Array }).hash)).to.equal(toHex(naiveRoot(leaves.slice(0, 128))));
  });

  it('resumes from stored nodes, reading only its own, and carries on as if never stopped', function () {
    const tree = MemoryTree.of(leaves);
    for (const size of [0, 1, 64, 100, 129]) {
      const { source, asked } = recording(tree, size);
      const resumed = Frontier.restore(source, size);
      expect(asked.length).to.equal(resumed.nodes.length);
      for (const leaf of leaves.slice(size)) resumed.append(leaf);
      expect(toHex(resumed.root()), `resumed at ${size}`).to.equal(toHex(tree.root()));
    }
  });

  it('refuses a leaf hash that is not 32 bytes', function () {
    expect(() => Frontier.empty().append(new Uint8Array(31))).to.throw('32 bytes');
  });
});

describe('the in-memory node store', function () {
  it('refuses a subtree that is not complete yet, so no proof can be built on half a subtree', function () {
    const tree = MemoryTree.of(leavesOf(5));
    expect(() => tree.hashes([{ level: 1, index: 2 }])).to.throw('no complete subtree at level 1, index 2');
    expect(() => tree.hashes([{ level: 3, index: 0 }])).to.throw('no complete subtree');
  });
});

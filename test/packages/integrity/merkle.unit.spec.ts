import { expect } from 'chai';
import {
  EMPTY_ROOT,
  InvalidProof,
  MemoryTree,
  consistencyProof,
  inclusionProof,
  leafHash,
  nodeHash,
  rootFrom,
  rootFromInclusionProof,
  toHex,
  verifyConsistency,
  verifyInclusion,
} from '@quanze/integrity';
import { CONSISTENCY, EMPTY_TREE_ROOT, HASHER, INCLUSION, LEAVES, ROOTS } from './rfc9162-vectors.js';

const hex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'hex'));
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const leafHashes = LEAVES.map((leaf) => leafHash(hex(leaf)));
const tree = MemoryTree.of(leafHashes);
const rootAt = (size: number): Uint8Array => hex(ROOTS[size - 1] as string);
const SOME_HASH = hex('abacaba000000000000000000000000000000000000000000060061e00123456');

describe('the RFC 9162 Merkle tree (known answers from transparency-dev/merkle)', function () {
  describe('hashing', function () {
    it('hashes the empty tree as SHA-256 of nothing', function () {
      expect(toHex(EMPTY_ROOT)).to.equal(EMPTY_TREE_ROOT);
      expect(toHex(rootFrom(tree, 0))).to.equal(EMPTY_TREE_ROOT);
    });

    it('hashes a leaf as SHA-256(0x00 ‖ entry), so an empty leaf is not the empty tree', function () {
      expect(toHex(leafHash(new Uint8Array()))).to.equal(HASHER.emptyLeaf);
      expect(toHex(leafHash(utf8('L123456')))).to.equal(HASHER.leaf);
    });

    it('hashes a node as SHA-256(0x01 ‖ left ‖ right)', function () {
      expect(toHex(nodeHash(utf8('N123'), utf8('N456')))).to.equal(HASHER.node);
    });
  });

  describe('tree heads', function () {
    for (let size = 1; size <= 8; size++) {
      it(`gives the reference root for ${size} leaves`, function () {
        expect(toHex(rootFrom(tree, size))).to.equal(ROOTS[size - 1]);
        expect(toHex(MemoryTree.of(leafHashes.slice(0, size)).root())).to.equal(ROOTS[size - 1]);
      });
    }
  });

  describe('inclusion proofs', function () {
    for (const { leaf, size, proof } of INCLUSION) {
      describe(`of leaf ${leaf - 1} in a tree of ${size}`, function () {
        const index = leaf - 1;
        const leafOf = leafHashes[index] as Uint8Array;
        const path = proof.map(hex);

        it('are generated from stored nodes exactly as the reference gives them', function () {
          expect(inclusionProof(tree, index, size).map(toHex)).to.deep.equal(proof);
        });

        it('verify against the reference root', function () {
          expect(() => {
            verifyInclusion(index, size, leafOf, path, rootAt(size));
          }).not.to.throw();
          expect(toHex(rootFromInclusionProof(index, size, leafOf, path))).to.equal(ROOTS[size - 1]);
        });

        it('are rejected when anything is tampered with', function () {
          for (const probe of inclusionProbes(index, size, leafOf, path, rootAt(size))) {
            expect(() => {
              verifyInclusion(probe.index, probe.size, probe.leaf, probe.proof, probe.root);
            }, probe.what).to.throw(InvalidProof);
          }
        });
      });
    }
  });

  describe('consistency proofs', function () {
    for (const { first, second, proof } of CONSISTENCY) {
      describe(`from ${first} to ${second} leaves`, function () {
        const path = proof.map(hex);

        it('are generated from stored nodes exactly as the reference gives them', function () {
          expect(consistencyProof(tree, first, second).map(toHex)).to.deep.equal(proof);
        });

        it('verify between the reference roots', function () {
          expect(() => {
            verifyConsistency(first, second, rootAt(first), rootAt(second), path);
          }).not.to.throw();
        });

        if (path.length > 0) {
          it('are rejected when anything is tampered with', function () {
            for (const probe of consistencyProbes(first, second, rootAt(first), rootAt(second), path)) {
              expect(() => {
                verifyConsistency(probe.first, probe.second, probe.firstRoot, probe.secondRoot, probe.proof);
              }, probe.what).to.throw(InvalidProof);
            }
          });
        }
      });
    }

    it('refuse a first size larger than the second, even with matching roots and an empty proof', function () {
      expect(() => {
        verifyConsistency(2, 1, rootAt(1), rootAt(1), []);
      }).to.throw(InvalidProof, 'larger than the second');
      expect(() => consistencyProof(tree, 9, 8)).to.throw('larger than the second');
    });

    it('between equal sizes are empty and require the same root', function () {
      expect(consistencyProof(tree, 5, 5)).to.deep.equal([]);
      expect(() => {
        verifyConsistency(5, 5, rootAt(5), rootAt(5), []);
      }).not.to.throw();
      expect(() => {
        verifyConsistency(5, 5, rootAt(5), rootAt(6), []);
      }).to.throw(InvalidProof);
      expect(() => {
        verifyConsistency(5, 5, rootAt(5), rootAt(5), [SOME_HASH]);
      }).to.throw(InvalidProof);
    });

    it('from the empty tree are empty and require the empty root', function () {
      expect(consistencyProof(tree, 0, 8)).to.deep.equal([]);
      expect(() => {
        verifyConsistency(0, 8, EMPTY_ROOT, rootAt(8), []);
      }).not.to.throw();
      expect(() => {
        verifyConsistency(0, 8, SOME_HASH, rootAt(8), []);
      }).to.throw(InvalidProof);
      expect(() => {
        verifyConsistency(0, 8, EMPTY_ROOT, rootAt(8), [EMPTY_ROOT]);
      }).to.throw(InvalidProof);
    });
  });

  describe('requests outside the tree', function () {
    it('refuse an index at or past the size, for proofs and for verification', function () {
      expect(() => inclusionProof(tree, 8, 8)).to.throw('not in a tree of 8');
      expect(() => inclusionProof(tree, 0, 0)).to.throw('not in a tree of 0');
      expect(() => rootFromInclusionProof(1, 1, leafHashes[0] as Uint8Array, [])).to.throw(InvalidProof, 'not in a tree');
      expect(() => {
        verifyInclusion(0, 0, SOME_HASH, [], EMPTY_ROOT);
      }).to.throw(InvalidProof);
    });

    it('refuse sizes that are not whole numbers from 0 to 2^53 - 1', function () {
      for (const size of [-1, 1.5, Number.NaN, 2 ** 53]) {
        expect(() => rootFrom(tree, size), String(size)).to.throw('whole number');
        expect(() => {
          verifyConsistency(1, size, rootAt(1), rootAt(1), []);
        }, String(size)).to.throw(InvalidProof);
      }
    });

    it('refuse a leaf or root hash that is not 32 bytes', function () {
      const leaf = leafHashes[0] as Uint8Array;
      expect(() => {
        verifyInclusion(0, 1, leaf, [], new Uint8Array());
      }).to.throw(InvalidProof, '0 bytes');
      expect(() => {
        verifyInclusion(0, 1, new Uint8Array(), [], leaf);
      }).to.throw(InvalidProof, '0 bytes');
    });
  });
});

interface InclusionProbe {
  what: string;
  index: number;
  size: number;
  leaf: Uint8Array;
  proof: Uint8Array[];
  root: Uint8Array;
}

/** The corruptions of transparency-dev/merkle's corruptInclusionProof, each of which must be caught. */
function inclusionProbes(index: number, size: number, leaf: Uint8Array, proof: Uint8Array[], root: Uint8Array): InclusionProbe[] {
  const probe = (what: string, change: Partial<InclusionProbe>): InclusionProbe => ({ what, index, size, leaf, proof, root, ...change });
  const probes = [
    probe('index - 1', { index: index - 1 }),
    probe('index + 1', { index: index + 1 }),
    probe('index ^ 2', { index: index ^ 2 }),
    probe('size * 2', { size: size * 2 }),
    probe('size / 2', { size: Math.floor(size / 2) }),
    probe('wrong leaf', { leaf: utf8('WrongLeaf') }),
    probe('another leaf', { leaf: leafHash(utf8('another')) }),
    probe('empty root', { root: EMPTY_ROOT }),
    probe('random root', { root: SOME_HASH }),
    probe('trailing garbage', { proof: [...proof, new Uint8Array()] }),
    probe('trailing root', { proof: [...proof, root] }),
    probe('preceding garbage', { proof: [new Uint8Array(), ...proof] }),
    probe('preceding root', { proof: [root, ...proof] }),
  ];
  proof.forEach((_, i) => {
    probes.push(probe(`proof[${i}] with one bit flipped`, { proof: proof.map((hash, j) => (j === i ? flipBit(hash) : hash)) }));
  });
  if (proof.length > 0) probes.push(probe('removed component', { proof: proof.slice(0, -1) }));
  if (proof.length > 1) probes.push(probe('inserted component', { proof: [proof[0] as Uint8Array, SOME_HASH, ...proof.slice(1)] }));
  return probes;
}

interface ConsistencyProbe {
  what: string;
  first: number;
  second: number;
  firstRoot: Uint8Array;
  secondRoot: Uint8Array;
  proof: Uint8Array[];
}

/** The corruptions of transparency-dev/merkle's corruptConsistencyProof. */
function consistencyProbes(
  first: number,
  second: number,
  firstRoot: Uint8Array,
  secondRoot: Uint8Array,
  proof: Uint8Array[],
): ConsistencyProbe[] {
  const probe = (what: string, change: Partial<ConsistencyProbe>): ConsistencyProbe => ({
    what,
    first,
    second,
    firstRoot,
    secondRoot,
    proof,
    ...change,
  });
  const probes = [
    probe('first - 1', { first: first - 1 }),
    probe('first + 1', { first: first + 1 }),
    probe('first ^ 2', { first: first ^ 2 }),
    probe('second * 2', { second: second * 2 }),
    probe('second / 2', { second: Math.floor(second / 2) }),
    probe('wrong first root', { firstRoot: SOME_HASH }),
    probe('wrong second root', { secondRoot: SOME_HASH }),
    probe('swapped roots', { firstRoot: secondRoot, secondRoot: firstRoot }),
    probe('empty proof', { proof: [] }),
    probe('trailing garbage', { proof: [...proof, new Uint8Array()] }),
    probe('trailing first root', { proof: [...proof, firstRoot] }),
    probe('trailing second root', { proof: [...proof, secondRoot] }),
    probe('preceding garbage', { proof: [new Uint8Array(), ...proof] }),
    probe('preceding first root', { proof: [firstRoot, ...proof] }),
    probe('preceding second root', { proof: [secondRoot, ...proof] }),
    probe('preceding proof[0]', { proof: [proof[0] as Uint8Array, ...proof] }),
    probe('truncated proof', { proof: proof.slice(0, -1) }),
  ];
  proof.forEach((_, i) => {
    probes.push(probe(`proof[${i}] with one bit flipped`, { proof: proof.map((hash, j) => (j === i ? flipBit(hash) : hash)) }));
  });
  return probes;
}

function flipBit(hash: Uint8Array): Uint8Array {
  const copy = new Uint8Array(hash);
  copy[0] = (copy[0] ?? 0) ^ 16;
  return copy;
}

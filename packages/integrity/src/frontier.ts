import { EMPTY_ROOT, HASH_SIZE, nodeHash } from './hashing.js';
import { planRoot } from './proofs.js';
import { InvalidTreeRequest, type NodeId, type NodeSource } from './tree-plan.js';

/** A complete subtree and its hash: what a sealer stores so that later proofs need no rebuild. */
export interface TreeNode extends NodeId {
  readonly hash: Uint8Array;
}

/**
 * The right edge of the log (a "compact range" over [0, size)): the roots of its complete subtrees, largest
 * first, at most one per level. Appending a leaf merges equal levels the way binary addition carries, so a log
 * of any size is integrated leaf by leaf in O(1) amortised hashing and O(log n) memory, and `root()` is MTH.
 */
export class Frontier {
  private readonly edge: TreeNode[];
  private leaves: number;

  private constructor(edge: TreeNode[], size: number) {
    this.edge = edge;
    this.leaves = size;
  }

  static empty(): Frontier {
    return new Frontier([], 0);
  }

  /** Resumes at `size` from stored nodes: reads only the log2(size) + 1 subtrees of the right edge. */
  static restore(source: NodeSource, size: number): Frontier {
    const plan = planRoot(size);
    const hashes = source.hashes(plan.nodes);
    if (hashes.length !== plan.nodes.length) {
      throw new InvalidTreeRequest(`the node source gave ${hashes.length} hashes for ${plan.nodes.length} nodes`);
    }
    const edge = plan.nodes.map((node, i) => ({ ...node, hash: hashes[i] as Uint8Array }));
    return new Frontier(edge, size);
  }

  get size(): number {
    return this.leaves;
  }

  /** The right edge as it stands, largest subtree first. */
  get nodes(): readonly TreeNode[] {
    return this.edge;
  }

  /**
   * Adds the next leaf and returns every complete subtree it completes, the leaf itself first and the largest
   * last: exactly the nodes a stored tree gains with this leaf.
   */
  append(leafHash: Uint8Array): TreeNode[] {
    if (leafHash.length !== HASH_SIZE) throw new InvalidTreeRequest(`a leaf hash has ${HASH_SIZE} bytes, not ${leafHash.length}`);
    if (this.leaves >= Number.MAX_SAFE_INTEGER) throw new InvalidTreeRequest('the log cannot grow past 2^53 - 1 leaves');
    let node: TreeNode = { level: 0, index: this.leaves, hash: leafHash };
    const completed: TreeNode[] = [node];
    for (let left = this.edge.at(-1); left !== undefined && left.level === node.level; left = this.edge.at(-1)) {
      this.edge.pop();
      node = { level: node.level + 1, index: left.index / 2, hash: nodeHash(left.hash, node.hash) };
      completed.push(node);
    }
    this.edge.push(node);
    this.leaves += 1;
    return completed;
  }

  /** MTH of the leaves so far (RFC 9162 §2.1.1): the subtrees of the edge folded from the right. */
  root(): Uint8Array {
    let root = this.edge.at(-1)?.hash;
    if (root === undefined) return new Uint8Array(EMPTY_ROOT);
    for (let i = this.edge.length - 2; i >= 0; i--) root = nodeHash((this.edge[i] as TreeNode).hash, root);
    return root;
  }
}

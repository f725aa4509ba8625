import { Frontier } from './frontier.js';
import { InvalidTreeRequest, type NodeId, type NodeSource } from './tree-plan.js';

/**
 * Every complete subtree of a log held in memory, grown by a Frontier: the reference NodeSource for tests and
 * small tools. It refuses any node that is not complete yet, so a plan that asks for one shows up at once.
 */
export class MemoryTree implements NodeSource {
  private readonly levels: Uint8Array[][] = [];
  private readonly frontier = Frontier.empty();

  static of(leafHashes: Iterable<Uint8Array>): MemoryTree {
    const tree = new MemoryTree();
    for (const leaf of leafHashes) tree.append(leaf);
    return tree;
  }

  get size(): number {
    return this.frontier.size;
  }

  append(leafHash: Uint8Array): void {
    for (const node of this.frontier.append(leafHash)) {
      const level = (this.levels[node.level] ??= []);
      level[node.index] = node.hash;
    }
  }

  root(): Uint8Array {
    return this.frontier.root();
  }

  hashes(nodes: readonly NodeId[]): Uint8Array[] {
    return nodes.map(({ level, index }) => {
      const hash = this.levels[level]?.[index];
      if (hash === undefined) {
        throw new InvalidTreeRequest(`no complete subtree at level ${level}, index ${index} in a log of ${this.size} leaves`);
      }
      return hash;
    });
  }
}

import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  MemoryTree,
  consistencyProof,
  createWitness,
  generateNoteKey,
  leafHash,
  openWitnessState,
  parseSignerKey,
  rootFrom,
  signCheckpoint,
  startWitnessServer,
  type NoteSigner,
  type Witness,
  type WitnessStateStore,
} from '@quanze/integrity';

export const COSIGNED_AT = new Date('2026-11-25T12:00:00.000Z');
export const clock = () => COSIGNED_AT;

/** A real log: leaves in a MemoryTree, checkpoints signed by its own key. */
export class TestLog {
  readonly tree = new MemoryTree();
  readonly key: { signerKey: string; verifierKey: string };
  private readonly signer: NoteSigner;

  constructor(
    readonly origin: string,
    /** Leaves of another history under the same origin differ by this tag: a fork. */
    private readonly history = 'main',
    key?: { signerKey: string; verifierKey: string },
  ) {
    this.key = key ?? generateNoteKey(origin);
    this.signer = parseSignerKey(this.key.signerKey);
  }

  grow(count: number): this {
    for (let i = 0; i < count; i++) this.tree.append(leafHash(new TextEncoder().encode(`${this.history} ${this.tree.size}`)));
    return this;
  }

  /** The signed checkpoint at `size` (default: the whole log), signed by the log's key or by `signerKey`. */
  checkpoint(size = this.tree.size, signerKey?: string): string {
    const signer = signerKey === undefined ? this.signer : parseSignerKey(signerKey);
    return signCheckpoint({ origin: this.origin, size, rootHash: rootFrom(this.tree, size) }, [signer]);
  }

  proof(from: number, to = this.tree.size): Uint8Array[] {
    return consistencyProof(this.tree, from, to);
  }

  /** Another history under the same origin and key, with other leaves: what a split view shows someone else. */
  fork(): TestLog {
    return new TestLog(this.origin, `${this.history}-fork`, this.key);
  }
}

export async function tempFolder(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'quanze-witness-'));
}

export interface TestWitness {
  readonly url: string;
  readonly witness: Witness;
  readonly store: WitnessStateStore;
  readonly statePath: string;
  close(): Promise<void>;
}

/** A witness over a state file in `folder`, on a real HTTP server on 127.0.0.1 and a free port. */
export async function startTestWitness(
  folder: string,
  logs: readonly { origin: string; verifierKeys: readonly string[] }[],
  signerKey: string,
): Promise<TestWitness> {
  const statePath = join(folder, 'witness-state.json');
  const store = openWitnessState(statePath);
  const witness = createWitness({ signerKey, logs, store, clock });
  const server = await startWitnessServer(witness, { host: '127.0.0.1', port: 0 });
  return {
    url: server.url,
    witness,
    store,
    statePath,
    async close() {
      await server.close();
      store.close();
    },
  };
}

export interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
}

export async function post(url: string, body: string | Uint8Array, path = '/add-checkpoint', method = 'POST'): Promise<Answer> {
  const response = await fetch(`${url}${path}`, { method, body: method === 'GET' ? null : body });
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text: await response.text() };
}

export function addCheckpointBody(oldSize: number, proof: readonly Uint8Array[], note: string): string {
  return [`old ${oldSize}`, ...proof.map((hash) => Buffer.from(hash).toString('base64')), '', note].join('\n');
}

import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { HASH_SIZE, fromBase64, toBase64 } from '../hashing.js';

/** What a witness remembers of one log: the latest checkpoint it cosigned. */
export interface WitnessedCheckpoint {
  readonly size: number;
  readonly rootHash: Uint8Array;
  /** The signed checkpoint as the log submitted it: the log's own signed word for this size and root. */
  readonly checkpointNote: string;
  /** When the witness cosigned it (ISO 8601). */
  readonly cosignedAt: string;
}

/**
 * The witness's memory of every log, on disk. `update` is its one transaction: it reads the current record,
 * lets `decide` check the submission against it (and refuse by throwing: then nothing is written), and makes the
 * result durable before it returns. All of it is synchronous, so no other request can run between the read and
 * the write: two submissions of the same origin are serialised by construction, and none is lost.
 */
export interface WitnessStateStore {
  readonly path: string;
  get(origin: string): WitnessedCheckpoint | undefined;
  update(origin: string, decide: (current: WitnessedCheckpoint | undefined) => WitnessedCheckpoint): WitnessedCheckpoint;
  /** Releases the lock on the state file. */
  close(): void;
}

/** Another live process holds the state file: two witnesses on one state could each cosign a different fork. */
export class WitnessStateLocked extends Error {
  readonly code = 'witness.state-locked';
  constructor(
    readonly path: string,
    readonly pid: number,
  ) {
    super(`the witness state ${path} is in use by process ${pid}`);
    this.name = 'WitnessStateLocked';
  }
}

/**
 * The state file cannot be read. Never reset it: a witness that forgets what it cosigned would cosign a fork of
 * the log — exactly what it exists to prevent.
 */
export class CorruptWitnessState extends Error {
  readonly code = 'witness.state-corrupt';
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`the witness state ${path} cannot be read: ${reason}`);
    this.name = 'CorruptWitnessState';
  }
}

const STATE_FORMAT = 'quanze-witness-state/1';

const StoredCheckpoint = z.object({
  size: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  rootHash: z.string().refine((text) => fromBase64(text)?.length === HASH_SIZE, `the root hash is base64 of ${HASH_SIZE} bytes`),
  checkpointNote: z.string(),
  cosignedAt: z.string(),
});
const StateFile = z.object({
  format: z.literal(STATE_FORMAT),
  logs: z.record(z.string(), StoredCheckpoint),
});
type StateFile = z.infer<typeof StateFile>;

/**
 * Opens (or, when it does not exist yet, starts) the state kept in the JSON file at `path`. Each update writes the
 * whole state to `<path>.next`, flushes it, renames it over `path` and flushes the folder: a crash at any moment
 * leaves either the old state or the new one, never a mixture, and a leftover `.next` file is simply overwritten.
 * `<path>.lock` names the process that has the state open; a lock left by a process that is gone is taken over.
 */
export function openWitnessState(path: string): WitnessStateStore {
  const lockPath = `${path}.lock`;
  takeLock(lockPath, path);
  try {
    read(path);
  } catch (error) {
    unlinkSync(lockPath);
    throw error;
  }
  let open = true;
  const requireOpen = () => {
    if (!open) throw new Error(`the witness state ${path} is closed`);
  };
  return {
    path,
    get(origin) {
      requireOpen();
      const stored = read(path).logs[origin];
      return stored === undefined ? undefined : fromStored(stored);
    },
    update(origin, decide) {
      requireOpen();
      const state = read(path);
      const stored = state.logs[origin];
      const next = decide(stored === undefined ? undefined : fromStored(stored));
      write(path, { ...state, logs: { ...state.logs, [origin]: toStored(next) } });
      return next;
    },
    close() {
      if (!open) return;
      open = false;
      unlinkSync(lockPath);
    },
  };
}

function read(path: string): StateFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return { format: STATE_FORMAT, logs: {} };
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CorruptWitnessState(path, error instanceof Error ? error.message : String(error));
  }
  const parsed = StateFile.safeParse(json);
  if (!parsed.success) {
    throw new CorruptWitnessState(path, parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
  }
  return parsed.data;
}

function write(path: string, state: StateFile): void {
  const next = `${path}.next`;
  const fd = openSync(next, 'w', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(state, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(next, path);
  // The rename is durable only once the folder's entry is.
  const folder = openSync(dirname(path), 'r');
  try {
    fsyncSync(folder);
  } finally {
    closeSync(folder);
  }
}

function takeLock(lockPath: string, statePath: string): void {
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx', 0o600);
      try {
        writeSync(fd, `${process.pid}\n`);
      } finally {
        closeSync(fd);
      }
      return;
    } catch (error) {
      if (!isErrno(error, 'EEXIST') || attempt > 0) throw error;
    }
    const pid = Number.parseInt(readFileSync(lockPath, 'utf8'), 10);
    if (Number.isSafeInteger(pid) && pid > 0 && isAlive(pid)) throw new WitnessStateLocked(statePath, pid);
    unlinkSync(lockPath);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return !isErrno(error, 'ESRCH');
  }
}

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}

function fromStored(stored: z.infer<typeof StoredCheckpoint>): WitnessedCheckpoint {
  return { ...stored, rootHash: fromBase64(stored.rootHash) as Uint8Array };
}

function toStored(checkpoint: WitnessedCheckpoint): z.infer<typeof StoredCheckpoint> {
  return {
    size: checkpoint.size,
    rootHash: toBase64(checkpoint.rootHash),
    checkpointNote: checkpoint.checkpointNote,
    cosignedAt: checkpoint.cosignedAt,
  };
}

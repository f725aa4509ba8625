import { fromBase64 } from './hashing.js';
import { storedConsistencyProof, type IntegrityStore, type StoredCheckpoint } from './integrity-store.js';
import { SignatureType, parseVerifierKey, type NoteVerifier } from './note-keys.js';
import { WitnessRefused, WitnessStale, submitToWitness } from './witness/client.js';

/** A witness the log submits its checkpoints to: where it listens, and the key its cosignatures verify with. */
export interface ConfiguredWitness {
  /** Its submission prefix; `/add-checkpoint` is added. */
  readonly url: string;
  /** Its verifier key (type 0x04). */
  readonly verifierKey: string;
}

/** What happened with one witness, for the log: a cosignature kept, or a failure and when it is tried again. */
export type WitnessReport =
  | {
      readonly kind: 'cosigned';
      readonly url: string;
      readonly checkpointId: number;
      readonly size: number;
      /** Distinct configured witnesses whose cosignature the checkpoint now carries. */
      readonly cosigners: number;
      readonly quorum: number;
    }
  | {
      readonly kind: 'failed';
      readonly url: string;
      readonly checkpointId: number;
      readonly size: number;
      /** True when the witness refused for good (WitnessRefused, or it knows a larger tree): evidence, not an outage. */
      readonly refused: boolean;
      readonly error: Error;
      readonly retryInMs: number;
    };

/**
 * Where one witness stands, for operators: `cosigned` when its last answer was a cosignature, `unreachable` when the
 * last submission failed without its verdict (down, a timeout, a network fault: retried), `refused` when it refused
 * (evidence that it may have been shown another history of this log), `waiting` before its first answer.
 */
export interface WitnessStatus {
  readonly url: string;
  readonly verifierKey: string;
  readonly state: 'waiting' | 'cosigned' | 'unreachable' | 'refused';
  readonly lastCosigned: { readonly checkpointId: number; readonly size: number; readonly at: string } | null;
  readonly lastFailure: {
    readonly checkpointId: number;
    readonly size: number;
    readonly at: string;
    readonly refused: boolean;
    readonly message: string;
    readonly retryAt: string;
  } | null;
}

export interface WitnessSubmitterOptions {
  readonly integrity: IntegrityStore;
  readonly witnesses: readonly ConfiguredWitness[];
  /** How many witnesses a checkpoint should carry (reported, never waited for). */
  readonly quorum: number;
  /** First wait after a failure; doubled per failure in a row up to `maxRetryMs`, with jitter. */
  readonly minRetryMs?: number;
  readonly maxRetryMs?: number;
  /** How long one submission may take before it counts as a failure. */
  readonly requestTimeoutMs?: number;
  readonly fetch?: typeof fetch;
  readonly onReport?: (report: WitnessReport) => void;
  readonly clock?: () => Date;
}

export interface WitnessSubmitter {
  /** Submits the latest checkpoint to every witness that has not cosigned it, then each new one, in the background. */
  start(): void;
  /** A new checkpoint was stored: witnesses that are waiting submit it now (those backing off keep their wait). */
  checkpointAdded(): void;
  /** Each witness's last answer, in the order configured (held in memory: it starts as `waiting` on each start). */
  status(): WitnessStatus[];
  /** Stops every submission (one in flight is aborted; what a witness answered before is kept). */
  stop(): Promise<void>;
}

/** Whether `line` is a signature line of `key`: its name, and its key ID in the first 4 bytes. */
function isLineOf(line: string, key: NoteVerifier): boolean {
  const prefix = `— ${key.name} `;
  if (!line.startsWith(prefix)) return false;
  const bytes = fromBase64(line.slice(prefix.length));
  if (bytes === undefined || bytes.length < 4) return false;
  return ((bytes[0] ?? 0) << 24 | (bytes[1] ?? 0) << 16 | (bytes[2] ?? 0) << 8 | (bytes[3] ?? 0)) >>> 0 === key.keyId;
}

/**
 * Submits the log's checkpoints to its witnesses (C2SP tlog-witness) and keeps their cosignatures with each
 * checkpoint in the integrity store. Each witness is followed on its own, in the background: a witness that is down
 * never holds up sealing, appends or the other witnesses; it is retried with exponential backoff and jitter, and
 * then given the latest checkpoint (a witness needs no checkpoint in between: a consistency proof spans any
 * distance). The old size starts at what the store says the witness last cosigned, and follows what the witness
 * answers: a 409 with its size is asked again with a consistency proof from that size, read from the stored nodes.
 */
export function createWitnessSubmitter(options: WitnessSubmitterOptions): WitnessSubmitter {
  const { integrity } = options;
  const minRetryMs = options.minRetryMs ?? 1_000;
  const maxRetryMs = options.maxRetryMs ?? 300_000;
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  const clock = options.clock ?? (() => new Date());
  const witnesses = options.witnesses.map((configured) => {
    const key = parseVerifierKey(configured.verifierKey);
    if (key.type !== SignatureType.cosignatureV1) throw new TypeError(`the witness key of ${configured.url} is not a cosignature key (type 0x04)`);
    return { ...configured, key };
  });
  const stopping = new AbortController();
  // A function, not the flag itself: it changes under the loops that read it.
  const stopped = () => stopping.signal.aborted;
  let wakers: (() => void)[] = [];
  // Counts checkpointAdded calls, so that one made while a witness was busy is not missed when it then waits.
  let added = 0;
  let loops: Promise<void>[] = [];
  const statuses = new Map<string, WitnessStatus>(
    witnesses.map((witness) => [witness.url, { url: witness.url, verifierKey: witness.verifierKey, state: 'waiting', lastCosigned: null, lastFailure: null }]),
  );

  /** Keeps the witness's status and passes the report on. */
  function report(witnessReport: WitnessReport): void {
    const before = statuses.get(witnessReport.url);
    // Checkpoint 0 is the integrity store failing, not the witness: it is reported, and says nothing of the witness.
    const aboutTheWitness = witnessReport.kind === 'cosigned' || witnessReport.checkpointId !== 0;
    if (before !== undefined && aboutTheWitness) {
      const now = clock();
      statuses.set(
        witnessReport.url,
        witnessReport.kind === 'cosigned'
          ? { ...before, state: 'cosigned', lastCosigned: { checkpointId: witnessReport.checkpointId, size: witnessReport.size, at: now.toISOString() } }
          : {
              ...before,
              state: witnessReport.refused ? 'refused' : 'unreachable',
              lastFailure: {
                checkpointId: witnessReport.checkpointId,
                size: witnessReport.size,
                at: now.toISOString(),
                refused: witnessReport.refused,
                message: witnessReport.error.message,
                retryAt: new Date(now.getTime() + witnessReport.retryInMs).toISOString(),
              },
            },
      );
    }
    options.onReport?.(witnessReport);
  }

  const cosignerCount = (checkpoint: StoredCheckpoint) =>
    witnesses.filter((witness) => checkpoint.cosignatures.some((line) => isLineOf(line, witness.key))).length;

  /** Resolves after `ms`, or on `stop`. */
  function pause(ms: number): Promise<void> {
    return waitFor(ms, null);
  }

  /** Resolves on a `checkpointAdded` after the `seen`-th, or on `stop`. */
  function nextCheckpoint(seen: number): Promise<void> {
    return waitFor(undefined, seen);
  }

  function waitFor(ms: number | undefined, seen: number | null): Promise<void> {
    if (stopped() || (seen !== null && added !== seen)) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = ms === undefined ? null : setTimeout(done, ms);
      timer?.unref();
      function done() {
        if (timer !== null) clearTimeout(timer);
        stopping.signal.removeEventListener('abort', done);
        resolve();
      }
      stopping.signal.addEventListener('abort', done);
      if (ms === undefined) wakers.push(done);
    });
  }

  async function follow(witness: (typeof witnesses)[number]): Promise<void> {
    let oldSize = await integrity.lastCosignedSize(witness.verifierKey);
    let failures = 0;
    let staleInARow = 0;
    while (!stopped()) {
      const seen = added;
      const latest = await integrity.latestCheckpoint();
      if (latest === null || latest.cosignatures.some((line) => isLineOf(line, witness.key))) {
        await nextCheckpoint(seen);
        continue;
      }
      try {
        // The witness can only be behind the log; a remembered size past this checkpoint means the store was replaced.
        if (oldSize > latest.size) oldSize = 0;
        const lines = await submitToWitness({
          url: witness.url,
          witnessKey: witness.verifierKey,
          checkpointNote: latest.note,
          oldSize,
          consistencyProof: await storedConsistencyProof(integrity, oldSize, latest.size),
          signal: AbortSignal.any([stopping.signal, AbortSignal.timeout(requestTimeoutMs)]),
          ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
        });
        await integrity.addCosignatures(latest.id, witness.verifierKey, lines);
        oldSize = latest.size;
        failures = 0;
        staleInARow = 0;
        // Read again: the other witnesses may have added theirs meanwhile.
        const [kept] = await integrity.checkpoints({ beforeId: latest.id + 1, limit: 1 });
        report({
          kind: 'cosigned',
          url: witness.url,
          checkpointId: latest.id,
          size: latest.size,
          cosigners: cosignerCount(kept ?? latest),
          quorum: options.quorum,
        });
      } catch (error) {
        if (stopped()) return;
        // Its size, once, is the usual first contact; a size this log never had, or the same answer again, is not.
        if (error instanceof WitnessStale && error.witnessSize <= latest.size && staleInARow === 0) {
          oldSize = error.witnessSize;
          staleInARow += 1;
          continue;
        }
        staleInARow = 0;
        // Only the witness's own answer is a refusal; a failure of the store or the network is not its verdict.
        const refused = error instanceof WitnessRefused || error instanceof WitnessStale;
        const retryInMs = Math.round(Math.min(maxRetryMs, minRetryMs * 2 ** Math.min(failures, 30)) * (0.5 + Math.random() / 2));
        failures += 1;
        report({
          kind: 'failed',
          url: witness.url,
          checkpointId: latest.id,
          size: latest.size,
          refused,
          error: error instanceof Error ? error : new Error(String(error)),
          retryInMs,
        });
        await pause(retryInMs);
      }
    }
  }

  return {
    start() {
      loops = witnesses.map(async (witness) => {
        while (!stopped()) {
          try {
            await follow(witness);
          } catch (error) {
            // The integrity store failed (a witness's failures are handled in `follow`): try again a little later.
            const retryInMs = Math.min(maxRetryMs, minRetryMs * 10);
            report({
              kind: 'failed',
              url: witness.url,
              checkpointId: 0,
              size: 0,
              refused: false,
              error: error instanceof Error ? error : new Error(String(error)),
              retryInMs,
            });
            await pause(retryInMs);
          }
        }
      });
    },
    status() {
      return [...statuses.values()];
    },
    checkpointAdded() {
      added += 1;
      const woken = wakers;
      wakers = [];
      for (const wake of woken) wake();
    },
    async stop() {
      stopping.abort();
      await Promise.all(loops);
    },
  };
}

/** The witnesses as operators see them: the latest checkpoint, how many configured witnesses cosigned it, each one's state. */
export interface WitnessOverview {
  readonly quorum: number;
  readonly latestCheckpoint: { readonly id: number; readonly size: number; readonly cosigners: number; readonly quorumMet: boolean } | null;
  readonly witnesses: readonly WitnessStatus[];
}

export async function witnessOverview(options: {
  readonly integrity: IntegrityStore;
  readonly witnesses: readonly ConfiguredWitness[];
  readonly quorum: number;
  readonly statuses: readonly WitnessStatus[];
}): Promise<WitnessOverview> {
  const latest = await options.integrity.latestCheckpoint();
  const keys = options.witnesses.map((witness) => parseVerifierKey(witness.verifierKey));
  const cosigners = latest === null ? 0 : keys.filter((key) => latest.cosignatures.some((line) => isLineOf(line, key))).length;
  return {
    quorum: options.quorum,
    latestCheckpoint: latest === null ? null : { id: latest.id, size: latest.size, cosigners, quorumMet: cosigners >= options.quorum },
    witnesses: options.statuses,
  };
}

/** Structured logging, pino-shaped: the fields first, then the message. */
export interface WitnessReportLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/**
 * How a process logs its witnesses: a cosignature at info, a witness that cannot be reached at warn (it is retried),
 * a refusal at error — a witness that refuses a validly signed checkpoint has seen another history of this log.
 */
export function logWitnessReport(logger: WitnessReportLogger): (report: WitnessReport) => void {
  return (report) => {
    if (report.kind === 'cosigned') {
      const fields = { witness: report.url, checkpointId: report.checkpointId, size: report.size, cosigners: report.cosigners, quorum: report.quorum };
      logger.info(fields, report.cosigners >= report.quorum ? 'a witness cosigned the checkpoint; the quorum is met' : 'a witness cosigned the checkpoint');
      return;
    }
    const fields = { witness: report.url, checkpointId: report.checkpointId, size: report.size, retryInMs: report.retryInMs, err: report.error };
    if (report.refused) logger.error(fields, 'a witness refused the checkpoint: it may have been shown another history of this log');
    else logger.warn(fields, 'a witness did not cosign the checkpoint; retrying');
  };
}

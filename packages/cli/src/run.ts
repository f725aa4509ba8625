import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  INTEGRITY_FILE_NAME,
  InvalidWitnessConfig,
  QuorumNotMet,
  SignatureType,
  WITNESS_USAGE,
  cosignedNote,
  generateNoteKey,
  parseVerifierKey,
  runWitness,
  verifyCosigned,
  verifyLog,
  type IntegrityStore,
  type LogProblem,
  type NoteVerifier,
} from '@quanze/integrity';
import { SQLITE_FILE_NAME } from '@quanze/eventstore';
import { CannotExport, exportCase, verifyBundle, type WitnessRequirement } from './bundle.js';
import { UsageError, locate, openStores, requireLedger, trustedKeys } from './stores.js';

export interface Io {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

/** 0: intact / valid / done; 1: the ledger or the bundle does not check out, or the case cannot be exported; 2: usage. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

const HELP = `quanze — the Quanze (权责) ledger's tamper evidence

Usage:
  quanze verify [--data <folder>] [--store <url>] [--key <verifier key>]... [--witness <key>... [--quorum N]] [--no-progress]
      Recompute every event's content hash and the whole Merkle tree from the store, and compare them with the
      sealed tree and every signed checkpoint. Exit 0 only when everything is intact; otherwise the first bad
      position or checkpoint is named (exit 1). With --witness, the latest checkpoint must also be cosigned by
      --quorum of those witnesses (default: all of them).
  quanze export-case <caseId> [--data <folder>] [--store <url>] [--checkpoint-size <n>] [--out <file>]
      Write a self-contained bundle for a court: the case's events as recorded, each event's C2SP tlog-proof
      against one signed checkpoint (the latest, or the one of size n that a transfer names: the case's events up
      to it), the checkpoint with its witness cosignatures and the verifier key (stdout unless --out).
  quanze verify-bundle <file> --key <verifier key> [--witness <key>... [--quorum N]]
      Offline, without any database: are these events exactly what the ledger recorded? With --witness, the
      bundle's checkpoint must be cosigned by --quorum of those witnesses (default: all). (exit 0 valid, 1 not)
  quanze log-key --origin <origin> --out <file>
      Generate a new log signing key (for a key rotation, docs/INTEGRITY.md); prints its verifier key.
  quanze witness --key <file> --state <file> --log <origin>=<verifier key> [--log …] [--listen host:port] …
      Run a C2SP tlog-witness that cosigns the checkpoints of the logs it follows (quanze witness --help).

The data folder defaults to QUANZE_DATA or ./data, the store to QUANZE_STORE_URL or sqlite:<data folder>; the keys
to trust to --key, else <data>/keys/log-verifier-keys.txt.
`;

const COMMON = {
  data: { type: 'string' },
  store: { type: 'string' },
  key: { type: 'string', multiple: true },
  out: { type: 'string' },
  origin: { type: 'string' },
  witness: { type: 'string', multiple: true },
  quorum: { type: 'string' },
  'checkpoint-size': { type: 'string' },
  'no-progress': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function run(argv: readonly string[], io: Io): Promise<number> {
  // The witness has its own flags (packages/integrity/src/witness): everything after `witness` is its own.
  if (argv[0] === 'witness') return witness(argv.slice(1), io);
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: COMMON, allowPositionals: true, strict: true });
  } catch (error) {
    io.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${HELP}`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help === true || command === undefined || command === 'help') {
    (command === undefined && values.help !== true ? io.stderr : io.stdout).write(HELP);
    return command === undefined && values.help !== true ? EXIT.usage : EXIT.ok;
  }
  try {
    switch (command) {
      case 'verify':
        expectPositionals(command, rest, 0);
        return await verify(values, io);
      case 'export-case':
        expectPositionals(command, rest, 1);
        return await exportCaseCommand(rest[0] as string, values, io);
      case 'verify-bundle':
        expectPositionals(command, rest, 1);
        return await verifyBundleCommand(rest[0] as string, values, io);
      case 'log-key':
        expectPositionals(command, rest, 0);
        return await logKey(values, io);
      default:
        throw new UsageError(`unknown command ${command}`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`quanze ${command}: ${error.message}\n`);
      return EXIT.usage;
    }
    if (error instanceof CannotExport) {
      io.stderr.write(`quanze ${command}: ${error.message}\n`);
      return EXIT.failed;
    }
    throw error;
  }
}

function expectPositionals(command: string, rest: readonly string[], count: number): void {
  if (rest.length !== count) throw new UsageError(`${command} takes ${count === 0 ? 'no arguments' : `${count} argument`}, got ${rest.length}; see quanze --help`);
}

type Values = {
  data?: string;
  store?: string;
  key?: string[];
  out?: string;
  origin?: string;
  witness?: string[];
  quorum?: string;
  'checkpoint-size'?: string;
  'no-progress'?: boolean;
};

/** `--witness <key>…` and `--quorum N` (default: every witness given), or null when no witness is required. */
function witnessRequirement(values: Values): WitnessRequirement | null {
  const witnesses = values.witness ?? [];
  if (witnesses.length === 0) {
    if (values.quorum !== undefined) throw new UsageError('--quorum needs the witnesses it counts: give each with --witness <verifier key>');
    return null;
  }
  for (const key of witnesses) {
    let type: number;
    try {
      type = parseVerifierKey(key).type;
    } catch (error) {
      throw new UsageError(`--witness ${key}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (type !== SignatureType.cosignatureV1) throw new UsageError(`--witness ${key}: not a witness key (a cosignature key, type 0x04, as quanze witness prints it)`);
  }
  const distinct = new Set(witnesses).size;
  const quorum = values.quorum === undefined ? distinct : /^(0|[1-9][0-9]*)$/.test(values.quorum) ? Number(values.quorum) : NaN;
  if (!Number.isSafeInteger(quorum) || quorum > distinct) {
    throw new UsageError(`--quorum must be a whole number from 0 to the ${distinct} witnesses given, not ${values.quorum ?? ''}`);
  }
  return { witnesses, quorum };
}

/** Whether the latest stored checkpoint, with its cosignatures, meets the requirement; the reason when it does not. */
async function witnessedLatest(integrity: IntegrityStore, verifiers: readonly NoteVerifier[], required: WitnessRequirement): Promise<{ ok: boolean; text: string }> {
  const latest = await integrity.latestCheckpoint();
  if (latest === null) return { ok: required.quorum === 0, text: 'there is no signed checkpoint for witnesses to have cosigned' };
  const which = `the latest checkpoint #${latest.id} (size ${latest.size})`;
  try {
    const { cosigners } = verifyCosigned(cosignedNote(latest), {
      logKey: verifiers.map((key) => key.verifierKey),
      witnesses: required.witnesses,
      quorum: required.quorum,
      origin: latest.note.slice(0, latest.note.indexOf('\n')),
    });
    return { ok: true, text: `${which} is cosigned by ${cosigners.length} of the trusted witnesses (quorum ${required.quorum})` };
  } catch (error) {
    if (error instanceof QuorumNotMet) {
      return {
        ok: false,
        text: `${which} is cosigned by ${error.cosigners.length} of the ${new Set(required.witnesses).size} trusted witnesses, and ${error.required} are required`,
      };
    }
    throw error;
  }
}

function describe(problem: LogProblem): string {
  switch (problem.kind) {
    case 'event':
      return `position ${problem.position}: ${problem.reason}`;
    case 'checkpoint':
      return `checkpoint #${problem.checkpointId} (size ${problem.size}): ${problem.reason}`;
    case 'node':
      return `stored subtree level ${problem.level}, index ${problem.index}: ${problem.reason}`;
  }
}

function progressBar(io: Io): ((done: number, total: number) => void) & { end(): void } {
  let last = -1;
  const draw = (done: number, total: number) => {
    const fraction = total === 0 ? 1 : Math.min(1, done / total);
    const percent = Math.floor(fraction * 100);
    if (percent === last) return;
    last = percent;
    const width = 30;
    const filled = Math.round(fraction * width);
    io.stderr.write(`\rverifying [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(percent).padStart(3)}%  ${done.toLocaleString('en')}/${total.toLocaleString('en')} events`);
  };
  return Object.assign(draw, {
    end: () => {
      if (last >= 0) io.stderr.write('\n');
    },
  });
}

async function verify(values: Values, io: Io): Promise<number> {
  const location = locate(values, io.env, io.cwd);
  requireLedger(location);
  const verifiers = await trustedKeys(values.key ?? [], location, io.env);
  const required = witnessRequirement(values);
  const stores = await openStores(location);
  const bar = values['no-progress'] === true || io.stderr.isTTY !== true ? null : progressBar(io);
  try {
    // A SQLite store's rows are read and hashed on worker threads: the same events, about twice as fast on two cores.
    const sqliteFile = location.storeUrl.startsWith('sqlite:') ? join(resolve(location.storeUrl.slice('sqlite:'.length)), SQLITE_FILE_NAME) : undefined;
    const verdict = await verifyLog({
      store: stores.store,
      integrity: stores.integrity,
      verifiers,
      ...(sqliteFile === undefined ? {} : { sqliteFile, sqliteIntegrityFile: join(location.dataFolder, INTEGRITY_FILE_NAME) }),
      ...(bar === null ? {} : { onProgress: bar }),
    });
    bar?.end();
    if (verdict.intact) {
      const witnessed = required === null ? null : await witnessedLatest(stores.integrity, verifiers, required);
      if (witnessed !== null && !witnessed.ok) {
        io.stdout.write(
          `NOT WITNESSED: ${witnessed.text}. The events and the tree are intact, but no quorum of witnesses vouches that this is the history everyone was shown.\n`,
        );
        return EXIT.failed;
      }
      io.stdout.write(
        `INTACT: ${verdict.eventsChecked} events, every content hash and the tree of ${verdict.treeSize} sealed events recomputed; ` +
          `${verdict.checkpoints} signed checkpoints match (latest size ${verdict.verifiedThrough})` +
          (verdict.unsigned > 0 ? `; ${verdict.unsigned} newer events not yet in a checkpoint` : '') +
          `${witnessed === null ? '' : `; ${witnessed.text}`}.\n`,
      );
      return EXIT.ok;
    }
    const [first, ...more] = verdict.problems;
    io.stdout.write(`TAMPERED: ${first === undefined ? 'unknown' : describe(first)}\n`);
    for (const problem of more.slice(0, 9)) io.stdout.write(`  also ${describe(problem)}\n`);
    if (more.length > 9) io.stdout.write(`  and ${more.length - 9} more\n`);
    return EXIT.failed;
  } finally {
    await stores.close();
  }
}

async function exportCaseCommand(caseId: string, values: Values, io: Io): Promise<number> {
  const location = locate(values, io.env, io.cwd);
  requireLedger(location);
  const verifiers = await trustedKeys(values.key ?? [], location, io.env);
  const sizeText = values['checkpoint-size'];
  if (sizeText !== undefined && !/^[1-9][0-9]*$/.test(sizeText)) throw new UsageError(`--checkpoint-size must be a whole number ≥ 1, not ${sizeText}`);
  const checkpointSize = sizeText === undefined ? undefined : Number(sizeText);
  if (checkpointSize !== undefined && !Number.isSafeInteger(checkpointSize)) throw new UsageError(`--checkpoint-size ${sizeText ?? ''} is too large`);
  const stores = await openStores(location);
  try {
    const bundle = await exportCase({
      caseId,
      store: stores.store,
      integrity: stores.integrity,
      verifiers,
      ...(checkpointSize === undefined ? {} : { checkpointSize }),
    });
    const text = `${JSON.stringify(bundle, null, 2)}\n`;
    if (values.out === undefined) io.stdout.write(text);
    else {
      const file = resolve(io.cwd, values.out);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, text);
      io.stderr.write(`wrote ${file}: ${bundle.events.length} events of case ${caseId}, proved in ${bundle.origin} at size ${bundle.checkpoint.split('\n')[1] ?? '?'}; verify with: quanze verify-bundle ${values.out} --key ${bundle.verifierKey}\n`);
    }
    return EXIT.ok;
  } finally {
    await stores.close();
  }
}

async function verifyBundleCommand(file: string, values: Values, io: Io): Promise<number> {
  const keys = values.key ?? [];
  const required = witnessRequirement(values);
  if (keys.length !== 1) throw new UsageError('give the log’s verifier key, once, with --key');
  let verifier: NoteVerifier;
  try {
    verifier = parseVerifierKey(keys[0] as string);
  } catch (error) {
    throw new UsageError(`--key: ${error instanceof Error ? error.message : String(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(await readFile(resolve(io.cwd, file), 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError(`no file ${file}`);
    io.stdout.write(`INVALID: ${file} is not JSON: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failed;
  }
  const verdict = verifyBundle(json, verifier, required ?? undefined);
  if (verdict.valid) {
    const witnessed = required === null ? '' : `, cosigned by ${verdict.cosigners} of the trusted witnesses (quorum ${required.quorum})`;
    io.stdout.write(
      `VALID: the ${verdict.events} events of case ${verdict.caseId} are exactly as recorded in ${verdict.origin} (checkpoint of ${verdict.treeSize} events, signed with the given key${witnessed}).\n`,
    );
    return EXIT.ok;
  }
  io.stdout.write(`INVALID: ${verdict.reason}\n`);
  return EXIT.failed;
}

async function logKey(values: Values, io: Io): Promise<number> {
  if (values.origin === undefined || values.out === undefined) throw new UsageError('give --origin <origin> and --out <file>');
  const key = generateNoteKey(values.origin);
  const file = resolve(io.cwd, values.out);
  await mkdir(dirname(file), { recursive: true });
  try {
    await writeFile(file, `${key.signerKey}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new UsageError(`${file} exists; a key is never overwritten`);
    throw error;
  }
  io.stdout.write(`${key.verifierKey}\n`);
  io.stderr.write(`wrote the signer key to ${file} (mode 0600); set QUANZE_LOG_SIGNING_KEY_FILE=${file} and restart\n`);
  return EXIT.ok;
}

/** Serves until SIGINT or SIGTERM; resolves once it listens, and the open server keeps the process alive. */
async function witness(argv: readonly string[], io: Io): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(`${WITNESS_USAGE}\n`);
    return EXIT.ok;
  }
  try {
    await runWitness(argv, { handleSignals: true });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof InvalidWitnessConfig) {
      io.stderr.write(`${error.message}\n\n${WITNESS_USAGE}\n`);
      return EXIT.usage;
    }
    throw error;
  }
}

import { closeSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { generateNoteKey, parseCosignerKey } from '../note-keys.js';
import { startWitnessServer } from './server.js';
import { openWitnessState } from './state-store.js';
import { InvalidWitnessConfig, createWitness, type WitnessLogger, type WitnessedLogConfig } from './witness.js';

export const WITNESS_USAGE = `usage: quanze witness --key <file> --state <file> --log <origin>=<verifier key> [--log …]
                      [--listen 127.0.0.1:7380] [--name <witness name>] [--prefix /path]

  --key     the witness's signing key (PRIVATE+KEY+…); created, readable by its owner only, when the file does not
            exist (then --name is needed); never overwritten
  --state   the file in which the witness keeps the last checkpoint it cosigned for each log
  --log     a log to witness: its origin line, "=", and its verifier key; repeat for each log (and for each key of
            a log while its key is being rotated)
  --listen  host:port to listen on (default 127.0.0.1:7380); requests go to http://host:port<prefix>/add-checkpoint
  --name    the witness's name (e.g. witness.procuratorate.example); must match the key's name if the key exists
  --prefix  the submission prefix (default: none)`;

export interface RunningWitness {
  /** The submission prefix as a URL: what the log is configured with. */
  readonly url: string;
  readonly name: string;
  /** The witness's verifier key (type 0x04): what the log's verifiers are configured with. */
  readonly verifierKey: string;
  close(): Promise<void>;
}

export interface RunWitnessOptions {
  readonly clock?: () => Date;
  readonly logger?: WitnessLogger;
  /** Stop on SIGINT and SIGTERM (the command line does; tests and embedders stop it with `close`). */
  readonly handleSignals?: boolean;
}

/**
 * `quanze witness …`: reads the flags, loads or creates the witness key, opens the state (taking its lock), and
 * serves C2SP tlog-witness until closed. Resolves once it listens; refuses a bad configuration with
 * `InvalidWitnessConfig` before anything is served.
 */
export async function runWitness(argv: readonly string[], options: RunWitnessOptions = {}): Promise<RunningWitness> {
  const flags = readFlags(argv);
  const logger = options.logger ?? jsonLineLogger(process.stderr);
  const clock = options.clock ?? (() => new Date());
  const signerKey = loadOrCreateKey(flags.key, flags.name, logger);
  const store = openWitnessState(flags.state);
  try {
    const witness = createWitness({ signerKey, logs: flags.logs, store, clock, logger });
    const server = await startWitnessServer(witness, flags.listen, { prefix: flags.prefix, logger });
    let closing: Promise<void> | undefined;
    const close = () => {
      closing ??= server.close().finally(() => {
        store.close();
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      });
      return closing;
    };
    const onSignal = (signal: NodeJS.Signals) => {
      logger.info({ signal }, 'the witness stops');
      close().catch((error: unknown) => {
        logger.error({ err: error }, 'the witness did not stop cleanly');
        process.exitCode = 1;
      });
    };
    if (options.handleSignals === true) {
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
    }
    logger.info(
      { url: server.url, name: witness.name, verifierKey: witness.verifierKey, logs: flags.logs.map((log) => log.origin), state: flags.state },
      'the witness listens',
    );
    return { url: server.url, name: witness.name, verifierKey: witness.verifierKey, close };
  } catch (error) {
    store.close();
    throw error;
  }
}

interface WitnessFlags {
  readonly key: string;
  readonly state: string;
  readonly name: string | undefined;
  readonly logs: WitnessedLogConfig[];
  readonly listen: { host: string; port: number };
  readonly prefix: string;
}

function readFlags(argv: readonly string[]): WitnessFlags {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        key: { type: 'string' },
        state: { type: 'string' },
        log: { type: 'string', multiple: true },
        listen: { type: 'string', default: '127.0.0.1:7380' },
        name: { type: 'string' },
        prefix: { type: 'string', default: '' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new InvalidWitnessConfig(error instanceof Error ? error.message : String(error));
  }
  if (values.key === undefined) throw new InvalidWitnessConfig('--key <file> is required');
  if (values.state === undefined) throw new InvalidWitnessConfig('--state <file> is required');
  const logs = new Map<string, string[]>();
  for (const entry of values.log ?? []) {
    const at = entry.indexOf('=');
    if (at <= 0) throw new InvalidWitnessConfig(`--log ${JSON.stringify(entry)} is not <origin>=<verifier key>`);
    const origin = entry.slice(0, at);
    logs.set(origin, [...(logs.get(origin) ?? []), entry.slice(at + 1)]);
  }
  if (logs.size === 0) throw new InvalidWitnessConfig('at least one --log <origin>=<verifier key> is required');
  return {
    key: values.key,
    state: values.state,
    name: values.name,
    logs: [...logs].map(([origin, verifierKeys]) => ({ origin, verifierKeys })),
    listen: parseListen(values.listen),
    prefix: values.prefix,
  };
}

function parseListen(text: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):([0-9]{1,5})$/.exec(text);
  const port = Number(match?.[3]);
  const host = match?.[1] ?? match?.[2];
  if (host === undefined || !(port >= 0 && port <= 65535)) throw new InvalidWitnessConfig(`--listen ${JSON.stringify(text)} is not host:port`);
  return { host, port };
}

/** The key file holds one signer key. A new one is created exclusively ('wx'): an existing key is never replaced. */
function loadOrCreateKey(path: string, name: string | undefined, logger: WitnessLogger): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (!(error instanceof Error && (error as NodeJS.ErrnoException).code === 'ENOENT')) throw error;
    if (name === undefined) throw new InvalidWitnessConfig(`the key file ${path} does not exist; give --name to create it`);
    const { signerKey } = generateNoteKey(name);
    const fd = openSync(path, 'wx', 0o600);
    try {
      writeSync(fd, `${signerKey}\n`);
    } finally {
      closeSync(fd);
    }
    logger.info({ path }, 'created the witness key');
    return signerKey;
  }
  const signerKey = text.replace(/\n$/, '');
  const cosigner = parseCosignerKey(signerKey, () => new Date());
  if (name !== undefined && name !== cosigner.name) {
    throw new InvalidWitnessConfig(`the key in ${path} is named ${cosigner.name}, not ${name}`);
  }
  if ((statSync(path).mode & 0o077) !== 0) logger.warn({ path }, 'the witness key file is readable by others than its owner');
  return signerKey;
}

/** One JSON object per line, pino's shape (level, time, msg), for a witness run without the services' logger. */
export function jsonLineLogger(stream: NodeJS.WritableStream): WitnessLogger {
  const write = (level: number) => (fields: Record<string, unknown>, message: string) => {
    const err = fields.err instanceof Error ? { err: { type: fields.err.name, message: fields.err.message, stack: fields.err.stack } } : {};
    stream.write(`${JSON.stringify({ level, time: Date.now(), name: 'witness', ...fields, ...err, msg: message })}\n`);
  };
  return { info: write(30), warn: write(40), error: write(50) };
}

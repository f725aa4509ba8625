import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTokenIssuer, readSigningKeys } from '@quanze/service-kit';
import type { Principal } from '@quanze/service-kit';

const REPOSITORY = fileURLToPath(new URL('../..', import.meta.url));

export interface RunningSystem {
  readonly url: string;
  readonly dataFolder: string;
  /** The admin token `npm start` printed. */
  readonly adminToken: string;
  /** Everything the process printed so far, for failure messages. */
  output(): string;
  /** A token signed with the development key the process generated into its data folder. */
  token(principal: Principal): Promise<string>;
  /** SIGTERM, as a user's Ctrl-C would: resolves with the exit code once the process drained and stopped. */
  stop(): Promise<number | null>;
  /** Stops the process and removes its data folder. */
  dispose(): Promise<void>;
}

/**
 * `npm start` as a user runs it — the same entry point, a fresh data folder, a free port — and the URL and admin
 * token read from what it prints.
 */
export async function startSystem(options: { dataFolder?: string; env?: Readonly<Record<string, string>> } = {}): Promise<RunningSystem> {
  const dataFolder = options.dataFolder ?? (await mkdtemp(join(tmpdir(), 'quanze-system-')));
  // Never a store or read-model URL of the shell that runs the tests; only those the test gives.
  const { QUANZE_STORE_URL: _store, QUANZE_READ_MODELS_URL: _readModels, ...inherited } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@quanze/source', 'infra/local/src/main.ts'], {
    cwd: REPOSITORY,
    env: { ...inherited, QUANZE_DATA: dataFolder, PORT: '0', LOG_LEVEL: 'warn', INIT_CWD: REPOSITORY, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: string) => {
    output += chunk;
  };
  child.stdout.setEncoding('utf8').on('data', collect);
  child.stderr.setEncoding('utf8').on('data', collect);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', resolve);
  });

  const banner = await waitFor(child, () => {
    const url = /web UI\s+(http:\/\/\S+)\//.exec(output)?.[1];
    const token = /Development admin token[^\n]*\n(\S+)\n/.exec(output)?.[1];
    return url !== undefined && token !== undefined ? { url, token } : null;
  }, () => output);

  const issuer = createTokenIssuer(await readSigningKeys(join(dataFolder, 'keys', 'development-signing-key.jwk.json')));
  let stopped: Promise<number | null> | null = null;
  const stop = () => {
    stopped ??= child.exitCode === null ? (child.kill('SIGTERM'), exited) : exited;
    return stopped;
  };
  return {
    url: banner.url,
    dataFolder,
    adminToken: banner.token,
    output: () => output,
    token: (principal) => issuer.issue(principal),
    stop,
    async dispose() {
      await stop();
      if (options.dataFolder === undefined) await rm(dataFolder, { recursive: true, force: true });
    },
  };
}

async function waitFor<T>(child: ChildProcess, found: () => T | null, output: () => string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = found();
    if (value !== null) return value;
    if (child.exitCode !== null) throw new Error(`npm start exited with ${String(child.exitCode)}:\n${output()}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`npm start printed no URL and token within ${String(timeoutMs)} ms:\n${output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { expect } from 'chai';
import {
  InvalidWitnessConfig,
  WitnessStale,
  openWitnessState,
  parseCosignerKey,
  runWitness,
  submitToWitness,
  type RunningWitness,
  type WitnessLogger,
} from '@quanze/integrity';
import { TestLog, clock, tempFolder } from './witness-fixtures.js';

const ORIGIN = 'ledger.example.gov.cn/quanze';
const NAME = 'witness.procuratorate.example';

const quiet: WitnessLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('quanze witness (runWitness and its entry point)', function () {
  let folder: string;
  let log: TestLog;
  let running: RunningWitness | undefined;

  beforeEach(async function () {
    folder = await tempFolder();
    log = new TestLog(ORIGIN).grow(3);
  });

  afterEach(async function () {
    await running?.close();
    running = undefined;
    await rm(folder, { recursive: true, force: true });
  });

  const argv = (...extra: string[]) => [
    '--listen', '127.0.0.1:0',
    '--key', join(folder, 'witness.key'),
    '--state', join(folder, 'witness-state.json'),
    '--log', `${ORIGIN}=${log.key.verifierKey}`,
    ...extra,
  ];

  it('creates its key on first start, readable by its owner only, and never replaces it', async function () {
    running = await runWitness(argv('--name', NAME), { clock, logger: quiet });
    const keyPath = join(folder, 'witness.key');
    const keyText = await readFile(keyPath, 'utf8');
    expect((await stat(keyPath)).mode & 0o777).to.equal(0o600);
    expect(parseCosignerKey(keyText.trim(), clock).verifierKey).to.equal(running.verifierKey);
    expect(running.name).to.equal(NAME);
    const verifierKey = running.verifierKey;
    await running.close();

    running = await runWitness(argv('--name', NAME), { clock, logger: quiet });
    expect(running.verifierKey).to.equal(verifierKey);
    expect(await readFile(keyPath, 'utf8')).to.equal(keyText);
  });

  it('keeps what it cosigned across restarts', async function () {
    running = await runWitness(argv('--name', NAME), { clock, logger: quiet });
    const witnessKey = running.verifierKey;
    await submitToWitness({ url: running.url, witnessKey, checkpointNote: log.checkpoint(), oldSize: 0, consistencyProof: [] });
    await running.close();

    running = await runWitness(argv(), { clock, logger: quiet });
    log.grow(2);
    const stale = submitToWitness({ url: running.url, witnessKey, checkpointNote: log.checkpoint(), oldSize: 0, consistencyProof: [] });
    await expect(stale).to.be.rejectedWith(WitnessStale, 'has cosigned size 3');
    const lines = await submitToWitness({ url: running.url, witnessKey, checkpointNote: log.checkpoint(), oldSize: 3, consistencyProof: log.proof(3) });
    expect(lines).to.have.length(1);
  });

  it('refuses a configuration that cannot work, before it listens', async function () {
    const key = join(folder, 'witness.key');
    const state = join(folder, 'witness-state.json');
    const logFlag = `${ORIGIN}=${log.key.verifierKey}`;
    const refused: [string, string[], RegExp][] = [
      ['no key file and no name', ['--key', key, '--state', state, '--log', logFlag], /give --name/],
      ['no --key', ['--state', state, '--log', logFlag], /--key/],
      ['no --state', ['--key', key, '--name', NAME, '--log', logFlag], /--state/],
      ['no --log', ['--key', key, '--state', state, '--name', NAME], /--log/],
      ['a --log without a key', ['--key', key, '--state', state, '--name', NAME, '--log', ORIGIN], /<origin>=<verifier key>/],
      ['a --listen without a port', ['--key', key, '--state', state, '--name', NAME, '--log', logFlag, '--listen', 'localhost'], /host:port/],
      ['a prefix that is not a path', ['--key', key, '--state', state, '--name', NAME, '--log', logFlag, '--prefix', 'witness/'], /submission prefix/],
      ['an unknown flag', ['--key', key, '--state', state, '--name', NAME, '--log', logFlag, '--port', '1'], /--port/],
    ];
    for (const [what, args, message] of refused) {
      await expect(runWitness(args, { logger: quiet }), what).to.be.rejectedWith(InvalidWitnessConfig, message);
    }
    // A key file of another name is not silently used under this one.
    running = await runWitness(argv('--name', NAME), { logger: quiet });
    await running.close();
    running = undefined;
    await expect(runWitness(argv('--name', 'witness.other.example'), { logger: quiet })).to.be.rejectedWith(InvalidWitnessConfig, /named witness\.procuratorate\.example/);
    // A witness that cannot listen (the port is taken) does not keep its state locked.
    running = await runWitness(argv(), { logger: quiet });
    const otherState = join(folder, 'other-state.json');
    const taken = ['--key', key, '--state', otherState, '--log', logFlag, '--listen', new URL(running.url).host];
    await expect(runWitness(taken, { logger: quiet })).to.be.rejectedWith(/EADDRINUSE/);
    openWitnessState(otherState).close();
  });

  describe('as a process', function () {
    const children: ChildProcess[] = [];

    afterEach(function () {
      for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });

    /** Starts main.ts as `quanze witness` would run it, and waits for its "listens" line. */
    async function startProcess(args: string[]): Promise<{ child: ChildProcess; url: string; verifierKey: string }> {
      const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@quanze/source', 'packages/integrity/src/witness/main.ts', ...args], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      children.push(child);
      const lines = createInterface({ input: child.stderr as NodeJS.ReadableStream });
      for await (const line of lines) {
        const entry = JSON.parse(line) as { msg: string; url?: string; verifierKey?: string };
        if (entry.msg === 'the witness listens' && entry.url !== undefined && entry.verifierKey !== undefined) {
          return { child, url: entry.url, verifierKey: entry.verifierKey };
        }
      }
      throw new Error(`the witness exited (${String(child.exitCode)}) before it listened`);
    }

    function exited(child: ChildProcess): Promise<number | null> {
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
      return new Promise((resolve) => child.once('exit', (code) => { resolve(code); }));
    }

    it('stops cleanly on SIGTERM, and after a crash (SIGKILL) a new process takes over its state', async function () {
      this.timeout(60_000);
      const first = await startProcess(argv('--name', NAME));
      await submitToWitness({ url: first.url, witnessKey: first.verifierKey, checkpointNote: log.checkpoint(), oldSize: 0, consistencyProof: [] });
      first.child.kill('SIGKILL');
      await exited(first.child);

      const second = await startProcess(argv());
      expect(second.verifierKey).to.equal(first.verifierKey);
      log.grow(1);
      await submitToWitness({ url: second.url, witnessKey: second.verifierKey, checkpointNote: log.checkpoint(), oldSize: 3, consistencyProof: log.proof(3) });
      second.child.kill('SIGTERM');
      expect(await exited(second.child)).to.equal(0);
      await expect(stat(join(folder, 'witness-state.json.lock'))).to.be.rejectedWith(/ENOENT/);
    });

    it('exits with 2 and its usage on a bad command line', async function () {
      const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@quanze/source', 'packages/integrity/src/witness/main.ts', '--state', join(folder, 's')], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      children.push(child);
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      expect(await exited(child)).to.equal(2);
      expect(stderr).to.include('--key <file> is required').and.include('usage: quanze witness');
    });
  });
});

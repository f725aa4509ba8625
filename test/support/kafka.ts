// A real Kafka-protocol broker for the relay's suites: librdkafka's mock cluster, started through Debian's `kcat`
// (`kcat -b 127.0.0.1:1 -C -t _mock -X test.mock.num.brokers=3 -d mock -E` prints `bootstrap.servers=…` on stderr
// and serves until killed). Each suite starts its own cluster and kills it after. What the mock cannot show is listed
// in docs/RELAY.md.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

export interface KafkaMockCluster {
  readonly brokers: readonly string[];
  /** The last lines kcat wrote, for a failing test's message. */
  tail(): string;
  stop(): Promise<void>;
}

/** The reason the mock cannot start here, or null when `kcat` is installed. */
export function kcatMissing(): string | null {
  const probe = spawnSync('kcat', ['-V'], { stdio: 'ignore' });
  return probe.error === undefined ? null : 'kcat is not installed (apt-get install -y kcat)';
}

export async function startKafkaMock(options: { brokers?: number; timeoutMs?: number } = {}): Promise<KafkaMockCluster> {
  const child: ChildProcess = spawn(
    'kcat',
    ['-b', '127.0.0.1:1', '-C', '-t', '_mock', '-X', `test.mock.num.brokers=${String(options.brokers ?? 3)}`, '-d', 'mock', '-E'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const killNow = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  // A test run killed before its `after` hooks must not leave the broker behind.
  process.once('exit', killNow);
  let tail = '';
  const stderr = child.stderr;
  if (stderr === null) throw new Error('kcat has no stderr');
  const brokers = await new Promise<string[]>((resolve, reject) => {
    const timer = setTimeout(() => {
      killNow();
      reject(new Error(`kcat printed no bootstrap.servers within ${String(options.timeoutMs ?? 10_000)} ms:\n${tail}`));
    }, options.timeoutMs ?? 10_000);
    let found = false;
    // The mock logs every request (`-d mock`): it is read and only the tail kept, or the pipe would fill and stall it.
    stderr.on('data', (chunk: Buffer) => {
      tail = (tail + chunk.toString('utf8')).slice(-8000);
      if (found) return;
      const match = /bootstrap\.servers=(\S+)/.exec(tail);
      if (match?.[1] !== undefined) {
        found = true;
        clearTimeout(timer);
        resolve(match[1].split(','));
      }
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (!found) reject(new Error(`kcat exited (${String(code ?? signal)}) before printing bootstrap.servers:\n${tail}`));
    });
  });
  return {
    brokers,
    tail: () => tail,
    async stop() {
      process.removeListener('exit', killNow);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => { resolve(); }));
      child.kill('SIGTERM');
      const timer = setTimeout(killNow, 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Registers hooks on the enclosing `describe` that start a mock cluster before its tests and kill it after. Without
 * kcat the tests are skipped, saying why; on CI (`CI=true`) that is a failure instead, so that a machine missing the
 * package cannot pass by running nothing.
 */
export function useKafkaMock(): { readonly cluster: KafkaMockCluster } {
  let cluster: KafkaMockCluster | undefined;
  before(async function () {
    this.timeout(20_000);
    const missing = kcatMissing();
    if (missing !== null) {
      if (process.env['CI'] === 'true') throw new Error(`the Kafka suites cannot run on CI: ${missing}`);
      console.log(`      skipped: ${missing}; CI=true makes this a failure`);
      this.skip();
    }
    cluster = await startKafkaMock();
  });
  after(async function () {
    this.timeout(10_000);
    await cluster?.stop();
    cluster = undefined;
  });
  return {
    get cluster() {
      if (cluster === undefined) throw new Error('the Kafka mock cluster is not running (used outside its suite?)');
      return cluster;
    },
  };
}

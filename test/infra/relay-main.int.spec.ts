import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { createTokenIssuer, readSigningKeys } from '@quanze/service-kit';
import { useKafkaMock } from '../support/kafka.js';
import { within } from '../support/async.js';

const REPOSITORY = fileURLToPath(new URL('../..', import.meta.url));

/** `npm run relay -w infra/local` (the compose `relay` service, quanze-relay.service) as a process of its own. */
function startRelayMain(env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@quanze/source', 'infra/local/src/relay-main.ts'], {
    cwd: REPOSITORY,
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return {
    output: () => output,
    exited,
    url: () => within(60_000, () => `the relay to listen (it printed: ${output})`, async () => {
      for (;;) {
        const url = /"url":"(http:\/\/[^"]+)"/.exec(output)?.[1];
        if (url !== undefined) return url;
        if (child.exitCode !== null) throw new Error(`relay-main exited with ${String(child.exitCode)}: ${output}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }),
    stop: () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

describe('the relay as a process of its own (infra/local/src/relay-main.ts)', function () {
  this.timeout(90_000);
  const kafka = useKafkaMock();
  let folder: string;

  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'quanze-relay-main-'));
  });

  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('serves its health, its readiness and GET /relay to operators, and stops on SIGTERM', async () => {
    const prefix = `t${randomUUID().slice(0, 8)}.`;
    const relay = startRelayMain({
      QUANZE_DATA: folder,
      QUANZE_KAFKA_BROKERS: kafka.cluster.brokers.join(','),
      QUANZE_KAFKA_TOPIC_PREFIX: prefix,
      QUANZE_KAFKA_GROUP_ID: `${prefix}receipts`,
      QUANZE_KAFKA_ORGANISATIONS: JSON.stringify([{ code: 'shangzhi-police', unitId: 'unit-gaj', kind: 'public-security' }]),
    });
    try {
      const url = await relay.url();
      expect((await fetch(`${url}/healthz`)).status).to.equal(200);
      expect((await fetch(`${url}/readyz`)).status).to.equal(200);
      expect((await fetch(`${url}/relay`)).status).to.equal(401);
      const issuer = createTokenIssuer(await readSigningKeys(join(folder, 'keys', 'development-signing-key.jwk.json')));
      const token = await issuer.issue({ personId: 'person-ops', postId: null, unitId: null, roles: ['admin'] });
      const status = await within(30_000, 'the relay to report its state', async () => {
        for (;;) {
          const response = await fetch(`${url}/relay`, { headers: { authorization: `Bearer ${token}` } });
          const body = (await response.json()) as { enabled: boolean; lag: number | null; checkpoint: number };
          if (response.status === 200 && body.lag === 0) return body;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      });
      expect(status).to.include({ enabled: true, lag: 0, checkpoint: 0 });
    } finally {
      expect(await relay.stop(), relay.output()).to.equal(0);
    }
  });

  it('exits 2, saying why, without QUANZE_KAFKA_BROKERS', async () => {
    const relay = startRelayMain({ QUANZE_DATA: folder, QUANZE_KAFKA_BROKERS: '' });
    const code = await relay.exited;
    expect(code, relay.output()).to.equal(2);
    expect(relay.output()).to.contain('QUANZE_KAFKA_BROKERS is not set');
  });
});

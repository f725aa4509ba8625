import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { pino } from 'pino';
import { openEventStore } from '@quanze/eventstore';
import type { EventStore } from '@quanze/eventstore';
import { InvalidRelayConfig, UnusableSecurityFile } from '@quanze/relay';
import { startRelayFromEnv } from '../../../infra/local/src/relay.js';

describe('the relay started from the environment, as npm start and relay-main start it', () => {
  let folder: string;
  let store: EventStore;

  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'quanze-relay-env-'));
    store = await openEventStore(`sqlite:${folder}`);
  });

  afterEach(async () => {
    await store.close();
    await rm(folder, { recursive: true, force: true });
  });

  const start = (env: NodeJS.ProcessEnv) =>
    startRelayFromEnv({ store, dataFolder: folder, storeUrl: `sqlite:${folder}`, logger: pino({ level: 'silent' }), env: { QUANZE_KAFKA_BROKERS: '127.0.0.1:1', ...env } });

  it('refuses to start with a CA file that does not exist, naming the variable and the path', async () => {
    const missing = join(folder, 'kafka-ca.pem');
    await expect(start({ QUANZE_KAFKA_SSL: 'true', QUANZE_KAFKA_SSL_CA_FILE: missing })).to.be.rejectedWith(
      UnusableSecurityFile,
      `QUANZE_KAFKA_SSL_CA_FILE (ssl.caFile): ${missing} does not exist`,
    );
  });

  it('refuses a password file that is present but empty, and SASL without a username, before connecting', async () => {
    const password = join(folder, 'kafka-password');
    await writeFile(password, '');
    await expect(start({ QUANZE_KAFKA_SASL_MECHANISM: 'scram-sha-256', QUANZE_KAFKA_SASL_USERNAME: 'quanze', QUANZE_KAFKA_SASL_PASSWORD_FILE: password })).to.be.rejectedWith(
      UnusableSecurityFile,
      `QUANZE_KAFKA_SASL_PASSWORD_FILE (sasl.passwordFile): ${password} is empty`,
    );
    await expect(start({ QUANZE_KAFKA_SASL_MECHANISM: 'scram-sha-256', QUANZE_KAFKA_SASL_PASSWORD_FILE: password })).to.be.rejectedWith(
      InvalidRelayConfig,
      'QUANZE_KAFKA_SASL_USERNAME: QUANZE_KAFKA_SASL_MECHANISM=scram-sha-256 needs a username',
    );
  });
});

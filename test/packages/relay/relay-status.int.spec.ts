import { expect } from 'chai';
import { pino } from 'pino';
import { createRelay, createRelayStatusService, createSqliteRelayCheckpointStore, relayConfig } from '@quanze/relay';
import type { Relay, RelayStatus } from '@quanze/relay';
import { createCaseCommands } from '../../../services/enforcement/src/index.js';
import { authorizationMatrix, expectMatrixMatchesAllow, startTestApp } from '../../support/http.js';
import type { TestApp } from '../../support/http.js';
import { useKafkaMock } from '../../support/kafka.js';
import { POLICE, createRelayWorld, eventually } from './relay-world.js';

describe('the relay’s status', () => {
  describe('GET /relay', () => {
    let app: TestApp;
    afterEach(async () => {
      await app.close();
    });

    it('is for admin and supervision only', async () => {
      app = await startTestApp([() => createRelayStatusService(() => null)]);
      const service = app.services[0];
      if (service === undefined) throw new Error('no service');
      const rows = await authorizationMatrix(app, service);
      expectMatrixMatchesAllow(rows);
      expect(rows.filter((row) => row.allowed).map((row) => row.audience)).to.have.members(['admin', 'supervision']);
    });

    it('answers { enabled: false } when no Kafka is configured, so that a monitor tells off from broken', async () => {
      app = await startTestApp([() => createRelayStatusService(() => null)]);
      const response = await app.request('get', '/relay', { token: await app.token({ roles: ['supervision'] }) });
      expect(response.status).to.equal(200);
      expect(response.body).to.deep.equal({ enabled: false });
    });
  });

  describe('on the mock cluster, when its brokers stop', function () {
    this.timeout(60_000);
    const kafka = useKafkaMock();

    it('reports lag 0 once published, then a growing lag and the last error, at Relay.status() and GET /relay', async () => {
      const world = await createRelayWorld(kafka.cluster.brokers);
      const holder: { relay: Relay | null } = { relay: null };
      const app = await startTestApp([() => createRelayStatusService(() => holder.relay)]);
      try {
        const admin = await app.token({ roles: ['admin'] });
        const started = new Date();
        const relay = await world.startRelay();
        holder.relay = relay;
        const sent = await world.transferredCase({ unitId: POLICE, kind: 'public-security' });
        await relay.outbox.waitFor(sent.transferred.position);

        const published = await eventually(async () => {
          const status = await relay.status();
          expect(status.receipts.running, 'the receipts consumer joined its group').to.equal(true);
          return status;
        });
        expect(published).to.deep.include({ enabled: true, lag: 0, publishing: true, lastError: null });
        expect(published.head).to.equal(published.checkpoint);
        expect(published.checkpoint).to.be.at.least(sent.transferred.position);
        expect(Date.parse(published.lastPublishedAt ?? '')).to.be.at.least(started.getTime());
        expect(published.receipts.topics).to.have.members([`${world.config.topicPrefix}receipts.shangzhi-police`, `${world.config.topicPrefix}receipts.shangzhi-court`]);
        const served = await app.request<RelayStatus>('get', '/relay', { token: admin });
        expect(served.status).to.equal(200);
        expect(served.body).to.deep.include({ enabled: true, lag: 0, checkpoint: published.checkpoint, lastPublishedAt: published.lastPublishedAt });

        await kafka.cluster.stop();
        // The ledger goes on: transfers are recorded and wait in the outbox.
        const waiting = await world.transferredCase({ unitId: POLICE, kind: 'public-security' });
        const failing = await eventually(async () => {
          const status = await relay.status();
          expect(status.lastError, 'the outbox failed to publish').not.to.equal(null);
          return status;
        }, 40_000);
        expect(failing).to.deep.include({ publishing: false, lastPublishedAt: published.lastPublishedAt });
        // The case's earlier events make no messages and pass without Kafka; the transfer is where the outbox waits.
        expect(failing.checkpoint).to.equal(waiting.transferred.position - 1);
        expect(failing.lag).to.be.at.least(1);
        expect(Date.parse(failing.lastError?.at ?? '')).to.be.at.least(Date.parse(published.lastPublishedAt ?? ''));

        const again = await world.transferredCase({ unitId: POLICE, kind: 'public-security' });
        const grown = await relay.status();
        expect(grown.head).to.be.at.least(again.transferred.position);
        expect(grown.lag).to.be.above(failing.lag ?? Infinity);
        expect(grown.lag).to.equal((grown.head ?? 0) - failing.checkpoint);
        const servedFailing = await app.request<RelayStatus>('get', '/relay', { token: admin });
        expect(servedFailing.body).to.deep.include({ enabled: true, publishing: false, lag: grown.lag });
        expect(servedFailing.body.lastError?.message).to.be.a('string').and.not.equal('');
      } finally {
        await world.close();
        await app.close();
      }
    });
  });

  describe('with SASL configured, on the mock cluster (which speaks no SASL)', function () {
    this.timeout(30_000);
    const kafka = useKafkaMock();

    it('hands the credentials to kafkajs: the broker cannot authenticate, the status says so, and the password is never logged', async () => {
      const world = await createRelayWorld(kafka.cluster.brokers);
      const lines: string[] = [];
      const password = 'not-in-any-log-line';
      const relay = createRelay({
        config: relayConfig({ ...world.config, sasl: { mechanism: 'plain', username: 'quanze', password } }),
        store: world.app.store,
        commands: createCaseCommands({ store: world.app.store }),
        checkpoints: createSqliteRelayCheckpointStore({ path: `${world.dataFolder}/sasl-relay.sqlite` }),
        // Everything kafkajs and the relay say, down to trace: none of it may carry the password.
        logger: pino({ level: 'trace' }, { write: (line: string) => lines.push(line) }),
        retryAfterMs: 200,
      });
      try {
        await relay.start();
        const status = await eventually(async () => {
          const current = await relay.status();
          expect(current.lastError).not.to.equal(null);
          return current;
        }, 20_000);
        expect(status.publishing).to.equal(false);
        // librdkafka's mock answers ApiVersions without SaslHandshake: kafkajs stops before sending anything.
        expect(status.lastError?.message).to.match(/does not support/i);
        expect(lines.some((line) => line.includes('SASL PLAIN without TLS'))).to.equal(true);
        expect(lines.some((line) => line.includes('"mechanism":"plain"') && line.includes('"username":"quanze"'))).to.equal(true);
        expect(lines.filter((line) => line.includes(password))).to.deep.equal([]);
      } finally {
        await relay.stop();
        await world.close();
      }
    });
  });
});

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { InvalidRelayConfig, relayConfig, relayConfigFromEnv, relayTopics } from '@quanze/relay';

const police = { code: 'shangzhi-police', unitId: 'unit-gaj', kind: 'public-security' };

describe('the relay’s configuration', () => {
  it('is off without QUANZE_KAFKA_BROKERS: npm start runs as without Kafka', () => {
    expect(relayConfigFromEnv({})).to.equal(null);
    expect(relayConfigFromEnv({ QUANZE_KAFKA_BROKERS: ' ' })).to.equal(null);
  });

  it('reads brokers, client id, prefix, organisations and public event types from the environment, with defaults', () => {
    const config = relayConfigFromEnv({
      QUANZE_KAFKA_BROKERS: 'kafka-1:9092, kafka-2:9092',
      QUANZE_KAFKA_TOPIC_PREFIX: 'shangzhi.',
      QUANZE_KAFKA_ORGANISATIONS: JSON.stringify([police]),
      QUANZE_KAFKA_PUBLIC_EVENTS: 'case.published.v1',
    });
    expect(config).to.deep.equal({
      brokers: ['kafka-1:9092', 'kafka-2:9092'],
      clientId: 'quanze-relay',
      topicPrefix: 'shangzhi.',
      groupId: 'quanze-relay-receipts',
      organisations: [police],
      publicEventTypes: ['case.published.v1'],
      ssl: null,
      sasl: null,
    });
  });

  it('takes a JSON file, whose fields the environment overrides one by one', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'quanze-relay-config-'));
    try {
      const file = join(folder, 'relay.json');
      await writeFile(file, JSON.stringify({ brokers: ['ignored:1'], clientId: 'shangzhi-relay', organisations: [police] }));
      const config = relayConfigFromEnv({ QUANZE_KAFKA_BROKERS: 'kafka:9092', QUANZE_KAFKA_CONFIG: file });
      expect(config).to.deep.include({ brokers: ['kafka:9092'], clientId: 'shangzhi-relay', organisations: [police] });
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('names every bad field', () => {
    const bad = () =>
      relayConfig({
        brokers: ['kafka'],
        organisations: [police, { ...police, code: 'Shangzhi Court', unitId: 'unit-fy', kind: 'judge' }],
        publicEventTypes: ['case.madeUp.v1'],
        extra: true,
      });
    expect(bad).to.throw(InvalidRelayConfig);
    const message = (() => {
      try {
        bad();
        return '';
      } catch (error) {
        return error instanceof Error ? error.message : String(error);
      }
    })();
    expect(message).to.contain('brokers.0: a broker is host:port');
    expect(message).to.contain('organisations.1.code');
    expect(message).to.contain('organisations.1.kind');
    expect(message).to.contain('publicEventTypes.0: not an event type of the ledger');
    expect(message).to.contain('extra');
  });

  it('refuses two organisations with one code or one unit, and a config file that is not JSON', () => {
    expect(() => relayConfig({ brokers: ['k:1'], organisations: [police, { ...police, unitId: 'unit-other' }] })).to.throw(
      InvalidRelayConfig,
      'organisations: each organisation code once',
    );
    expect(() => relayConfigFromEnv({ QUANZE_KAFKA_BROKERS: 'k:1', QUANZE_KAFKA_ORGANISATIONS: '[{' })).to.throw(
      InvalidRelayConfig,
      'QUANZE_KAFKA_ORGANISATIONS',
    );
    expect(() => relayConfigFromEnv({ QUANZE_KAFKA_BROKERS: 'k:1', QUANZE_KAFKA_CONFIG: '/nonexistent/relay.json' })).to.throw(
      InvalidRelayConfig,
      '/nonexistent/relay.json',
    );
  });

  it('puts the prefix before every topic', () => {
    const topics = relayTopics('shangzhi.');
    expect([topics.transfers('court'), topics.receipts('court'), topics.deadLetters('court'), topics.ledgerPublic]).to.deep.equal([
      'shangzhi.transfers.court',
      'shangzhi.receipts.court',
      'shangzhi.receipts.court.dlq',
      'shangzhi.ledger.public',
    ]);
  });
});

// What the relay's specs share: an enforcement service over HTTP with a case ready to transfer, the judicial
// organisations it transfers to, a Kafka client acting as those organisations, and kcat reading topics back.
import { createHash, randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import type { Producer } from 'kafkajs';
import { pino } from 'pino';
import type { RecordedEvent } from '@quanze/events';
import type { EventStore } from '@quanze/eventstore';
import { RELAY_FILE_NAME, createRelay, createSqliteRelayCheckpointStore, relayConfig } from '@quanze/relay';
import type { ReceiptMessageInput, Relay, RelayConfig, RelayOptions } from '@quanze/relay';
import { createCaseCommands, createEnforcementService } from '../../../services/enforcement/src/index.js';
import { proposedEvent } from '../../support/events.js';
import { startTestApp } from '../../support/http.js';
import type { TestApp, TestResponse } from '../../support/http.js';

export const AGENCY = 'unit-scjgj';
export const POLICE = 'unit-gaj';
export const COURT = 'unit-fy';
/** A court the relay has no organisation for: its transfers stay in the inbox API. */
export const OTHER_COURT = 'unit-fy-zhongji';
export const POLICE_OFFICER = { personId: 'person-police', postId: 'post-police-xzk' };

const hash = (character: string) => character.repeat(64);
export const materials = [
  { kind: 'transfer-letter', title: '涉嫌犯罪案件移送书', sha256: hash('1') },
  { kind: 'investigation-report', title: '涉嫌犯罪案件情况的调查报告', sha256: hash('2') },
  { kind: 'seized-items-inventory', title: '涉案物品清单', sha256: hash('3') },
];

/** A UUID made from a name, as an organisation makes its message id from what it answers (one act, one id). */
export function uuidFrom(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

async function append(store: EventStore, streamId: string, type: string, data: unknown): Promise<void> {
  await store.appendToStream(streamId, [proposedEvent({ type, data })], { expectedVersion: 'any' });
}

export interface KafkaRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: string | null;
  readonly payload: string | null;
  readonly headers: Record<string, string>;
}

/** Every message of a topic, read by kcat (librdkafka: another client than the relay's). None if it does not exist. */
export function readTopic(brokers: readonly string[], topic: string): KafkaRecord[] {
  const result = spawnSync('kcat', ['-b', brokers.join(','), '-C', '-t', topic, '-o', 'beginning', '-e', '-J', '-q'], { encoding: 'utf8', timeout: 15_000 });
  if (result.status !== 0) {
    if (/Unknown topic|UNKNOWN_TOPIC/i.test(result.stderr)) return [];
    throw new Error(`kcat could not read ${topic}: ${result.stderr}`);
  }
  return result.stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const raw = JSON.parse(line) as { topic: string; partition: number; offset: number; key: string | null; payload: string | null; headers?: string[] };
      const headers: Record<string, string> = {};
      const flat = raw.headers ?? [];
      for (let index = 0; index + 1 < flat.length; index += 2) headers[flat[index] ?? ''] = flat[index + 1] ?? '';
      return { topic: raw.topic, partition: raw.partition, offset: raw.offset, key: raw.key, payload: raw.payload, headers };
    });
}

/** Polls until `check` holds (it throws until then), for what arrives asynchronously. */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

export interface RelayWorld {
  readonly app: TestApp;
  readonly config: RelayConfig;
  readonly dataFolder: string;
  /** A case sent to `authority` over HTTP: its ids and the `case.transferred.v1` as the store holds it. */
  transferredCase(authority: { unitId: string; kind: string }): Promise<{ caseId: string; transferId: string; transferred: RecordedEvent }>;
  startRelay(overrides?: Partial<Pick<RelayOptions, 'afterPublish' | 'checkpointSize' | 'retryAfterMs'>> & { publicEventTypes?: string[] }): Promise<Relay>;
  /** Sends to an organisation's receipts topic as that organisation would: a JSON message, or raw text. */
  sendReceipt(organisationCode: string, message: ReceiptMessageInput | string, key?: string): Promise<void>;
  caseEvents(caseId: string): Promise<RecordedEvent[]>;
  close(): Promise<void>;
}

export async function createRelayWorld(brokers: readonly string[]): Promise<RelayWorld> {
  const now = new Date('2026-03-02T01:00:00.000Z');
  const clock = () => now;
  const app = await startTestApp([createEnforcementService], { clock });
  const dataFolder = await mkdtemp(join(tmpdir(), 'quanze-relay-'));
  const relays: Relay[] = [];
  let producer: Producer | null = null;
  try {
    for (const [unitId, kind] of [[POLICE, 'public-security'], [COURT, 'court'], [OTHER_COURT, 'court']] as const) {
      await append(app.store, `unit-${unitId}`, 'unit.registered.v1', { unitId, name: unitId, code: null, kind, parentUnitId: null, establishedOn: '2019-03-01' });
    }
    for (const personId of ['person-a', 'person-b']) {
      await append(app.store, `person-${personId}`, 'person.registered.v1', { personId, name: personId });
      await append(app.store, `person-${personId}`, 'person.certified.v1', {
        personId,
        certificateId: `cert-${personId}`,
        scope: '市场监管',
        issuingUnitId: 'unit-fzb',
        validFrom: '2024-01-01',
        validUntil: '2028-12-31',
      });
    }
    // The police officer who answers over Kafka holds a post in the police bureau, as the HTTP routes require.
    await append(app.store, `unit-${POLICE}`, 'unit.postEstablished.v1', { unitId: POLICE, postId: POLICE_OFFICER.postId, title: '行政执法监督科科员' });
    await append(app.store, `person-${POLICE_OFFICER.personId}`, 'person.registered.v1', { personId: POLICE_OFFICER.personId, name: '王警官' });
    await append(app.store, `person-${POLICE_OFFICER.personId}`, 'person.appointed.v1', {
      ...POLICE_OFFICER,
      unitId: POLICE,
      appointedOn: '2025-01-01',
      basis: '尚公任〔2025〕1号',
    });
  } catch (error) {
    await app.close();
    throw error;
  }

  // Topics and group of this world only: nothing needs truncating between specs.
  const prefix = `t${randomUUID().slice(0, 8)}.`;
  const config = relayConfig({
    brokers,
    clientId: 'quanze-relay-spec',
    topicPrefix: prefix,
    groupId: `${prefix}receipts`,
    organisations: [
      { code: 'shangzhi-police', unitId: POLICE, kind: 'public-security' },
      { code: 'shangzhi-court', unitId: COURT, kind: 'court' },
    ],
  });
  const tokens = {
    clerk: await app.token({ personId: 'person-clerk', unitId: AGENCY, roles: ['clerk'] }),
    head: await app.token({ personId: 'person-head', unitId: AGENCY, roles: ['head'] }),
  };
  const logger = pino({ level: process.env['RELAY_SPEC_LOG'] ?? 'silent' });
  const kafka = new Kafka({ clientId: 'judicial-organisation-spec', brokers: [...brokers], logLevel: logLevel.NOTHING });

  async function call(path: string, as: keyof typeof tokens, body: unknown): Promise<TestResponse> {
    const response = await app.request('post', path, { token: tokens[as], body });
    expect(response.status, JSON.stringify(response.body)).to.equal(201);
    return response;
  }
  const subject = (response: TestResponse, name: string): string => {
    const value = (response.body['subject'] as Record<string, string> | undefined)?.[name];
    if (value === undefined) throw new Error(`no ${name} in ${JSON.stringify(response.body)}`);
    return value;
  };

  async function caseEvents(caseId: string): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    for await (const event of app.store.readStream(`case-${caseId}`)) events.push(event);
    return events;
  }

  return {
    app,
    config,
    dataFolder,
    caseEvents,
    async transferredCase(authority) {
      const caseId = subject(
        await call('/cases', 'clerk', {
          title: '某某商贸有限公司销售不合格产品案',
          enforcementKind: 'penalty',
          major: false,
          party: { kind: 'legal-person', name: '尚志市某某商贸有限公司' },
          legalBasis: [{ kind: 'law', title: '中华人民共和国产品质量法', article: '第49条' }],
        }),
        'caseId',
      );
      await call(`/cases/${caseId}/officers`, 'clerk', {
        officers: [
          { personId: 'person-a', certificateId: 'cert-person-a' },
          { personId: 'person-b', certificateId: 'cert-person-b' },
        ],
      });
      const transferId = subject(
        await call(`/cases/${caseId}/transfers`, 'clerk', {
          receivingAuthority: authority,
          suspectedOffence: '销售伪劣产品罪',
          reportingOfficerIds: ['person-a', 'person-b'],
        }),
        'transferId',
      );
      await call(`/cases/${caseId}/transfers/${transferId}/approval`, 'head', {});
      await call(`/cases/${caseId}/transfers/${transferId}/dispatch`, 'clerk', { materials });
      const transferred = (await caseEvents(caseId)).find((event) => event.type === 'case.transferred.v1');
      if (transferred === undefined) throw new Error('the dispatch recorded no case.transferred.v1');
      return { caseId, transferId, transferred };
    },
    async startRelay({ publicEventTypes, ...overrides } = {}) {
      const relay = createRelay({
        config: publicEventTypes === undefined ? config : relayConfig({ ...config, publicEventTypes }),
        store: app.store,
        commands: createCaseCommands({ store: app.store, clock }),
        // One file for every relay of this world, as one data folder holds it across restarts.
        checkpoints: createSqliteRelayCheckpointStore({ path: join(dataFolder, RELAY_FILE_NAME) }),
        logger,
        // Short group timings: the mock joins a group in about three seconds with these.
        consumer: { sessionTimeout: 6000, heartbeatInterval: 300, rebalanceTimeout: 3000, maxWaitTimeInMs: 100, retry: { retries: 20, initialRetryTime: 100, maxRetryTime: 1000 } },
        retryAfterMs: 200,
        ...overrides,
      });
      relays.push(relay);
      await relay.start();
      return relay;
    },
    async sendReceipt(organisationCode, message, key) {
      if (producer === null) {
        producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: true });
        await producer.connect();
      }
      const value = typeof message === 'string' ? message : JSON.stringify(message);
      const messageKey = key ?? (typeof message === 'string' ? 'malformed' : message.caseId);
      await producer.send({ topic: `${prefix}receipts.${organisationCode}`, acks: -1, messages: [{ key: messageKey, value }] });
    },
    async close() {
      for (const relay of relays) await relay.stop();
      await producer?.disconnect();
      await app.close();
      await rm(dataFolder, { recursive: true, force: true });
    },
  };
}

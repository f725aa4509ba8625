import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { Id, ReceivingAuthorityKind, ledgerRegistry } from '@quanze/events';
import { RelaySasl, RelaySsl, securityFromEnv } from './kafka-security.js';

/**
 * An organisation's code in topic names (`transfers.<code>`). Units carry a 机关代字 in Chinese characters, which
 * Kafka does not allow in a topic name, so each judicial organisation connected over Kafka is configured with an
 * ASCII code of its own.
 */
export const OrganisationCode = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'an organisation code is 1–63 lowercase letters, digits or "-", starting with a letter or digit');

/** A judicial organisation connected over Kafka: the unit the ledger knows it as, and the role it acts in. */
export const RelayOrganisation = z
  .object({
    code: OrganisationCode,
    unitId: Id.describe('its unit in the ledger (unit-<unitId>): transfers to this unit go to its topic'),
    kind: ReceivingAuthorityKind.describe('what it acts as when it answers a transfer'),
  })
  .strict();
export type RelayOrganisation = z.infer<typeof RelayOrganisation>;

const BrokerAddress = z.string().regex(/^[A-Za-z0-9.[\]:_-]+:\d{1,5}$/, 'a broker is host:port');
const TopicPrefix = z
  .string()
  .regex(/^[A-Za-z0-9._-]{0,100}$/, 'a topic prefix is letters, digits, ".", "_" or "-"')
  .describe('put before every topic name, e.g. "shangzhi." for transfers.<code> → shangzhi.transfers.<code>');

export const RelayConfig = z
  .object({
    brokers: z.array(BrokerAddress).min(1, 'at least one broker (host:port)'),
    clientId: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'a client id is letters, digits, ".", "_" or "-"').default('quanze-relay'),
    topicPrefix: TopicPrefix.default(''),
    /** The consumer group that reads every organisation's receipts topic. */
    groupId: z.string().regex(/^[A-Za-z0-9._-]{1,200}$/, 'a group id is letters, digits, ".", "_" or "-"').default('quanze-relay-receipts'),
    organisations: z
      .array(RelayOrganisation)
      .default([])
      .refine((organisations) => new Set(organisations.map((organisation) => organisation.code)).size === organisations.length, 'each organisation code once')
      .refine((organisations) => new Set(organisations.map((organisation) => organisation.unitId)).size === organisations.length, 'each unit once'),
    /**
     * Event types also published to `ledger.public`. Empty (the default) publishes nothing there: what is public is a
     * decision about personal data, made type by type.
     */
    publicEventTypes: z
      .array(z.string().refine((type) => ledgerRegistry.has(type), { message: 'not an event type of the ledger' }))
      .default([]),
    /** TLS to the brokers (null: plaintext). Files are read when the relay is created (`kafkaConnectionOptions`). */
    ssl: RelaySsl.nullable().default(null),
    /** SASL authentication (null: none). The password never appears in logs or errors (`Secret`). */
    sasl: RelaySasl.nullable().default(null),
  })
  .strict();
export type RelayConfig = z.infer<typeof RelayConfig>;

/** The configuration is wrong; `message` names every bad field, as `field.path: what is wrong`. */
export class InvalidRelayConfig extends Error {
  readonly code = 'relay.invalid-config';
  constructor(
    readonly source: string,
    readonly issues: readonly { readonly path: string; readonly message: string }[],
  ) {
    super(`invalid relay configuration (${source}): ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`);
    this.name = 'InvalidRelayConfig';
  }
}

function parseConfig(input: unknown, source: string): RelayConfig {
  const parsed = RelayConfig.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new InvalidRelayConfig(
    source,
    parsed.error.issues.map((issue) => ({ path: issue.path.length === 0 ? '(config)' : issue.path.join('.'), message: issue.message })),
  );
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InvalidRelayConfig(source, [{ path: '(json)', message: error instanceof Error ? error.message : String(error) }]);
  }
}

const list = (value: string) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

/**
 * The relay's configuration, or null when `QUANZE_KAFKA_BROKERS` is unset (no relay: transfers are read from the
 * inbox API). A JSON file (`QUANZE_KAFKA_CONFIG`) gives the fields of `RelayConfig`; the variables below override
 * them one by one: `QUANZE_KAFKA_BROKERS` (host:port,…), `QUANZE_KAFKA_CLIENT_ID`, `QUANZE_KAFKA_TOPIC_PREFIX`,
 * `QUANZE_KAFKA_GROUP_ID`, `QUANZE_KAFKA_ORGANISATIONS` (a JSON array) and `QUANZE_KAFKA_PUBLIC_EVENTS` (types,
 * comma-separated). Connection security: `QUANZE_KAFKA_SSL` (true/false), `QUANZE_KAFKA_SSL_CA_FILE`,
 * `QUANZE_KAFKA_SSL_CERT_FILE` + `QUANZE_KAFKA_SSL_KEY_FILE`, `QUANZE_KAFKA_SASL_MECHANISM`,
 * `QUANZE_KAFKA_SASL_USERNAME`, `QUANZE_KAFKA_SASL_PASSWORD` or `QUANZE_KAFKA_SASL_PASSWORD_FILE`; errors in them name
 * the variable (docs/RELAY.md).
 */
export function relayConfigFromEnv(env: NodeJS.ProcessEnv = process.env): RelayConfig | null {
  const brokers = env['QUANZE_KAFKA_BROKERS'];
  if (brokers === undefined || brokers.trim() === '') return null;
  const file = env['QUANZE_KAFKA_CONFIG'];
  let fromFile: Record<string, unknown> = {};
  if (file !== undefined && file !== '') {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new InvalidRelayConfig(file, [{ path: '(file)', message: error instanceof Error ? error.message : String(error) }]);
    }
    const json = parseJson(text, file);
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      throw new InvalidRelayConfig(file, [{ path: '(config)', message: 'a JSON object with the relay’s fields' }]);
    }
    fromFile = json as Record<string, unknown>;
  }
  const overrides: Record<string, unknown> = { brokers: list(brokers) };
  const optional = (name: string) => {
    const value = env[name];
    return value === undefined || value === '' ? undefined : value;
  };
  const clientId = optional('QUANZE_KAFKA_CLIENT_ID');
  if (clientId !== undefined) overrides['clientId'] = clientId;
  const topicPrefix = env['QUANZE_KAFKA_TOPIC_PREFIX'];
  if (topicPrefix !== undefined) overrides['topicPrefix'] = topicPrefix;
  const groupId = optional('QUANZE_KAFKA_GROUP_ID');
  if (groupId !== undefined) overrides['groupId'] = groupId;
  const organisations = optional('QUANZE_KAFKA_ORGANISATIONS');
  if (organisations !== undefined) overrides['organisations'] = parseJson(organisations, 'QUANZE_KAFKA_ORGANISATIONS');
  const publicEvents = env['QUANZE_KAFKA_PUBLIC_EVENTS'];
  if (publicEvents !== undefined) overrides['publicEventTypes'] = list(publicEvents);
  const security = securityFromEnv(env);
  if (!security.ok) throw new InvalidRelayConfig('environment', security.issues);
  if (security.ssl !== undefined) overrides['ssl'] = security.ssl;
  if (security.sasl !== undefined) overrides['sasl'] = security.sasl;
  const source = file === undefined || file === '' ? 'environment' : `${file} and environment`;
  return parseConfig({ ...fromFile, ...overrides }, source);
}

/** A configuration given as a value (tests, an embedding program): the same checks as from the environment. */
export function relayConfig(input: unknown): RelayConfig {
  return parseConfig(input, 'value');
}

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { expect } from 'chai';
import { pino } from 'pino';
import {
  InvalidRelayConfig,
  Secret,
  UnusableSecurityFile,
  describeSecurity,
  kafkaConnectionOptions,
  relayConfig,
  relayConfigFromEnv,
  securityWarnings,
} from '@quanze/relay';
import type { RelayConfig } from '@quanze/relay';

const BROKERS = { QUANZE_KAFKA_BROKERS: 'kafka-1.city.example:9093' };
const PASSWORD = 'correct horse battery staple';
const CA = '-----BEGIN CERTIFICATE-----\nMIIBca\n-----END CERTIFICATE-----\n';
const CERT = '-----BEGIN CERTIFICATE-----\nMIIBclient\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN PRIVATE KEY-----\nMIIEkey\n-----END PRIVATE KEY-----\n';

/** The error's issues as `path: message`, or a failure when it does not throw the expected error. */
function issuesOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidRelayConfig || error instanceof UnusableSecurityFile) return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

/** A file system of a few files, as `readFile` sees it: a missing one fails as Node's does. */
function files(contents: Record<string, string>): (path: string) => string {
  return (path) => {
    const content = contents[path];
    if (content === undefined) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
    return content;
  };
}

function fromEnv(env: NodeJS.ProcessEnv): RelayConfig {
  const config = relayConfigFromEnv({ ...BROKERS, ...env });
  if (config === null) throw new Error('the relay is off');
  return config;
}

describe('the relay’s connection security', () => {
  describe('read from the environment', () => {
    it('is plaintext without authentication when nothing is set, as against the development broker', () => {
      const config = fromEnv({});
      expect(config).to.deep.include({ ssl: null, sasl: null });
      expect(kafkaConnectionOptions(config, files({}))).to.deep.equal({});
    });

    it('turns TLS on with the system CAs: kafkajs gets ssl: true', () => {
      const config = fromEnv({ QUANZE_KAFKA_SSL: 'true' });
      expect(config.ssl).to.deep.equal({});
      expect(kafkaConnectionOptions(config, files({}))).to.deep.equal({ ssl: true });
    });

    it('trusts only the given CA, and presents a client certificate for mutual TLS', () => {
      const config = fromEnv({
        QUANZE_KAFKA_SSL: 'true',
        QUANZE_KAFKA_SSL_CA_FILE: '/etc/quanze/kafka/ca.pem',
        QUANZE_KAFKA_SSL_CERT_FILE: '/etc/quanze/kafka/client.pem',
        QUANZE_KAFKA_SSL_KEY_FILE: '/etc/quanze/kafka/client.key',
      });
      const options = kafkaConnectionOptions(
        config,
        files({ '/etc/quanze/kafka/ca.pem': CA, '/etc/quanze/kafka/client.pem': CERT, '/etc/quanze/kafka/client.key': KEY }),
      );
      expect(options).to.deep.equal({ ssl: { ca: [CA], cert: CERT, key: KEY } });
    });

    it('maps each SASL mechanism to kafkajs’s, in any case as written', () => {
      for (const [written, mechanism] of [['PLAIN', 'plain'], ['scram-sha-256', 'scram-sha-256'], ['SCRAM-SHA-512', 'scram-sha-512']] as const) {
        const config = fromEnv({ QUANZE_KAFKA_SSL: 'true', QUANZE_KAFKA_SASL_MECHANISM: written, QUANZE_KAFKA_SASL_USERNAME: 'quanze', QUANZE_KAFKA_SASL_PASSWORD: PASSWORD });
        expect(kafkaConnectionOptions(config, files({}))).to.deep.equal({ ssl: true, sasl: { mechanism, username: 'quanze', password: PASSWORD } });
      }
    });

    it('reads the password from a file, dropping the one trailing newline an editor or `echo` leaves', () => {
      const config = fromEnv({
        QUANZE_KAFKA_SSL: 'true',
        QUANZE_KAFKA_SASL_MECHANISM: 'scram-sha-512',
        QUANZE_KAFKA_SASL_USERNAME: 'quanze',
        QUANZE_KAFKA_SASL_PASSWORD_FILE: '/run/secrets/kafka-password',
      });
      expect(kafkaConnectionOptions(config, files({ '/run/secrets/kafka-password': `${PASSWORD} \n` })).sasl).to.deep.equal({
        mechanism: 'scram-sha-512',
        username: 'quanze',
        password: `${PASSWORD} `,
      });
    });

    it('lets the environment override the file’s sections, and QUANZE_KAFKA_SSL=false turn TLS off', async () => {
      const folder = await mkdtemp(join(tmpdir(), 'quanze-relay-security-'));
      try {
        const file = join(folder, 'relay.json');
        await writeFile(file, JSON.stringify({ brokers: ['ignored:1'], ssl: { caFile: '/etc/ca.pem' }, sasl: { mechanism: 'plain', username: 'file-user', passwordFile: '/p' } }));
        expect(relayConfigFromEnv({ ...BROKERS, QUANZE_KAFKA_CONFIG: file })).to.deep.include({ ssl: { caFile: '/etc/ca.pem' } });
        expect(relayConfigFromEnv({ ...BROKERS, QUANZE_KAFKA_CONFIG: file, QUANZE_KAFKA_SSL: 'false' })).to.deep.include({ ssl: null });
        expect(
          relayConfigFromEnv({ ...BROKERS, QUANZE_KAFKA_CONFIG: file, QUANZE_KAFKA_SASL_MECHANISM: 'scram-sha-256', QUANZE_KAFKA_SASL_USERNAME: 'env-user', QUANZE_KAFKA_SASL_PASSWORD_FILE: '/q' })?.sasl,
        ).to.deep.equal({ mechanism: 'scram-sha-256', username: 'env-user', passwordFile: '/q' });
      } finally {
        await rm(folder, { recursive: true, force: true });
      }
    });

    it('names the variable of every mistake, all at once', () => {
      expect(issuesOf(() => fromEnv({ QUANZE_KAFKA_SSL: 'yes' }))).to.deep.equal(['QUANZE_KAFKA_SSL: true or false']);
      expect(issuesOf(() => fromEnv({ QUANZE_KAFKA_SASL_MECHANISM: 'gssapi', QUANZE_KAFKA_SASL_USERNAME: 'quanze', QUANZE_KAFKA_SASL_PASSWORD: PASSWORD }))).to.deep.equal([
        'QUANZE_KAFKA_SASL_MECHANISM: one of plain, scram-sha-256, scram-sha-512',
      ]);
      expect(issuesOf(() => fromEnv({ QUANZE_KAFKA_SASL_MECHANISM: 'plain', QUANZE_KAFKA_SASL_PASSWORD: PASSWORD }))).to.deep.equal([
        'QUANZE_KAFKA_SASL_USERNAME: QUANZE_KAFKA_SASL_MECHANISM=plain needs a username',
      ]);
      const [noPassword] = issuesOf(() => fromEnv({ QUANZE_KAFKA_SASL_MECHANISM: 'plain', QUANZE_KAFKA_SASL_USERNAME: 'quanze' }));
      expect(noPassword).to.match(/^QUANZE_KAFKA_SASL_PASSWORD: .*needs QUANZE_KAFKA_SASL_PASSWORD or QUANZE_KAFKA_SASL_PASSWORD_FILE/);
      expect(
        issuesOf(() =>
          fromEnv({ QUANZE_KAFKA_SASL_MECHANISM: 'plain', QUANZE_KAFKA_SASL_USERNAME: 'quanze', QUANZE_KAFKA_SASL_PASSWORD: PASSWORD, QUANZE_KAFKA_SASL_PASSWORD_FILE: '/p' }),
        ),
      ).to.deep.equal(['QUANZE_KAFKA_SASL_PASSWORD: give either QUANZE_KAFKA_SASL_PASSWORD or QUANZE_KAFKA_SASL_PASSWORD_FILE, not both']);
      const [username] = issuesOf(() => fromEnv({ QUANZE_KAFKA_SASL_USERNAME: 'quanze' }));
      expect(username).to.match(/^QUANZE_KAFKA_SASL_USERNAME: is set, but QUANZE_KAFKA_SASL_MECHANISM is not/);
      expect(issuesOf(() => fromEnv({ QUANZE_KAFKA_SSL: 'true', QUANZE_KAFKA_SSL_CERT_FILE: '/c.pem' }))).to.deep.equal([
        'QUANZE_KAFKA_SSL_KEY_FILE: mutual TLS needs both QUANZE_KAFKA_SSL_CERT_FILE and QUANZE_KAFKA_SSL_KEY_FILE',
      ]);
      expect(issuesOf(() => fromEnv({ QUANZE_KAFKA_SSL_CA_FILE: '/ca.pem' }))).to.deep.equal([
        'QUANZE_KAFKA_SSL_CA_FILE: is set, but QUANZE_KAFKA_SSL is not true: set QUANZE_KAFKA_SSL=true to use TLS',
      ]);
    });

    it('checks a configuration given as a value the same way, naming the field', () => {
      expect(issuesOf(() => relayConfig({ brokers: ['k:9092'], ssl: { certFile: '/c.pem' } }))).to.deep.equal(['ssl.keyFile: mutual TLS needs both certFile and keyFile']);
      expect(issuesOf(() => relayConfig({ brokers: ['k:9092'], sasl: { mechanism: 'plain', username: 'quanze' } }))).to.deep.equal([
        'sasl.password: give either password or passwordFile',
      ]);
    });
  });

  describe('files, read when the relay is created', () => {
    const tls = (overrides: Partial<Record<string, string>>) =>
      fromEnv({
        QUANZE_KAFKA_SSL: 'true',
        QUANZE_KAFKA_SSL_CA_FILE: '/etc/quanze/kafka/ca.pem',
        QUANZE_KAFKA_SSL_CERT_FILE: '/etc/quanze/kafka/client.pem',
        QUANZE_KAFKA_SSL_KEY_FILE: '/etc/quanze/kafka/client.key',
        ...overrides,
      });

    it('refuses a missing file, naming the variable, the field and the path, and every such file at once', () => {
      expect(issuesOf(() => kafkaConnectionOptions(tls({}), files({ '/etc/quanze/kafka/client.key': KEY })))).to.deep.equal([
        'QUANZE_KAFKA_SSL_CA_FILE (ssl.caFile): /etc/quanze/kafka/ca.pem does not exist',
        'QUANZE_KAFKA_SSL_CERT_FILE (ssl.certFile): /etc/quanze/kafka/client.pem does not exist',
      ]);
    });

    it('refuses a file that is not what its variable says, and an encrypted key', () => {
      const read = files({ '/etc/quanze/kafka/ca.pem': KEY, '/etc/quanze/kafka/client.pem': CERT, '/etc/quanze/kafka/client.key': '-----BEGIN ENCRYPTED PRIVATE KEY-----\n' });
      const [ca, key] = issuesOf(() => kafkaConnectionOptions(tls({}), read));
      expect(ca).to.equal('QUANZE_KAFKA_SSL_CA_FILE (ssl.caFile): /etc/quanze/kafka/ca.pem holds no PEM certificate (-----BEGIN CERTIFICATE-----)');
      expect(key).to.match(/^QUANZE_KAFKA_SSL_KEY_FILE \(ssl\.keyFile\): \/etc\/quanze\/kafka\/client\.key is an encrypted key/);
    });

    it('refuses an empty password file', () => {
      const config = fromEnv({ QUANZE_KAFKA_SASL_MECHANISM: 'plain', QUANZE_KAFKA_SASL_USERNAME: 'quanze', QUANZE_KAFKA_SASL_PASSWORD_FILE: '/run/secrets/kafka-password' });
      expect(issuesOf(() => kafkaConnectionOptions(config, files({ '/run/secrets/kafka-password': '\n' })))).to.deep.equal([
        'QUANZE_KAFKA_SASL_PASSWORD_FILE (sasl.passwordFile): /run/secrets/kafka-password is empty',
      ]);
    });

    it('reads real files through the file system by default, and says which does not exist', async () => {
      const folder = await mkdtemp(join(tmpdir(), 'quanze-relay-security-'));
      try {
        await writeFile(join(folder, 'ca.pem'), CA);
        const config = fromEnv({ QUANZE_KAFKA_SSL: 'true', QUANZE_KAFKA_SSL_CA_FILE: join(folder, 'ca.pem') });
        expect(kafkaConnectionOptions(config)).to.deep.equal({ ssl: { ca: [CA] } });
        const missing = fromEnv({ QUANZE_KAFKA_SSL: 'true', QUANZE_KAFKA_SSL_CA_FILE: join(folder, 'nope.pem') });
        expect(issuesOf(() => kafkaConnectionOptions(missing))).to.deep.equal([`QUANZE_KAFKA_SSL_CA_FILE (ssl.caFile): ${join(folder, 'nope.pem')} does not exist`]);
      } finally {
        await rm(folder, { recursive: true, force: true });
      }
    });
  });

  describe('the password', () => {
    const config = () => fromEnv({ QUANZE_KAFKA_SSL: 'true', QUANZE_KAFKA_SASL_MECHANISM: 'plain', QUANZE_KAFKA_SASL_USERNAME: 'quanze', QUANZE_KAFKA_SASL_PASSWORD: PASSWORD });

    it('never shows in the configuration as JSON, as text, as inspected, or in a pino line', () => {
      const lines: string[] = [];
      const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
      logger.info({ config: config() }, 'configuration');
      logger.info(describeSecurity(config()), 'relay started');
      for (const shown of [JSON.stringify(config()), String(config().sasl?.password), inspect(config(), { depth: 10 }), ...lines]) {
        expect(shown).not.to.include(PASSWORD);
      }
      expect(lines.join('')).to.include('[redacted]');
      expect(config().sasl?.password).to.be.instanceOf(Secret);
    });

    it('is not in the errors of a bad configuration', () => {
      const [issue] = issuesOf(() => fromEnv({ QUANZE_KAFKA_SASL_MECHANISM: 'kerberos', QUANZE_KAFKA_SASL_USERNAME: 'quanze', QUANZE_KAFKA_SASL_PASSWORD: PASSWORD }));
      expect(issue).not.to.include(PASSWORD);
    });

    it('survives a configuration passed on as a value (a copy with a field changed)', () => {
      const copy = relayConfig({ ...config(), publicEventTypes: [] });
      expect(kafkaConnectionOptions(copy, files({})).sasl).to.deep.equal({ mechanism: 'plain', username: 'quanze', password: PASSWORD });
    });
  });

  describe('warnings', () => {
    it('warns of SASL without TLS, louder for PLAIN, whose password crosses the network readable', () => {
      const plain = fromEnv({ QUANZE_KAFKA_SASL_MECHANISM: 'plain', QUANZE_KAFKA_SASL_USERNAME: 'quanze', QUANZE_KAFKA_SASL_PASSWORD: PASSWORD });
      expect(securityWarnings(plain)).to.deep.equal([
        'SASL PLAIN without TLS (QUANZE_KAFKA_SSL is not true): the password crosses the network readable; set QUANZE_KAFKA_SSL=true',
      ]);
      const scram = fromEnv({ QUANZE_KAFKA_SASL_MECHANISM: 'scram-sha-256', QUANZE_KAFKA_SASL_USERNAME: 'quanze', QUANZE_KAFKA_SASL_PASSWORD: PASSWORD });
      expect(securityWarnings(scram)[0]).to.match(/^SASL SCRAM-SHA-256 without TLS .*unencrypted/);
      expect(securityWarnings(fromEnv({ QUANZE_KAFKA_SSL: 'true', QUANZE_KAFKA_SASL_MECHANISM: 'plain', QUANZE_KAFKA_SASL_USERNAME: 'quanze', QUANZE_KAFKA_SASL_PASSWORD: PASSWORD }))).to.deep.equal([]);
      expect(securityWarnings(fromEnv({}))).to.deep.equal([]);
    });
  });
});

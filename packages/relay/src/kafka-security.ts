import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import type { ConnectionOptions } from 'node:tls';
import type { SASLOptions } from 'kafkajs';
import { z } from 'zod';

/**
 * A password kept out of every log line and error message: JSON, `String()` and `util.inspect` (pino, console) show
 * `[redacted]`; only `reveal()` gives the text, and only the Kafka client calls it.
 */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toJSON(): string {
    return '[redacted]';
  }
  toString(): string {
    return '[redacted]';
  }
  [inspect.custom](): string {
    return 'Secret([redacted])';
  }
}

const FilePath = z.string().min(1, 'a file path');
const SecretText = z.union([z.instanceof(Secret), z.string().min(1, 'not empty').transform((value) => new Secret(value))]);

export const SaslMechanism = z.enum(['plain', 'scram-sha-256', 'scram-sha-512']);
export type SaslMechanism = z.infer<typeof SaslMechanism>;

/** TLS to the brokers; present means on. Without `caFile` the system's CAs are trusted. */
export const RelaySsl = z
  .object({
    caFile: FilePath.optional().describe('PEM of the CA that signed the brokers’ certificates; the system CAs when left out'),
    certFile: FilePath.optional().describe('PEM certificate of this client, for mutual TLS (with keyFile)'),
    keyFile: FilePath.optional().describe('unencrypted PEM private key of this client, for mutual TLS (with certFile)'),
  })
  .strict()
  .superRefine((ssl, context) => {
    if ((ssl.certFile === undefined) !== (ssl.keyFile === undefined)) {
      context.addIssue({ code: 'custom', path: [ssl.certFile === undefined ? 'certFile' : 'keyFile'], message: 'mutual TLS needs both certFile and keyFile' });
    }
  });
export type RelaySsl = z.infer<typeof RelaySsl>;

export const RelaySasl = z
  .object({
    mechanism: SaslMechanism,
    username: z.string().min(1, 'a username'),
    password: SecretText.optional(),
    passwordFile: FilePath.optional().describe('a file holding the password (a Docker or systemd secret); one trailing newline is dropped'),
  })
  .strict()
  .superRefine((sasl, context) => {
    if ((sasl.password === undefined) === (sasl.passwordFile === undefined)) {
      context.addIssue({ code: 'custom', path: ['password'], message: 'give either password or passwordFile' });
    }
  });
export type RelaySasl = z.infer<typeof RelaySasl>;

/** The environment variable each field comes from, to name it in errors found after parsing (files, warnings). */
export const SECURITY_VARIABLES = {
  ssl: 'QUANZE_KAFKA_SSL',
  caFile: 'QUANZE_KAFKA_SSL_CA_FILE',
  certFile: 'QUANZE_KAFKA_SSL_CERT_FILE',
  keyFile: 'QUANZE_KAFKA_SSL_KEY_FILE',
  mechanism: 'QUANZE_KAFKA_SASL_MECHANISM',
  username: 'QUANZE_KAFKA_SASL_USERNAME',
  password: 'QUANZE_KAFKA_SASL_PASSWORD',
  passwordFile: 'QUANZE_KAFKA_SASL_PASSWORD_FILE',
} as const;
const V = SECURITY_VARIABLES;

const unset = (value: string | undefined) => value === undefined || value.trim() === '';

const SecurityEnv = z
  .object({
    [V.ssl]: z.enum(['true', 'false'], { message: 'true or false' }).optional(),
    [V.caFile]: FilePath.optional(),
    [V.certFile]: FilePath.optional(),
    [V.keyFile]: FilePath.optional(),
    [V.mechanism]: z
      .string()
      .transform((value) => value.toLowerCase())
      .pipe(z.enum(SaslMechanism.options, { message: `one of ${SaslMechanism.options.join(', ')}` }))
      .optional(),
    [V.username]: z.string().optional(),
    [V.password]: z.string().optional(),
    [V.passwordFile]: FilePath.optional(),
  })
  .superRefine((env, context) => {
    const issue = (variable: string, message: string) => { context.addIssue({ code: 'custom', path: [variable], message }); };
    if (env[V.ssl] !== 'true') {
      for (const variable of [V.caFile, V.certFile, V.keyFile]) {
        if (env[variable] !== undefined) issue(variable, `is set, but ${V.ssl} is not true: set ${V.ssl}=true to use TLS`);
      }
    }
    if ((env[V.certFile] === undefined) !== (env[V.keyFile] === undefined)) {
      issue(env[V.certFile] === undefined ? V.certFile : V.keyFile, `mutual TLS needs both ${V.certFile} and ${V.keyFile}`);
    }
    const mechanism = env[V.mechanism];
    if (mechanism === undefined) {
      for (const variable of [V.username, V.password, V.passwordFile]) {
        if (env[variable] !== undefined) issue(variable, `is set, but ${V.mechanism} is not: say how to authenticate (${SaslMechanism.options.join(', ')})`);
      }
      return;
    }
    if (env[V.username] === undefined) issue(V.username, `${V.mechanism}=${mechanism} needs a username`);
    if (env[V.password] !== undefined && env[V.passwordFile] !== undefined) {
      issue(V.password, `give either ${V.password} or ${V.passwordFile}, not both`);
    } else if (env[V.password] === undefined && env[V.passwordFile] === undefined) {
      issue(V.password, `${V.mechanism}=${mechanism} needs ${V.password} or ${V.passwordFile} (a file is better: it stays out of the process environment)`);
    }
  });

/** One problem found in the security settings: the variable (and field) it concerns, and what is wrong. */
export interface SecurityIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * The `ssl` and `sasl` fields from the environment, or issues naming the variables; a section is left out (for the
 * configuration file to give) when none of its variables is set. Empty variables count as unset.
 */
export function securityFromEnv(env: NodeJS.ProcessEnv): { ok: true; ssl?: RelaySsl | null; sasl?: RelaySasl | null } | { ok: false; issues: SecurityIssue[] } {
  const given: Record<string, string> = {};
  for (const variable of Object.values(V)) {
    const value = env[variable];
    if (!unset(value) && value !== undefined) given[variable] = variable === V.password ? value : value.trim();
  }
  const parsed = SecurityEnv.safeParse(given);
  if (!parsed.success) {
    return { ok: false, issues: parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.') || '(environment)', message: issue.message })) };
  }
  const values = parsed.data;
  const result: { ok: true; ssl?: RelaySsl | null; sasl?: RelaySasl | null } = { ok: true };
  if (values[V.ssl] !== undefined) {
    result.ssl =
      values[V.ssl] === 'true'
        ? {
            ...(values[V.caFile] === undefined ? {} : { caFile: values[V.caFile] }),
            ...(values[V.certFile] === undefined ? {} : { certFile: values[V.certFile] }),
            ...(values[V.keyFile] === undefined ? {} : { keyFile: values[V.keyFile] }),
          }
        : null;
  }
  const mechanism = values[V.mechanism];
  const username = values[V.username];
  if (mechanism !== undefined && username !== undefined) {
    const password = values[V.password];
    const passwordFile = values[V.passwordFile];
    result.sasl = {
      mechanism,
      username,
      ...(password === undefined ? {} : { password: new Secret(password) }),
      ...(passwordFile === undefined ? {} : { passwordFile }),
    };
  }
  return result;
}

/** What the security settings mean for kafkajs's client: its `ssl` and `sasl` options, with the files read. */
export interface KafkaConnectionOptions {
  readonly ssl?: ConnectionOptions | boolean;
  readonly sasl?: SASLOptions;
}

/** The files named by the configuration could not be used; every issue names its variable, field and path. */
export class UnusableSecurityFile extends Error {
  readonly code = 'relay.unusable-security-file';
  constructor(readonly issues: readonly SecurityIssue[]) {
    super(`the relay’s Kafka security files cannot be used: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`);
    this.name = 'UnusableSecurityFile';
  }
}

function readProblem(error: unknown): string {
  const code = typeof error === 'object' && error !== null && 'code' in error ? (error).code : undefined;
  if (code === 'ENOENT') return 'does not exist';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read by this user (permission denied)';
  if (code === 'EISDIR') return 'is a folder, not a file';
  return error instanceof Error ? error.message : String(error);
}

/**
 * kafkajs's `ssl` and `sasl` options for the configuration, reading the CA, certificate, key and password files
 * now (at start), so that a missing or wrong file stops the relay before it connects, naming the variable and the
 * path. `readFile` is the file system's; tests give their own.
 */
export function kafkaConnectionOptions(
  config: { readonly ssl: RelaySsl | null; readonly sasl: RelaySasl | null },
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): KafkaConnectionOptions {
  const issues: SecurityIssue[] = [];
  const read = (field: keyof typeof V, path: string, check: (text: string) => string | null): string | null => {
    const where = `${V[field]} (${field === 'caFile' || field === 'certFile' || field === 'keyFile' ? `ssl.${field}` : `sasl.${field}`})`;
    let text: string;
    try {
      text = readFile(path);
    } catch (error) {
      issues.push({ path: where, message: `${path} ${readProblem(error)}` });
      return null;
    }
    const problem = check(text);
    if (problem !== null) {
      issues.push({ path: where, message: `${path} ${problem}` });
      return null;
    }
    return text;
  };
  const certificate = (text: string) => (text.includes('-----BEGIN CERTIFICATE-----') ? null : 'holds no PEM certificate (-----BEGIN CERTIFICATE-----)');
  const privateKey = (text: string) => {
    if (text.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----') || /Proc-Type: 4,ENCRYPTED/.test(text)) {
      return 'is an encrypted key: the relay takes no passphrase, give it the key unencrypted, readable by its user only';
    }
    return /-----BEGIN (RSA |EC )?PRIVATE KEY-----/.test(text) ? null : 'holds no PEM private key (-----BEGIN PRIVATE KEY-----)';
  };

  let ssl: ConnectionOptions | boolean | undefined;
  if (config.ssl !== null) {
    const { caFile, certFile, keyFile } = config.ssl;
    const ca = caFile === undefined ? undefined : read('caFile', caFile, certificate);
    const cert = certFile === undefined ? undefined : read('certFile', certFile, certificate);
    const key = keyFile === undefined ? undefined : read('keyFile', keyFile, privateKey);
    const options: ConnectionOptions = {
      // Given a CA, only that CA is trusted (Node replaces its bundled ones), as a city's private CA requires.
      ...(typeof ca === 'string' ? { ca: [ca] } : {}),
      ...(typeof cert === 'string' ? { cert } : {}),
      ...(typeof key === 'string' ? { key } : {}),
    };
    ssl = Object.keys(options).length === 0 ? true : options;
  }

  let sasl: SASLOptions | undefined;
  if (config.sasl !== null) {
    const { mechanism, username, passwordFile } = config.sasl;
    let password = config.sasl.password?.reveal() ?? null;
    if (passwordFile !== undefined) {
      const text = read('passwordFile', passwordFile, (content) => (content.replace(/\r?\n$/, '') === '' ? 'is empty' : null));
      password = text === null ? null : text.replace(/\r?\n$/, '');
    }
    if (password !== null) sasl = { mechanism, username, password };
  }
  if (issues.length > 0) throw new UnusableSecurityFile(issues);
  return { ...(ssl === undefined ? {} : { ssl }), ...(sasl === undefined ? {} : { sasl }) };
}

/**
 * What an operator should know about a configuration that works but is weaker than intended. SASL without TLS is
 * allowed (a broker on the same host, a network the city encrypts itself), but said at every start: PLAIN sends the
 * password readable on the wire, and with SCRAM the messages themselves still travel unencrypted.
 */
export function securityWarnings(config: { readonly ssl: RelaySsl | null; readonly sasl: RelaySasl | null }): string[] {
  const warnings: string[] = [];
  if (config.sasl !== null && config.ssl === null) {
    warnings.push(
      config.sasl.mechanism === 'plain'
        ? `SASL PLAIN without TLS (${V.ssl} is not true): the password crosses the network readable; set ${V.ssl}=true`
        : `SASL ${config.sasl.mechanism.toUpperCase()} without TLS (${V.ssl} is not true): the password is not sent, but every message crosses the network unencrypted`,
    );
  }
  return warnings;
}

/** The security settings as they may be logged: whether TLS is on and with which files, the mechanism and user. */
export function describeSecurity(config: { readonly ssl: RelaySsl | null; readonly sasl: RelaySasl | null }): Record<string, unknown> {
  return {
    ssl: config.ssl === null ? false : { ca: config.ssl.caFile ?? 'system', mutual: config.ssl.certFile !== undefined },
    sasl: config.sasl === null ? false : { mechanism: config.sasl.mechanism, username: config.sasl.username },
  };
}

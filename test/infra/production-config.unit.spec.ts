// The production files cannot be run here (no Docker engine, no systemd as PID 1), so this checks what can be checked
// without running them: they parse, every Quanze variable they set is one the code reads and every one the code reads
// is documented, the files and paths they name exist, and nginx routes every service's paths to that service.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { load } from 'js-yaml';
import { z } from 'zod';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PRODUCTION = join(ROOT, 'infra/production');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

const SERVICES = { organization: 3001, decisions: 3002, documents: 3003, enforcement: 3004, accountability: 3005 } as const;
type ServiceName = keyof typeof SERVICES;
const SERVICE_NAMES = Object.keys(SERVICES) as ServiceName[];

function sourceFiles(folder: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(join(ROOT, folder), { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) files.push(...sourceFiles(path));
    else if (entry.name.endsWith('.ts')) files.push(path);
  }
  return files;
}

const PRODUCT_SOURCES = [
  ...readdirSync(join(ROOT, 'packages')).map((name) => `packages/${name}/src`),
  ...SERVICE_NAMES.map((name) => `services/${name}/src`),
  'infra/local/src',
  'infra/production/scripts',
].flatMap((folder) => sourceFiles(folder));

/** Every environment variable the product reads: QUANZE_* wherever it is named, and `env.X` / `env['X']`. */
const VARIABLES_THE_CODE_READS = new Set(
  PRODUCT_SOURCES.flatMap((file) => {
    const text = read(file);
    return [
      ...[...text.matchAll(/\b(QUANZE_[A-Z0-9_]+)\b/g)].map((match) => match[1]),
      ...[...text.matchAll(/\benv(?:\.([A-Z][A-Z0-9_]+)|\['([A-Z][A-Z0-9_]+)'\])/g)].map((match) => match[1] ?? match[2]),
    ].filter((name): name is string => name !== undefined && name !== 'INIT_CWD' && name !== 'CI');
  }),
);

const ComposeService = z.object({
  image: z.string().optional(),
  build: z.object({ context: z.string(), dockerfile: z.string() }).optional(),
  command: z.array(z.string()).optional(),
  entrypoint: z.array(z.string()).optional(),
  environment: z.record(z.string(), z.string()).optional(),
  secrets: z.array(z.string()).optional(),
  volumes: z.array(z.string()).optional(),
  healthcheck: z.object({ test: z.array(z.string()) }).loose().optional(),
  restart: z.string().optional(),
  profiles: z.array(z.string()).optional(),
}).loose();
const ComposeFile = z.object({
  services: z.record(z.string(), ComposeService),
  secrets: z.record(z.string(), z.object({ file: z.string() })).optional(),
  volumes: z.record(z.string(), z.unknown()).optional(),
}).loose();
type ComposeFile = z.infer<typeof ComposeFile>;

function composeFile(name: string): ComposeFile {
  return ComposeFile.parse(load(read(`infra/production/compose/${name}`)));
}

const isQuanzeImage = (service: z.infer<typeof ComposeService>) => service.build?.dockerfile === 'infra/production/Dockerfile';

/** The variables assigned in .env.example; with `commented`, also those shown commented out (`#NAME=`). */
function envExample(options: { commented: boolean } = { commented: true }): Map<string, string> {
  const variables = new Map<string, string>();
  for (const line of read('infra/production/compose/.env.example').split('\n')) {
    const match = (options.commented ? /^#?([A-Z][A-Z0-9_]*)=(.*)$/ : /^([A-Z][A-Z0-9_]*)=(.*)$/).exec(line);
    if (match?.[1] !== undefined) variables.set(match[1], match[2] ?? '');
  }
  return variables;
}

/** The first path segments a service's routes are mounted under, from its route declarations. */
function routePrefixes(service: ServiceName): Set<string> {
  return new Set(
    sourceFiles(`services/${service}/src`).flatMap((file) => [...read(file).matchAll(/path: '\/([a-z-]+)/g)].map((match) => match[1] ?? '')),
  );
}

describe('the production topology (infra/production), as far as it can be checked without running it', function () {
  describe('compose.yaml', function () {
    const compose = composeFile('compose.yaml');
    const quanze = Object.entries(compose.services).filter(([, service]) => isQuanzeImage(service));

    it('runs each service, the relay and the backup from the Quanze image, each from an entry file that exists', function () {
      expect(quanze.map(([name]) => name).sort()).to.deep.equal([...SERVICE_NAMES, 'backup', 'relay'].sort());
      for (const [name, service] of quanze) {
        const entry = service.command?.[0] ?? '';
        if (name === 'backup') expect(entry, name).to.contain('infra/production/scripts/backup.ts');
        else expect(existsSync(join(ROOT, entry)), `${name}: ${entry}`).to.equal(true);
      }
      for (const service of SERVICE_NAMES) expect(compose.services[service]?.command).to.deep.equal([`services/${service}/src/main.ts`]);
      expect(compose.services['relay']?.command).to.deep.equal(['infra/local/src/relay-main.ts']);
    });

    it('sets only variables the code reads, on each service the port its main.ts defaults to', function () {
      for (const [name, service] of quanze) {
        for (const variable of Object.keys(service.environment ?? {})) {
          expect(VARIABLES_THE_CODE_READS.has(variable), `${name} sets ${variable}`).to.equal(true);
        }
      }
      for (const service of SERVICE_NAMES) {
        expect(compose.services[service]?.environment?.['PORT'], service).to.equal(String(SERVICES[service]));
        expect(read(`services/${service}/src/main.ts`), service).to.contain(`{ port: ${SERVICES[service]} }`);
      }
    });

    it('points every *_FILE variable at a secret the service is given and the file declares', function () {
      for (const [name, service] of quanze) {
        for (const [variable, value] of Object.entries(service.environment ?? {})) {
          if (!variable.endsWith('_FILE')) continue;
          const secret = /^\/run\/secrets\/([a-z-]+)$/.exec(value)?.[1];
          expect(secret, `${name} ${variable}`).to.be.a('string');
          expect(service.secrets, `${name} is given ${String(secret)}`).to.include(secret);
          expect(compose.secrets, `the secret ${String(secret)} is declared`).to.have.property(secret ?? '');
        }
      }
      expect(compose.services['accountability']?.environment).to.have.property('QUANZE_LOG_SIGNING_KEY_FILE');
      for (const [name, service] of quanze) {
        if (name !== 'accountability') expect(service.secrets ?? [], `${name} never sees the log's signing key`).not.to.include('log-signing-key');
      }
    });

    it('checks each service on /readyz, a path every service serves', function () {
      for (const service of SERVICE_NAMES) {
        const test = compose.services[service]?.healthcheck?.test.join(' ') ?? '';
        expect(test, service).to.contain("'/readyz'");
      }
      expect(read('packages/service-kit/src/app.ts')).to.contain("app.get('/readyz'");
    });

    it('keeps the accountability service, the relay and the backup on one data volume (keys, relay checkpoint, read models)', function () {
      for (const name of ['accountability', 'relay', 'backup']) expect(compose.services[name]?.volumes, name).to.include('quanze-data:/var/lib/quanze');
    });

    it('runs PostgreSQL with fsync and synchronous commit on and its WAL archived', function () {
      const command = compose.services['postgres']?.command?.join(' ') ?? '';
      for (const setting of ['fsync=on', 'synchronous_commit=on', 'full_page_writes=on', 'archive_mode=on', 'archive_command=']) expect(command).to.contain(setting);
    });

    it('runs three Kafka nodes in KRaft mode, each a voter, with three replicas and two in sync', function () {
      const nodes = ['kafka-1', 'kafka-2', 'kafka-3'].map((name) => compose.services[name]?.environment ?? {});
      expect(nodes.map((environment) => environment['KAFKA_NODE_ID'])).to.deep.equal(['1', '2', '3']);
      for (const environment of nodes) {
        expect(environment['KAFKA_PROCESS_ROLES']).to.equal('broker,controller');
        expect(environment['KAFKA_CONTROLLER_QUORUM_VOTERS']).to.equal('1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093');
        expect(environment['KAFKA_DEFAULT_REPLICATION_FACTOR']).to.equal('3');
        expect(environment['KAFKA_MIN_INSYNC_REPLICAS']).to.equal('2');
      }
      expect(envExample().get('QUANZE_KAFKA_BROKERS')).to.equal('kafka-1:9092,kafka-2:9092,kafka-3:9092');
    });

    it('mounts only files that exist in the repository', function () {
      const compose = read('infra/production/compose/compose.yaml');
      for (const match of compose.matchAll(/- (\.\.\/[^:]+):/g)) {
        const path = join(PRODUCTION, 'compose', match[1] ?? '');
        expect(existsSync(path), relative(ROOT, path)).to.equal(true);
      }
    });
  });

  describe('.env.example', function () {
    it('documents every variable the code reads', function () {
      const documented = envExample();
      const undocumented = [...VARIABLES_THE_CODE_READS].filter((name) => !documented.has(name)).sort();
      expect(undocumented).to.deep.equal([]);
    });

    it('names nothing the code, the compose files or the topic script do not read', function () {
      const others = ['compose.yaml', 'compose.witness.yaml'].map((name) => read(`infra/production/compose/${name}`)).join('\n') + read('infra/production/kafka/create-topics.sh');
      for (const name of envExample().keys()) {
        expect(VARIABLES_THE_CODE_READS.has(name) || others.includes(name), name).to.equal(true);
      }
    });

    it('gives the relay a configuration it accepts', async function () {
      const { relayConfigFromEnv } = await import('@quanze/relay');
      const variables = Object.fromEntries([...envExample({ commented: false })].map(([name, value]) => [name, value.replace(/^'(.*)'$/, '$1')]));
      const config = relayConfigFromEnv(variables);
      expect(config?.organisations.map((organisation) => organisation.code).join(',')).to.equal(variables['KAFKA_TOPIC_ORGANISATION_CODES']);
    });
  });

  describe('compose.witness.yaml', function () {
    it('runs the witness of packages/integrity from the Quanze image, sharing nothing with the city', function () {
      const witness = composeFile('compose.witness.yaml');
      const service = witness.services['witness'];
      expect(service?.command?.[0]).to.equal('packages/integrity/src/witness/main.ts');
      expect(existsSync(join(ROOT, service?.command?.[0] ?? ''))).to.equal(true);
      for (const flag of ['--key', '--state', '--log', '--listen', '--name']) expect(service?.command).to.include(flag);
      expect(Object.keys(witness.volumes ?? {})).to.deep.equal(['witness-state']);
      expect(service?.secrets).to.equal(undefined);
    });
  });

  describe('nginx/quanze.conf', function () {
    const conf = read('infra/production/nginx/quanze.conf');

    it('routes every path prefix of each service to that service, and to no other', function () {
      const routed = new Map<string, string>();
      for (const match of conf.matchAll(/location ~ \^\/\(?([a-z|-]+)\)?\(\/\|\$\)\s*\{\s*proxy_pass http:\/\/quanze_([a-z]+);/g)) {
        for (const prefix of (match[1] ?? '').split('|')) routed.set(prefix, match[2] ?? '');
      }
      for (const service of SERVICE_NAMES) {
        for (const prefix of routePrefixes(service)) expect(routed.get(prefix), `/${prefix}`).to.equal(service);
        expect(conf, service).to.contain(`server ${service}:${SERVICES[service]};`);
      }
      const served = new Set(SERVICE_NAMES.flatMap((service) => [...routePrefixes(service)]));
      expect([...routed.keys()].filter((prefix) => !served.has(prefix)).sort()).to.deep.equal([]);
    });
  });

  describe('the systemd units', function () {
    const folder = join(PRODUCTION, 'systemd');
    const units = readdirSync(folder).filter((name) => name.endsWith('.service'));
    const settings = (name: string) => {
      const map = new Map<string, string[]>();
      for (const line of readFileSync(join(folder, name), 'utf8').split('\n')) {
        const match = /^([A-Za-z]+)=(.*)$/.exec(line);
        if (match?.[1] !== undefined) map.set(match[1], [...(map.get(match[1]) ?? []), match[2] ?? '']);
      }
      return map;
    };

    it('has one unit per service, the relay, the backup, the verification and the witness', function () {
      expect(units.sort()).to.deep.equal(
        [...SERVICE_NAMES.map((service) => `quanze-${service}.service`), 'quanze-relay.service', 'quanze-backup.service', 'quanze-verify.service', 'quanze-witness.service'].sort(),
      );
    });

    it('runs each as its own user, from the environment file, restarted on failure unless one-shot, hardened', function () {
      for (const unit of units) {
        const unitSettings = settings(unit);
        expect(unitSettings.get('User')?.[0], unit).to.match(/^quanze/);
        expect(unitSettings.get('EnvironmentFile'), unit).to.deep.equal(['/etc/quanze/quanze.env']);
        if (unitSettings.get('Type')?.[0] !== 'oneshot') expect(unitSettings.get('Restart'), unit).to.deep.equal(['on-failure']);
        for (const hardening of ['NoNewPrivileges', 'ProtectSystem', 'PrivateTmp', 'CapabilityBoundingSet']) expect(unitSettings.has(hardening), `${unit} ${hardening}`).to.equal(true);
        const exec = unitSettings.get('ExecStart')?.[0] ?? '';
        const entry = /\s((?:services|infra|packages)\/[\w./-]+\.(?:ts|js))/.exec(exec)?.[1] ?? /\/opt\/quanze\/([\w./-]+\.js)/.exec(exec)?.[1];
        expect(entry, `${unit} runs a file of the repository`).to.be.a('string');
        expect(existsSync(join(ROOT, entry ?? '')), `${unit}: ${String(entry)}`).to.equal(true);
        for (const variable of (unitSettings.get('Environment') ?? []).map((assignment) => assignment.split('=')[0] ?? '')) {
          expect(VARIABLES_THE_CODE_READS.has(variable), `${unit} sets ${variable}`).to.equal(true);
        }
      }
      for (const service of SERVICE_NAMES) expect(settings(`quanze-${service}.service`).get('Environment')).to.include(`PORT=${SERVICES[service]}`);
      expect(settings('quanze-accountability.service').get('LoadCredential')).to.include('log-signing-key:/etc/quanze/keys/log-signing-key.txt');
    });

    it('passes systemd-analyze verify where systemd is installed', function () {
      const found = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
      if (found.error !== undefined) {
        console.log('      systemd-analyze is not installed: the units are checked by the specs above only');
        this.skip();
      }
      const files = readdirSync(folder).map((name) => join(folder, name));
      const result = spawnSync('systemd-analyze', ['verify', '--man=no', ...files], { encoding: 'utf8' });
      expect(`${result.stdout}${result.stderr}`).to.equal('');
      expect(result.status).to.equal(0);
    });
  });

  describe('kurrentdb/compose.yaml', function () {
    const compose = ComposeFile.parse(load(read('infra/production/kurrentdb/compose.yaml')));
    const nodes = ['kurrentdb-1', 'kurrentdb-2', 'kurrentdb-3'].map((name) => ({ name, environment: compose.services[name]?.environment ?? {} }));

    it('runs three nodes of one cluster, each seeding its gossip with the other two', function () {
      const addresses = nodes.map(({ environment }) => environment['KURRENTDB_REPLICATION_IP']);
      expect(new Set(addresses).size).to.equal(3);
      for (const [index, { name, environment }] of nodes.entries()) {
        expect(environment['KURRENTDB_CLUSTER_SIZE'], name).to.equal('3');
        expect(environment['KURRENTDB_DISCOVER_VIA_DNS'], name).to.equal('false');
        const others = addresses.filter((_, other) => other !== index).map((address) => `${String(address)}:2113`);
        expect(environment['KURRENTDB_GOSSIP_SEED']?.split(',').sort(), name).to.deep.equal(others.sort());
      }
    });

    it('runs TLS with a certificate per node that the setup profile makes, and no projections', function () {
      const certificates = compose.services['certificates'];
      expect(certificates?.profiles).to.deep.equal(['setup']);
      const made = certificates?.command?.join(' ') ?? '';
      for (const [index, { name, environment }] of nodes.entries()) {
        expect(environment['KURRENTDB_INSECURE'], name).to.equal('false');
        expect(environment['KURRENTDB_RUN_PROJECTIONS'], name).to.equal('None');
        expect(environment['KURRENTDB_CERTIFICATE_FILE'], name).to.equal(`/etc/kurrentdb/certs/node${index + 1}/node.crt`);
        expect(made, name).to.contain(`-out ./node${index + 1} -ip-addresses 127.0.0.1,${String(environment['KURRENTDB_REPLICATION_IP'])},`);
        expect(compose.services[nodes[index]?.name ?? '']?.volumes, name).to.include('./certs:/etc/kurrentdb/certs:ro');
      }
    });

    // The contract stores a 1 MiB payload in one append; KurrentDB's default MaxAppendSize is exactly 1 MiB.
    it('lets an append carry a few MiB, above what one Quanze append of a 1 MiB payload needs', function () {
      for (const { name, environment } of nodes) expect(Number(environment['KURRENTDB_MAX_APPEND_SIZE']), name).to.be.at.least(2 * 1024 * 1024);
    });

    it('shows a QUANZE_STORE_URL that opens the KurrentDB store, naming the three published ports', async function () {
      const { parseKurrentDbUrl } = await import('@quanze/eventstore');
      const ports = nodes.map(({ name }) => (compose.services[name] as { ports?: string[] } | undefined)?.ports?.[0]?.split(':')[0]);
      for (const file of ['infra/production/kurrentdb/README.md', 'infra/production/kurrentdb/compose.yaml']) {
        const shown = /QUANZE_STORE_URL='?(kurrentdb:\/\/[^'\s]+)/.exec(read(file))?.[1];
        expect(shown, file).to.be.a('string');
        const { connectionString } = parseKurrentDbUrl(shown ?? '');
        for (const port of ports) expect(connectionString, file).to.contain(`:${String(port)}`);
        expect(connectionString, file).to.match(/^esdb:\/\/.*tls=true/);
      }
    });
  });

  describe('the Dockerfile and the topic script', function () {
    it('builds on node:20-bookworm-slim with npm ci and runs as a user that is not root', function () {
      const dockerfile = read('infra/production/Dockerfile');
      expect(dockerfile.match(/^FROM node:20-bookworm-slim/gm)).to.have.length(2);
      expect(dockerfile).to.match(/^RUN npm ci --omit=dev/m);
      expect(dockerfile).to.match(/^USER quanze$/m);
      expect(dockerfile).to.contain('ENTRYPOINT ["node", "--import", "tsx", "--conditions=@quanze/source"]');
      expect(existsSync(join(ROOT, /^CMD \["([^"]+)"\]$/m.exec(dockerfile)?.[1] ?? 'missing'))).to.equal(true);
    });

    it('has a topic script bash accepts', function () {
      execFileSync('bash', ['-n', join(PRODUCTION, 'kafka/create-topics.sh')]);
    });
  });
});

import { parseArgs } from 'node:util';
import { BackupRefused, backupLedger } from './ledger-backup.js';

/**
 * `node --import tsx --conditions=@quanze/source infra/production/scripts/backup.ts --to <new folder>`: an online
 * backup of the ledger of QUANZE_DATA / QUANZE_STORE_URL (or --data / --store) while the services run
 * (docs/operations.md#backups). Exit 0 with the manifest on stdout; 2 for a usage error; 1 when it failed.
 */
const USAGE = `usage: backup.ts --to <new folder> [--data <data folder>] [--store <url>] [--include-secrets] [--pg-dump <path>]
  --to               a folder that does not exist yet; written beside it, renamed into place when complete
  --data             the data folder (default: QUANZE_DATA, else ./data)
  --store            the event store (default: QUANZE_STORE_URL, else sqlite:<data>)
  --include-secrets  also copy the secret keys in <data>/keys (keep such a backup encrypted and apart)
  --pg-dump          the pg_dump to run for a PostgreSQL store (default: pg_dump on the PATH)
`;

let values;
try {
  ({ values } = parseArgs({
    options: {
      to: { type: 'string' },
      data: { type: 'string' },
      store: { type: 'string' },
      'include-secrets': { type: 'boolean', default: false },
      'pg-dump': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  }));
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
  process.exit(2);
}
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
if (values.to === undefined) {
  process.stderr.write(`--to is required\n\n${USAGE}`);
  process.exit(2);
}
const data = values.data ?? process.env['QUANZE_DATA'] ?? 'data';
const storeUrl = values.store ?? process.env['QUANZE_STORE_URL'];
try {
  const manifest = await backupLedger({
    data,
    to: values.to,
    ...(storeUrl === undefined ? {} : { storeUrl }),
    includeSecrets: values['include-secrets'],
    ...(values['pg-dump'] === undefined ? {} : { pgDump: values['pg-dump'] }),
  });
  process.stdout.write(`${JSON.stringify(manifest, null, 2)}\n`);
} catch (error) {
  process.stderr.write(`backup failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(error instanceof BackupRefused ? 2 : 1);
}

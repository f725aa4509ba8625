import { parseArgs } from 'node:util';
import { run } from '@quanze/cli';
import { BackupRefused, restoreLedger } from './ledger-backup.js';

/**
 * `node --import tsx --conditions=@quanze/source infra/production/scripts/restore.ts --from <backup> --data <new
 * folder> [--store <empty database>]`: checks the backup against its manifest, restores it, then runs `quanze verify`
 * on the result (docs/operations.md#restoring). Exit 0 only when the restored ledger is intact; 1 when the backup is
 * damaged or the ledger does not verify; 2 for a usage error or a target that is not empty.
 */
const USAGE = `usage: restore.ts --from <backup folder> --data <new data folder> [--store <url>] [--key <verifier key>]… [--pg-restore <path>]
  --from        a folder written by backup.ts
  --data        the new data folder: absent or empty
  --store       for a PostgreSQL backup, the URL of an empty database in the new cluster
  --key         the log's verifier key(s) to verify with (what an auditor should give); default: those in the backup
  --pg-restore  the pg_restore to run (default: pg_restore on the PATH)
`;

let values;
try {
  ({ values } = parseArgs({
    options: {
      from: { type: 'string' },
      data: { type: 'string' },
      store: { type: 'string' },
      key: { type: 'string', multiple: true, default: [] },
      'pg-restore': { type: 'string' },
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
if (values.from === undefined || values.data === undefined) {
  process.stderr.write(`--from and --data are required\n\n${USAGE}`);
  process.exit(2);
}
try {
  const manifest = await restoreLedger({
    from: values.from,
    data: values.data,
    ...(values.store === undefined ? {} : { storeUrl: values.store }),
    ...(values['pg-restore'] === undefined ? {} : { pgRestore: values['pg-restore'] }),
  });
  process.stdout.write(`restored a ${manifest.store} backup of ${manifest.createdAt} (events through position ${manifest.eventsThrough}); verifying…\n`);
} catch (error) {
  process.stderr.write(`restore failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(error instanceof BackupRefused ? 2 : 1);
}
const verifyArgs = ['verify', '--data', values.data, ...(values.store === undefined ? [] : ['--store', values.store]), ...values.key.flatMap((key) => ['--key', key])];
process.exit(await run(verifyArgs, { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() }));

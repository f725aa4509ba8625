import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { parseSignerKey } from '@quanze/integrity';
import { quanze } from './fixture.js';

describe('the quanze command', function () {
  this.timeout(30_000);
  let folder: string;

  before(async function () {
    folder = await mkdtemp(join(tmpdir(), 'quanze-cli-'));
  });

  after(async function () {
    await rm(folder, { recursive: true, force: true });
  });

  it('prints its usage with --help and exits 0', async function () {
    const result = await quanze(['--help']);
    expect(result.code).to.equal(0);
    expect(result.stdout).to.contain('quanze verify-bundle <file> --key <verifier key>');
  });

  it('exits 2 with the usage for no command, an unknown command, an unknown flag or a missing argument', async function () {
    for (const args of [[], ['rewrite-history'], ['verify', '--force'], ['export-case']]) {
      const result = await quanze(args);
      expect(result.code, args.join(' ')).to.equal(2);
    }
  });

  it('hands `witness` to the witness, which refuses an incomplete configuration with exit 2', async function () {
    const result = await quanze(['witness', '--key', join(folder, 'witness.key')]);
    expect(result.code).to.equal(2);
    expect(result.stderr).to.contain('--state <file> is required');
  });

  it('generates a new log key for a rotation (mode 0600, never overwritten) and prints its verifier key', async function () {
    const file = join(folder, 'next-log.key');
    const result = await quanze(['log-key', '--origin', 'quanze.city/ledger-2027', '--out', file]);
    expect(result.code).to.equal(0);
    const signer = parseSignerKey((await readFile(file, 'utf8')).trim());
    expect(result.stdout.trim()).to.equal(signer.verifierKey);
    expect((await stat(file)).mode & 0o777).to.equal(0o600);
    const again = await quanze(['log-key', '--origin', 'quanze.city/ledger-2027', '--out', file]);
    expect(again.code).to.equal(2);
    expect(again.stderr).to.contain('never overwritten');
    expect(parseSignerKey((await readFile(file, 'utf8')).trim()).verifierKey).to.equal(signer.verifierKey);
  });
});

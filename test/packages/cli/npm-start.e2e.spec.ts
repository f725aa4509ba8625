import { expect } from 'chai';
import { parseVerifierKey } from '@quanze/integrity';
import { startSystem, type RunningSystem } from '../../support/system.js';
import { quanze } from './fixture.js';

describe('npm start seals the ledger', function () {
  this.timeout(120_000);
  let system: RunningSystem;

  before(async function () {
    system = await startSystem();
  });

  after(async function () {
    await system.dispose();
  });

  it('prints the log verifier key, serves it, and its checkpoints cover the seeded ledger; after a stop quanze verify finds it intact', async function () {
    const printed = /log verifier key (\S+)/.exec(system.output())?.[1];
    expect(printed, system.output()).to.match(/^quanze\.[0-9a-f]{8}\/ledger\+[0-9a-f]{8}\+/);
    const served = (await (await fetch(`${system.url}/log/key`)).json()) as { verifierKey: string };
    expect(served.verifierKey).to.equal(printed);

    const ready = (await (await fetch(`${system.url}/readyz`)).json()) as { headPosition: number };
    expect(ready.headPosition).to.be.greaterThan(0);
    await system.stop();

    const result = await quanze(['verify', '--data', system.dataFolder, '--key', printed ?? '']);
    expect(result.stdout, result.stderr).to.match(new RegExp(`^INTACT: ${ready.headPosition} events`));
    expect(result.stdout).to.contain(`(latest size ${ready.headPosition})`);
    expect(result.code).to.equal(0);
    expect(() => parseVerifierKey(printed ?? '')).not.to.throw();
  });
});

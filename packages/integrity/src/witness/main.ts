import { runWitness, WITNESS_USAGE } from './run-witness.js';
import { InvalidWitnessConfig } from './witness.js';

// `node --import tsx --conditions=@quanze/source packages/integrity/src/witness/main.ts --key … --state … --log …`;
// the same as `quanze witness …`.
try {
  await runWitness(process.argv.slice(2), { handleSignals: true });
} catch (error) {
  if (error instanceof InvalidWitnessConfig) {
    process.stderr.write(`${error.message}\n\n${WITNESS_USAGE}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}

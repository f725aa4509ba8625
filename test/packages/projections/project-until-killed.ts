// A projection process for the crash test of the runner: it projects a store slowly until it is killed.
//
//   node --import tsx --conditions=@quanze/source test/packages/projections/project-until-killed.ts <folder> <read models>
//
// It opens the store in <folder> and the read models where <read models> says (a SQLite file or a PostgreSQL URL)
// and catches up with a tally
// projection that takes a millisecond an event, in transactions of 7 events. The test kills it with SIGKILL
// mid-way, catches up itself, and checks that every event counted exactly once.
import { openEventStore } from '@quanze/eventstore';
import { createProjectionRunner, openReadModelStore } from '@quanze/projections';
import { registry, tallyProjection } from './tally.js';

const [folder, where] = process.argv.slice(2);
if (folder === undefined || where === undefined) {
  process.stderr.write('usage: project-until-killed.ts <folder> <read models>\n');
  process.exit(2);
}
setTimeout(() => process.exit(3), 60_000).unref();

const store = await openEventStore(`sqlite:${folder}`);
const readModels = await openReadModelStore(where);
const runner = createProjectionRunner({ store, readModels, projections: [tallyProjection('tally', { slowMs: 1 })], registry, batchSize: 7 });
await runner.catchUp();
process.stdout.write('caught up before the kill\n');

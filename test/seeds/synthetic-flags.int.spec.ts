import { expect } from 'chai';
import { FLAG_CODES, createProjectionRunner, flagsProjection, listFlags, workingDayCalendarRange } from '@quanze/projections';
import type { Flag, ReadModelStore } from '@quanze/projections';
import { PLANTED_FLAG_CODES, WORKING_DAY_CALENDAR } from '@quanze/seeds';
import type { PlantedFlag, SyntheticOptions } from '@quanze/seeds';
import { describeOnEachReadModelStore } from '../support/read-models.js';
import type { ReadModelTarget } from '../support/read-models.js';
import { discard, generateHistory } from './synthetic-support.js';
import type { GeneratedHistory } from './synthetic-support.js';

/** Every flag of the generated history as of the report's `asOf`, all pages, each page in a snapshot of its own. */
async function allFlags(history: GeneratedHistory, readModels: ReadModelStore): Promise<{ flags: Flag[]; undetermined: number }> {
  const flags: Flag[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await readModels.read((q) => listFlags(q, { asOf: history.report.asOf, limit: 500, ...(after === undefined ? {} : { after }) }));
    flags.push(...page.flags);
    if (page.next === null) return { flags, undetermined: page.undetermined };
    after = page.next;
  }
}

/** The parts of a flag the generator plants: what FLAGS.md says it is, who answers for it, what raised it. */
function shape(flag: Flag | PlantedFlag): Record<string, unknown> {
  return {
    flagId: flag.flagId,
    code: flag.code,
    subject: { kind: flag.subject.kind, id: flag.subject.id },
    unitId: flag.unitId,
    status: flag.status,
    raisedBy: flag.raisedBy.map((ref) => (typeof ref === 'string' ? ref : ref.eventId)),
  };
}

async function flagsOf(history: GeneratedHistory, target: ReadModelTarget): Promise<{ flags: Flag[]; undetermined: number }> {
  const readModels = await target.open();
  try {
    const runner = createProjectionRunner({ store: history.store, readModels, projections: [flagsProjection] });
    await runner.catchUp();
    return await allFlags(history, readModels);
  } finally {
    await readModels.close();
  }
}

function compare(history: GeneratedHistory, flags: readonly Flag[]): void {
  const planted = history.report.planted.flags;
  const byId = new Map(flags.map((flag) => [flag.flagId, flag]));
  const unexpected = flags.filter((flag) => !planted.some((candidate) => candidate.flagId === flag.flagId));
  const missing = planted.filter((flag) => !byId.has(flag.flagId));
  expect(unexpected.map(shape), 'flags raised that were not planted').to.deep.equal([]);
  expect(missing.map(shape), 'planted violations the read model did not flag').to.deep.equal([]);
  for (const expected of planted) {
    const actual = byId.get(expected.flagId);
    if (actual === undefined) continue;
    expect(shape(actual), expected.flagId).to.deep.equal(shape(expected));
    if (expected.raisedOn !== null) expect(actual.raisedOn, expected.flagId).to.equal(expected.raisedOn);
  }
  const counts: Record<string, number> = {};
  for (const flag of flags) counts[flag.code] = (counts[flag.code] ?? 0) + 1;
  expect(counts).to.deep.equal(history.report.planted.byCode);
}

describe('flags on a generated history', function () {
  this.timeout(240_000);

  it('plants from the same catalogue the read model raises, and counts working days over the same years', function () {
    expect([...PLANTED_FLAG_CODES]).to.deep.equal([...FLAG_CODES]);
    expect(WORKING_DAY_CALENDAR).to.deep.equal(workingDayCalendarRange());
  });

  describeOnEachReadModelStore('read back from the read models', (target) => {
    for (const options of [
      { events: 20_000, seed: 42 },
      { events: 15_000, seed: 7, startYear: 2019, years: 4, violationsPerCode: 3 },
    ] satisfies SyntheticOptions[]) {
      it(`raises exactly the planted violations, no more, no fewer (${options.events.toLocaleString('en-US')} events, seed ${options.seed}, from ${options.startYear ?? 2016})`, async function () {
        const history = await generateHistory(options);
        try {
          const { flags, undetermined } = await flagsOf(history, target);
          expect(undetermined).to.equal(0);
          expect(history.report.planted.total).to.equal(PLANTED_FLAG_CODES.length * (options.violationsPerCode ?? 2));
          compare(history, flags);
        } finally {
          await discard(history);
        }
      });
    }
  });
});

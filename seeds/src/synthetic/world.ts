import type { City } from './city.js';
import type { LedgerWriter } from './ledger-writer.js';
import type { Random } from './random.js';
import type { Process, Scheduler } from './scheduler.js';
import type { Step, Timeline } from './timeline.js';
import type { PlantedLog } from './planted.js';
import type { Registries } from './registries.js';

/**
 * The event budget: `--events` is the size of the history. Subjects (cases, inspections, documents, decisions) are
 * laid out whole when they start, so the events they will still make are known (`outstanding`); the dispatcher
 * starts new subjects only within what is left, keeping a reserve for the organisation's own events, and the last
 * day tops the history up to the exact count.
 */
export class Budget {
  /** Events still to come from subjects already started. */
  outstanding = 0;
  /** Events made by subjects (the rest are the organisation's). */
  subjectEvents = 0;

  constructor(readonly target: number) {}
}

export interface World {
  readonly random: Random;
  readonly writer: LedgerWriter;
  readonly city: City;
  readonly scheduler: Scheduler;
  readonly budget: Budget;
  readonly registries: Registries;
  readonly planted: PlantedLog;
  /** First and last day of the history (China days, both included). */
  readonly startDay: number;
  readonly endDay: number;
}

/** A subject's life: its plan's steps, run at their instants, each making exactly the events it planned. */
export interface Plan {
  readonly kind: 'case' | 'inspection' | 'document' | 'decision' | 'follow-up';
  readonly timeline: Timeline;
}

/**
 * Starts a planned subject: its events count against the budget now, and each step runs at its instant. A step
 * records one event of the subject, or none (a planted omission, an expiry overtaken by an abolition); the
 * organisation's events a step causes (a certificate withdrawn after a draw) come on top.
 */
export function launch(world: World, plan: Plan): void {
  const steps = plan.timeline.steps;
  if (steps.length === 0) return;
  world.budget.outstanding += steps.length;
  const first = steps[0] as Step;
  world.scheduler.spawn(runSteps(world, steps), first.instant);
}

function* runSteps(world: World, steps: readonly Step[]): Process {
  for (const [index, step] of steps.entries()) {
    if (index > 0) yield step.instant;
    const before = world.writer.emitted;
    step.run(step.instant);
    world.budget.outstanding -= 1;
    world.budget.subjectEvents += Math.min(1, world.writer.emitted - before);
  }
}

import { createEventRegistry } from '../registry.js';
import { accessEvents } from './access.js';
import { caseEvents } from './case.js';
import { decisionEvents } from './decision.js';
import { documentEvents } from './document.js';
import { findingEvents } from './finding.js';
import { inspectionEvents } from './inspection.js';
import { organizationEvents } from './organization.js';

/** The whole catalogue: what read models and the relay can meet in the log. */
export const allEvents = [
  ...organizationEvents,
  ...decisionEvents,
  ...documentEvents,
  ...caseEvents,
  ...inspectionEvents,
  ...accessEvents,
  ...findingEvents,
] as const;

export type LedgerEventDefinition = (typeof allEvents)[number];

/** Reads every event the ledger has ever recorded, upcast to its current shape. */
export const ledgerRegistry = createEventRegistry({ events: allEvents });

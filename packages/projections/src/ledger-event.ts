import type { CurrentEvent, LedgerEventDefinition } from '@quanze/events';

/** Any event of the ledger, upcast to its current shape and discriminated by `type`: all a projection ever sees. */
export type LedgerEvent = CurrentEvent<LedgerEventDefinition>;

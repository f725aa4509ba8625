export { transfersProjection } from './projection.js';
export type { InboxRelation } from './projection.js';
export type { TransferFacts, TransferHolder, TransferStage } from './facts.js';
export { transferDeadlines } from './deadlines.js';
export type { TransferDeadline, TransferDeadlineStep } from './deadlines.js';
export { getInboxTransfer, listTransferInbox } from './queries.js';
export type { InboxItem, InboxOwner, InboxPage, InboxQuery, InboxTransferDetail, TransferEventEntry } from './queries.js';

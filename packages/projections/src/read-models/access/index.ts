export { accessAuditProjection } from './projection.js';
export { listAccessRecords } from './queries.js';
export type { AccessKey, AccessQuery, AccessRecord } from './queries.js';

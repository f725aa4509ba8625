export { publicPartyOf, publicViewsProjection } from './projection.js';
export type {
  PublicCaseResult,
  PublicDecision,
  PublicDecisionStatus,
  PublicEnforcementResult,
  PublicInspectionResult,
  PublicParty,
} from './projection.js';
export {
  countPublicDocuments,
  getPublicDecision,
  getPublicDocument,
  listPublicDecisions,
  listPublicDocuments,
  listPublicEnforcementResults,
} from './queries.js';
export type {
  DocumentKey,
  EnforcementResultsQuery,
  PublicDocument,
  PublicDocumentStatus,
  PublicDocumentsQuery,
  PublishedKey,
  PublishedQuery,
} from './queries.js';

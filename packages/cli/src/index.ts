export { BundledEvent, CASE_BUNDLE_FORMAT, CannotExport, CaseBundle, caseStreamId, exportCase, verifyBundle, type BundleVerdict } from './bundle.js';
export { EXIT, run, type Io } from './run.js';
export { UsageError, locate, openStores, requireLedger, trustedKeys, type Location } from './stores.js';

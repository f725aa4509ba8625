export { EMPTY_ROOT, HASH_SIZE, equalBytes, fromBase64, leafHash, nodeHash, sha256, toBase64, toHex } from './hashing.js';
export { NotCanonicalJson, canonicalEventBytes, contentHash, eventLeafHash, hashedEnvelope } from './content-hash.js';
export {
  InvalidTreeRequest,
  completeSubtrees,
  consistencyRanges,
  inclusionRanges,
  splitPoint,
  type LeafRange,
  type NodeId,
  type NodeSource,
  type TreePlan,
} from './tree-plan.js';
export {
  InvalidProof,
  consistencyProof,
  inclusionProof,
  planConsistency,
  planInclusion,
  planRoot,
  rootFrom,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from './proofs.js';
export { Frontier, type TreeNode } from './frontier.js';
export { MemoryTree } from './memory-tree.js';
export {
  KeyName,
  MalformedKey,
  SignatureType,
  cosignatureTimestamp,
  cosignedMessage,
  formatSignerKey,
  formatVerifierKey,
  generateNoteKey,
  keyId,
  keyIdHex,
  parseCosignerKey,
  parseSignerKey,
  parseVerifierKey,
  type NoteSigner,
  type NoteVerifier,
} from './note-keys.js';
export {
  AmbiguousVerifiers,
  InvalidNoteSignature,
  MAX_NOTE_SIGNATURES,
  MalformedNote,
  UnverifiedNote,
  signNote,
  verifyNote,
  type NoteSignature,
  type VerifiedNote,
  type VerifiedSignature,
} from './signed-note.js';
export {
  MalformedCheckpoint,
  formatCheckpoint,
  parseCheckpoint,
  signCheckpoint,
  verifyCheckpoint,
  type Checkpoint,
  type VerifiedCheckpoint,
} from './checkpoint.js';
export {
  MalformedTlogProof,
  TLOG_PROOF_HEADER,
  formatTlogProof,
  parseTlogProof,
  verifyTlogProof,
  type TlogProof,
} from './tlog-proof.js';
export {
  ConcurrentSealer,
  TreeSizeBeyondLog,
  cosignedNote,
  storedConsistencyProof,
  storedInclusionProof,
  storedRoot,
  type CheckpointQuery,
  type IntegrityStore,
  type StoredCheckpoint,
} from './integrity-store.js';
export { INTEGRITY_FILE_NAME, createSqliteIntegrityStore, sqliteNodesQuery } from './sqlite-integrity-store.js';
export { createPostgresIntegrityStore } from './postgres-integrity-store.js';
export { openIntegrityStore } from './open-integrity-store.js';
export {
  LOG_SIGNING_KEY_FILE,
  LOG_VERIFIER_KEYS_FILE,
  defaultLogOrigin,
  loadOrCreateLogKey,
  readLogVerifierKeys,
  recordLogVerifierKey,
  type LogKey,
} from './log-key.js';
export {
  DEFAULT_SEAL_BATCH,
  DEFAULT_SEAL_EVERY_EVENTS,
  DEFAULT_SEAL_EVERY_MS,
  LogNotContiguous,
  createSealer,
  type Sealer,
  type SealerCatchUp,
  type SealerOptions,
} from './sealer.js';
export { SealerThreadError, createSealerThread, type SealerThreadOptions, type SealerWorkerData } from './sealer-thread.js';
export * from './witness/index.js';
export { defaultWitnessQuorum, ledgerLogConfig, openLedgerLog, type LedgerLog, type LedgerLogConfig } from './ledger-log.js';
export {
  createWitnessSubmitter,
  logWitnessReport,
  witnessOverview,
  type ConfiguredWitness,
  type WitnessOverview,
  type WitnessStatus,
  type WitnessReportLogger,
  type WitnessReport,
  type WitnessSubmitter,
  type WitnessSubmitterOptions,
} from './witness-submitter.js';
export { verifyLog, type LogProblem, type LogVerdict, type VerifyLogOptions } from './verify-log.js';

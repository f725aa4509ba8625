export {
  MAX_CONSISTENCY_PROOF_LINES,
  MalformedAddCheckpoint,
  TLOG_SIZE_CONTENT_TYPE,
  formatAddCheckpointBody,
  parseAddCheckpointBody,
  parseTreeSize,
  type AddCheckpointRequest,
} from './protocol.js';
export {
  CorruptWitnessState,
  WitnessStateLocked,
  openWitnessState,
  type WitnessStateStore,
  type WitnessedCheckpoint,
} from './state-store.js';
export {
  CheckpointNotSigned,
  ConflictingCheckpoint,
  InconsistentCheckpoint,
  InvalidWitnessConfig,
  OldSizeMismatch,
  UnknownLog,
  WITNESS_REFUSAL_STATUS,
  createWitness,
  isWitnessRefusal,
  type Witness,
  type WitnessConfig,
  type WitnessLogger,
  type WitnessRefusal,
  type WitnessedLogConfig,
} from './witness.js';
export { DEFAULT_MAX_BODY_BYTES, createWitnessServer, startWitnessServer, type RunningWitnessServer, type WitnessServerOptions } from './server.js';
export {
  InvalidCosignaturePolicy,
  QuorumNotMet,
  WitnessRefused,
  WitnessStale,
  WitnessUnavailable,
  addCosignatures,
  submitToWitness,
  verifyCosigned,
  type CosignaturePolicy,
  type CosignedCheckpoint,
  type Cosigner,
  type SubmitToWitnessOptions,
} from './client.js';
export { WITNESS_USAGE, jsonLineLogger, runWitness, type RunWitnessOptions, type RunningWitness } from './run-witness.js';

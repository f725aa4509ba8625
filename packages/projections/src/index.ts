export * from './projection.js';
export * from './ledger-event.js';
export * from './read-model-database.js';
export * from './projection-runner.js';
export * from './dump.js';
export * from './read-models/flags/index.js';

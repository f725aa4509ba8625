export * from './event-store.js';
export * from './errors.js';
export * from './sqlite-event-store.js';
export { openSqliteFile, type SqliteFileSettings } from './sqlite-file.js';
export * from './open-event-store.js';
export { MAX_SUBSCRIPTION_BATCH } from './read-options.js';
export * from './postgres-event-store.js';
export { EVENT_LOG_MIGRATIONS, POSTGRES_MIGRATIONS, migrate as migratePostgres, type MigrationLedger, type PostgresMigration } from './postgres-migrations.js';
export * from './kurrentdb-event-store.js';
export type { KurrentDbConnection, KurrentDbAppend, KurrentDbReadOptions, KurrentDbReadRecord } from './kurrentdb-connection.js';
export { RevisionConflict, parseKurrentDbUrl } from './kurrentdb-mapping.js';
export type { StoredRecord as KurrentDbStoredRecord } from './kurrentdb-mapping.js';
/** How the KurrentDB store lays the log out in streams: pure functions, for tests and operators' tools. */
export * as kurrentDbLayout from './kurrentdb-mapping.js';

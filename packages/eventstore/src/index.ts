export * from './event-store.js';
export * from './errors.js';
export * from './sqlite-event-store.js';
export * from './open-event-store.js';
export { MAX_SUBSCRIPTION_BATCH } from './read-options.js';
export * from './postgres-event-store.js';
export { POSTGRES_MIGRATIONS } from './postgres-migrations.js';

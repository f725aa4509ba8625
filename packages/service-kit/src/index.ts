export * from './domain-error.js';
export * from './decider.js';
export * from './command-handler.js';
export * from './principal.js';
export * from './route.js';
export * from './auth.js';
export * from './problem.js';
export * from './openapi.js';
export * from './app.js';
export * from './server.js';
export * from './post-holding.js';
// The calendar day rules count in; defined beside the event primitives so read models share it.
export { chinaDateOf } from '@quanze/events';
export * from './access-audit.js';

export * from './domain-error.js';
export * from './decider.js';
export * from './command-handler.js';
export * from './principal.js';
export * from './route.js';

export { createDocumentsService } from './service.js';
export * from './commands.js';
export * from './decider.js';
export * from './number-register.js';
export * from './issuing-unit.js';
export * from './views.js';
export * from './errors.js';
export { addYears } from './dates.js';

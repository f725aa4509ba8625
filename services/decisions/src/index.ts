export { createDecisionsService } from './routes.js';
export { decisionDecider, differsFromMajority, majorityOf, daysBetween, initialDecisionState } from './decider.js';
export type * from './decider.js';
export * from './errors.js';
export { dossierOf, publicViewOf, seesFullDossier, viewFor } from './dossier.js';
export type * from './dossier.js';

export { generateSyntheticCity, MIN_EVENTS, SyntheticOptionsInvalid, SyntheticPlantingFailed, SyntheticStoreNotEmpty } from './generate.js';
export type { SyntheticOptions, SyntheticProgress, SyntheticReport } from './generate.js';
export { FLAG_CODES as PLANTED_FLAG_CODES, WORKING_DAY_CALENDAR, WORKING_DAY_CODES } from './planted.js';
export type { FlagCode as PlantedFlagCode, PlantedFlag } from './planted.js';
export { SyntheticEventInvalid } from './ledger-writer.js';
export { formatProgress, syntheticReportPath } from './progress.js';

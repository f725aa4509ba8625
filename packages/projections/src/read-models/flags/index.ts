export * from './catalogue.js';
export { WorkingDayCalendarOutOfRange, addWorkingDays, isWorkingDay, workingDayCalendarRange, workingDaysBetween } from './working-days.js';
export { createFlagsProjection, flagsProjection } from './projection.js';
export type { FlagEventRef } from './projection.js';
export * from './queries.js';

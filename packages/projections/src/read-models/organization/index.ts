export { ORGANIZATION_TABLES, organizationProjection } from './projection.js';
export {
  getPerson,
  getUnit,
  organizationCache,
  prefetchPersons,
  prefetchUnits,
  personName,
  personNow,
  postTitle,
  tenuresOf,
  tenuresOn,
  unitAnsweringToday,
  unitNameOn,
  unitWithPredecessors,
} from './queries.js';
export type { AnsweringToday, PersonNow, PersonRecord, SuccessorStep, Tenure, OrganizationCache, UnitEnding, UnitNameRecord, UnitRecord } from './queries.js';

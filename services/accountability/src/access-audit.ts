// The recorder lives in the service kit, which records every query of every service; re-exported for this service's
// routes, which record their own queries with their subjects.
export { AUDITED_ROLES, accessStreamOf, createAccessRecorder, isAudited, recordableParameters } from '@quanze/service-kit';

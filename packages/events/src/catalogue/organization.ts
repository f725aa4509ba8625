import type { AnyEventDefinition } from '../definition.js';
import { responsibilityAssignedV1 } from './responsibility.js';

/** Units, posts, persons, appointments, certifications, reforms, and the plan's measures: services/organization. */
export const organizationEvents = [responsibilityAssignedV1] as const satisfies readonly AnyEventDefinition[];

import type { AnyEventDefinition } from '../definition.js';

/** 双随机一公开: random inspection plans and their re-checkable draws: services/enforcement. */
export const inspectionEvents = [] as const satisfies readonly AnyEventDefinition[];

import { caseTransferredV1 } from './catalogue/case.js';
import { decisionMadeV1 } from './catalogue/decision.js';
import { documentIssuedV1 } from './catalogue/document.js';
import { responsibilityAssignedV1 } from './catalogue/responsibility.js';

/** The four events every domain meets; each service adds its own definitions beside these. */
export const headlineEvents = [decisionMadeV1, documentIssuedV1, caseTransferredV1, responsibilityAssignedV1] as const;

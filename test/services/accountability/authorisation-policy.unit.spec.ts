import { expect } from 'chai';
import { createAccountabilityService } from '@quanze/accountability';
import type { AccountabilityDeps } from '@quanze/accountability';

/**
 * Who may ask what, written out once more by hand: the authorisation matrix checks that routes answer as their
 * `allow` lists say; this checks the lists themselves, so that widening one (a court reading chains) fails here.
 */
const POLICY: Record<string, readonly string[]> = {
  getResponsibilityChain: ['analyst', 'clerk', 'head', 'legal-reviewer', 'supervision'],
  getPersonDossier: ['supervision'],
  traceFromSubject: ['supervision'],
  traceFromEvent: ['supervision'],
  traceFromFinding: ['supervision'],
  getCityTimeline: ['analyst', 'supervision'],
  getUnitTimeline: ['analyst', 'clerk', 'head', 'legal-reviewer', 'supervision'],
  getSubjectTimeline: ['analyst', 'clerk', 'head', 'legal-reviewer', 'supervision'],
  getPersonTimeline: ['supervision'],
  listFlags: ['analyst', 'procuratorate', 'supervision'],
  countFlags: ['analyst', 'procuratorate', 'supervision'],
  listTransferInbox: ['court', 'procuratorate', 'public-security'],
  getInboxTransfer: ['court', 'procuratorate', 'public-security'],
  listPublicValidDocuments: ['public'],
  listPublicEnforcementResults: ['public'],
  listPublicDecisions: ['public'],
  listAccessAudit: ['supervision'],
  getReadModelStatus: ['admin', 'supervision'],
  rebuildReadModels: ['admin'],
  recordFinding: ['supervision'],
  withdrawFinding: ['supervision'],
  getFinding: ['supervision'],
};

describe('the accountability service’s authorisation policy', () => {
  // The routes are only declared here, never called: no store or read model is touched.
  const unused = new Proxy({}, { get: () => { throw new Error('not used when routes are declared'); } });
  const service = createAccountabilityService({
    store: unused,
    db: unused,
    runner: unused,
    clock: () => new Date(),
    recordAccess: () => Promise.resolve(),
  } as unknown as AccountabilityDeps);

  it('has exactly the routes the policy lists', () => {
    expect(service.routes.map((route) => route.operationId).sort()).to.deep.equal(Object.keys(POLICY).sort());
  });

  for (const [operationId, audience] of Object.entries(POLICY)) {
    it(`lets ${audience.join(', ')} call ${operationId}, and nobody else`, () => {
      const route = service.routes.find((candidate) => candidate.operationId === operationId);
      expect([...(route?.allow ?? [])].sort()).to.deep.equal([...audience].sort());
    });
  }
});

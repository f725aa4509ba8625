import { expect } from 'chai';
import { isAudited, recordableParameters } from '@quanze/accountability';
import { AccessParameters } from '@quanze/events';
import type { Principal, Role } from '@quanze/service-kit';

const caller = (...roles: Role[]): Principal => ({ personId: 'person-1', postId: null, unitId: null, roles });

describe('access recording (访问留痕)', () => {
  describe('whom it records', () => {
    it('records supervision, the judicial authorities and analysts', () => {
      for (const role of ['supervision', 'court', 'procuratorate', 'public-security', 'analyst'] as const) expect(isAudited(caller(role)), role).to.equal(true);
    });

    it('does not record the public, clerks, heads, legal reviewers or administrators', () => {
      expect(isAudited(null)).to.equal(false);
      for (const role of ['clerk', 'head', 'legal-reviewer', 'admin'] as const) expect(isAudited(caller(role)), role).to.equal(false);
    });

    it('records a caller holding an audited role among others', () => {
      expect(isAudited(caller('clerk', 'analyst'))).to.equal(true);
    });
  });

  describe('the parameters it keeps', () => {
    it('keeps scalars, leaves out absent values and writes arrays and objects as JSON', () => {
      const parameters = recordableParameters({ limit: 50, consistent: false, stage: 'sent', cursor: [12, 'x'], none: undefined, nothing: null });
      expect(parameters).to.deep.equal({ limit: 50, consistent: false, stage: 'sent', cursor: '[12,"x"]', nothing: null });
    });

    it('cuts long values and drops parameters beyond the limit, so the event always validates', () => {
      const long = '字'.repeat(900);
      const many = Object.fromEntries(Array.from({ length: 30 }, (_, index) => [`p${String(index)}`, index]));
      const parameters = recordableParameters({ long, emoji: '😀'.repeat(400), ...many });
      expect(Object.keys(parameters)).to.have.length(20);
      expect(parameters.long).to.have.length(500).and.match(/…$/);
      expect(AccessParameters.safeParse(parameters).success).to.equal(true);
      expect(String(parameters.emoji)).to.not.match(/[\uD800-\uDBFF]…$/);
    });
  });
});

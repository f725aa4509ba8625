import { expect } from 'chai';
import { SubjectNotFound } from '@quanze/service-kit';
import { given } from '../../support/decider.js';
import {
  BackdatedByReviewer,
  CertificateAlreadyIssued,
  CertificateAlreadyRevoked,
  CertificateValidityInverted,
  DateOutOfOrder,
  NotOfIssuingUnit,
  OwnCertificate,
  PersonAlreadyRegistered,
  PersonRetired,
  PostAlreadyHeld,
  PostHeldByAnother,
  PostNotHeld,
  PostNotInUnit,
  UnitNotInExistence,
  UnitNotRegistered,
} from '../../../services/organization/src/errors.js';
import {
  RETIREMENT_REVOCATION_REASON,
  isCertificateValidOn,
  personDecider,
} from '../../../services/organization/src/person-decider.js';
import type { Certificate, CertifyingCapacity, PersonCommand, PostOccupancy } from '../../../services/organization/src/person-decider.js';
import type { UnitState } from '../../../services/organization/src/unit-decider.js';
import {
  certificationRevoked,
  personAppointed,
  personCertified,
  personRegistered,
  personRemoved,
  postEstablished,
  unitMerged,
  unitOf,
  unitRegistered,
} from './fixtures.js';

const amr = unitOf(
  unitRegistered('amr', { name: '尚志市市场监督管理局', establishedOn: '2016-01-01' }),
  postEstablished('amr', 'post-director', '局长'),
  postEstablished('amr', 'post-deputy-1', '副局长(一)'),
);
const legalOffice = unitOf(unitRegistered('unit-legal', { name: '尚志市政府法制办公室' }));
const vacant: PostOccupancy = { holderPersonIds: [], lastVacatedOn: null };
const zhang = personRegistered('zhang', '张三');

function appoint(overrides: Partial<Extract<PersonCommand, { type: 'AppointPerson' }>> = {}): PersonCommand {
  return {
    type: 'AppointPerson',
    personId: 'zhang',
    postId: 'post-director',
    unitId: 'amr',
    appointedOn: '2017-01-01',
    basis: '尚组任〔2017〕1号',
    facts: { unit: amr, post: vacant },
    ...overrides,
  };
}

function remove(overrides: Partial<Extract<PersonCommand, { type: 'RemovePerson' }>> = {}): PersonCommand {
  return { type: 'RemovePerson', personId: 'zhang', postId: 'post-director', removedOn: '2018-06-30', reason: 'rotation', basis: '尚组任〔2018〕7号', ...overrides };
}

const retire = (retiredOn = '2020-12-31'): PersonCommand => ({ type: 'RetirePerson', personId: 'zhang', retiredOn, basis: '退休审批表' });

function certify(overrides: Partial<Extract<PersonCommand, { type: 'CertifyPerson' }>> = {}): PersonCommand {
  return {
    type: 'CertifyPerson',
    personId: 'zhang',
    certificateId: 'cert-1',
    number: '23010017001',
    scope: '市场监管',
    issuingUnitId: 'unit-legal',
    validFrom: '2017-01-01',
    validUntil: '2021-12-31',
    recordedAs: 'admin',
    facts: { issuingUnit: legalOffice },
    ...overrides,
  };
}

const revoke = (revokedOn = '2018-03-01', recordedAs: CertifyingCapacity = 'admin'): PersonCommand => ({
  type: 'RevokeCertification',
  personId: 'zhang',
  certificateId: 'cert-1',
  revokedOn,
  reason: '违法执法',
  recordedAs,
});

// A legal reviewer of the 法制办 that issues the certificates, acting on 2026-03-02 in China.
const legalReviewer = { personId: 'reviewer', postId: 'post-review', unitId: 'unit-legal' };
const environmentReviewer = { personId: 'env-reviewer', postId: 'post-env', unitId: 'unit-environment' };
const reviewerToday = '2026-03-02';
const byReviewer = { now: '2026-03-02T01:00:00.000Z', actor: legalReviewer };

describe('persons (公职人员)', () => {
  describe('when a person is registered', () => {
    it('records the name only: officials, never citizens', () => {
      given(personDecider).when({ type: 'RegisterPerson', personId: 'zhang', name: '张三' }).then([
        { type: 'person.registered.v1', data: { personId: 'zhang', name: '张三' } },
      ]);
    });

    it('rejects registering the same person twice', () => {
      given(personDecider, [zhang]).when({ type: 'RegisterPerson', personId: 'zhang', name: '张三' }).thenThrows(PersonAlreadyRegistered);
    });
  });

  describe('when a person is appointed to a post (任职)', () => {
    it('records the appointment with its basis', () => {
      given(personDecider, [zhang]).when(appoint()).then([
        {
          type: 'person.appointed.v1',
          data: { personId: 'zhang', postId: 'post-director', unitId: 'amr', appointedOn: '2017-01-01', basis: '尚组任〔2017〕1号' },
        },
      ]);
    });

    it('rejects a person who was never registered', () => {
      given(personDecider).when(appoint()).thenThrows(SubjectNotFound);
    });

    it('rejects a retired person', () => {
      given(personDecider, [zhang, { type: 'person.retired.v1', data: { personId: 'zhang', retiredOn: '2016-12-31' } }])
        .when(appoint())
        .thenThrows(PersonRetired, { retiredOn: '2016-12-31', article: '公职人员政务处分法 第27条' });
    });

    it('rejects a unit that was never registered', () => {
      given(personDecider, [zhang])
        .when(appoint({ facts: { unit: null, post: vacant } }))
        .thenThrows(UnitNotRegistered, { fields: [['unitId']] });
    });

    it('rejects a unit that was merged: appointments go to its successor', () => {
      const merged: UnitState = unitOf(unitRegistered('amr'), postEstablished('amr', 'post-director'), unitMerged('amr', 'amr-2'));
      const error = given(personDecider, [zhang])
        .when(appoint({ facts: { unit: merged, post: vacant } }))
        .thenThrows(UnitNotInExistence, { fields: [['unitId']] });
      expect(error.message).to.include('amr-2');
    });

    it('rejects a post that is not a post of the unit', () => {
      given(personDecider, [zhang]).when(appoint({ postId: 'post-elsewhere' })).thenThrows(PostNotInUnit, { fields: [['postId']] });
    });

    it('rejects a post the person already holds', () => {
      given(personDecider, [zhang, personAppointed('zhang', 'post-director', 'amr')])
        .when(appoint({ appointedOn: '2017-02-01', facts: { unit: amr, post: { holderPersonIds: ['zhang'], lastVacatedOn: null } } }))
        .thenThrows(PostAlreadyHeld);
    });

    it('rejects a post held by another person: one holder per post', () => {
      given(personDecider, [zhang])
        .when(appoint({ facts: { unit: amr, post: { holderPersonIds: ['li'], lastVacatedOn: null } } }))
        .thenThrows(PostHeldByAnother, { holderPersonIds: ['li'] });
    });

    it('accepts the post once its last holder has left, from the day they left', () => {
      given(personDecider, [zhang])
        .when(appoint({ appointedOn: '2018-06-30', facts: { unit: amr, post: { holderPersonIds: [], lastVacatedOn: '2018-06-30' } } }))
        .thenTypes('person.appointed.v1');
    });

    it('rejects an appointment dated before the last holder left', () => {
      given(personDecider, [zhang])
        .when(appoint({ appointedOn: '2018-06-29', facts: { unit: amr, post: { holderPersonIds: [], lastVacatedOn: '2018-06-30' } } }))
        .thenThrows(DateOutOfOrder, { fields: [['appointedOn']], earliest: '2018-06-30' });
    });

    it('rejects an appointment dated before the unit was established', () => {
      given(personDecider, [zhang]).when(appoint({ appointedOn: '2015-12-31' })).thenThrows(DateOutOfOrder, { earliest: '2016-01-01' });
    });

    it('accepts a second post held at the same time (兼职)', () => {
      given(personDecider, [zhang, personAppointed('zhang', 'post-deputy-1', 'amr')]).when(appoint()).thenTypes('person.appointed.v1');
    });

    it('accepts a post held before and left, again', () => {
      given(personDecider, [zhang, personAppointed('zhang', 'post-director', 'amr'), personRemoved('zhang', 'post-director', 'amr')])
        .when(appoint({ appointedOn: '2019-01-01' }))
        .thenTypes('person.appointed.v1');
    });
  });

  describe('when a person is removed from a post (免职, 轮岗)', () => {
    const appointed = [zhang, personAppointed('zhang', 'post-director', 'amr')];

    it('records the removal with the unit of the post, the reason and the basis', () => {
      given(personDecider, appointed).when(remove()).then([
        {
          type: 'person.removed.v1',
          data: { personId: 'zhang', postId: 'post-director', unitId: 'amr', removedOn: '2018-06-30', reason: 'rotation', basis: '尚组任〔2018〕7号' },
        },
      ]);
    });

    it('accepts removal on the day of appointment', () => {
      given(personDecider, appointed).when(remove({ removedOn: '2017-01-01' })).thenTypes('person.removed.v1');
    });

    it('rejects a removal dated before the appointment', () => {
      given(personDecider, appointed).when(remove({ removedOn: '2016-12-31' })).thenThrows(DateOutOfOrder, { fields: [['removedOn']] });
    });

    it('rejects removal from a post the person does not hold', () => {
      given(personDecider, appointed).when(remove({ postId: 'post-deputy-1' })).thenThrows(PostNotHeld, { postId: 'post-deputy-1' });
    });

    it('rejects removal from a post the person already left', () => {
      given(personDecider, [...appointed, personRemoved('zhang', 'post-director', 'amr')]).when(remove()).thenThrows(PostNotHeld);
    });

    it('rejects removing a person who was never registered', () => {
      given(personDecider).when(remove()).thenThrows(SubjectNotFound);
    });
  });

  describe('when a person retires (退休)', () => {
    it('ends every post held and surrenders every certificate still running, then records the retirement', () => {
      given(personDecider, [
        zhang,
        personAppointed('zhang', 'post-director', 'amr'),
        personAppointed('zhang', 'post-deputy-1', 'amr', '2018-01-01'),
        personCertified('zhang', 'cert-1', '2017-01-01', '2021-12-31'),
      ])
        .when(retire('2020-12-31'))
        .then([
          {
            type: 'person.removed.v1',
            data: { personId: 'zhang', postId: 'post-director', unitId: 'amr', removedOn: '2020-12-31', reason: 'retirement', basis: '退休审批表' },
          },
          {
            type: 'person.removed.v1',
            data: { personId: 'zhang', postId: 'post-deputy-1', unitId: 'amr', removedOn: '2020-12-31', reason: 'retirement', basis: '退休审批表' },
          },
          {
            type: 'person.certificationRevoked.v1',
            data: { personId: 'zhang', certificateId: 'cert-1', revokedOn: '2020-12-31', reason: RETIREMENT_REVOCATION_REASON },
          },
          { type: 'person.retired.v1', data: { personId: 'zhang', retiredOn: '2020-12-31', basis: '退休审批表' } },
        ]);
    });

    it('leaves posts already left, and certificates expired or revoked, as they are', () => {
      given(personDecider, [
        zhang,
        personAppointed('zhang', 'post-director', 'amr'),
        personRemoved('zhang', 'post-director', 'amr'),
        personCertified('zhang', 'cert-old', '2010-01-01', '2014-12-31'),
        personCertified('zhang', 'cert-1'),
        certificationRevoked('zhang', 'cert-1'),
      ])
        .when(retire())
        .thenTypes('person.retired.v1');
    });

    it('rejects a retirement dated before the last appointment or removal', () => {
      given(personDecider, [zhang, personAppointed('zhang', 'post-director', 'amr'), personRemoved('zhang', 'post-director', 'amr')])
        .when(retire('2018-06-29'))
        .thenThrows(DateOutOfOrder, { fields: [['retiredOn']], earliest: '2018-06-30' });
    });

    it('rejects retiring twice', () => {
      given(personDecider, [zhang, { type: 'person.retired.v1', data: { personId: 'zhang', retiredOn: '2020-12-31' } }])
        .when(retire('2021-01-01'))
        .thenThrows(PersonRetired);
    });

    it('keeps the person and every tenure on record: they stay answerable for life (公职人员政务处分法 第27条)', () => {
      const history = [zhang, personAppointed('zhang', 'post-director', 'amr')];
      const events = given(personDecider, history).when(retire()).thenTypes('person.removed.v1', 'person.retired.v1');
      const state = given(personDecider, [...history, ...events]).state;
      expect(state?.tenures).to.have.length(1);
      expect(state?.tenures[0]?.removal?.reason).to.equal('retirement');
      expect(state?.retirement).to.deep.equal({ on: '2020-12-31', basis: '退休审批表' });
    });
  });

  describe('when an enforcement certificate is recorded (行政执法证, 持证上岗)', () => {
    it('records the certificate with its scope, issuer and validity', () => {
      given(personDecider, [zhang]).when(certify()).then([
        {
          type: 'person.certified.v1',
          data: {
            personId: 'zhang',
            certificateId: 'cert-1',
            number: '23010017001',
            scope: '市场监管',
            issuingUnitId: 'unit-legal',
            validFrom: '2017-01-01',
            validUntil: '2021-12-31',
          },
        },
      ]);
    });

    it('rejects a certificate that expires on the day it becomes valid', () => {
      given(personDecider, [zhang])
        .when(certify({ validUntil: '2017-01-01' }))
        .thenThrows(CertificateValidityInverted, { fields: [['validUntil']], article: '行政处罚法 第42条' });
    });

    it('rejects a certificate that expires before it becomes valid', () => {
      given(personDecider, [zhang]).when(certify({ validUntil: '2016-12-31' })).thenThrows(CertificateValidityInverted);
    });

    it('rejects the same certificate twice', () => {
      given(personDecider, [zhang, personCertified('zhang', 'cert-1')]).when(certify()).thenThrows(CertificateAlreadyIssued);
    });

    it('rejects an issuing unit that was never registered', () => {
      given(personDecider, [zhang])
        .when(certify({ facts: { issuingUnit: null } }))
        .thenThrows(UnitNotRegistered, { fields: [['issuingUnitId']] });
    });

    it('rejects an issuing unit that no longer existed when the certificate became valid', () => {
      const mergedOffice = unitOf(unitRegistered('unit-legal'), unitMerged('unit-legal', 'unit-justice', '2016-12-01'));
      given(personDecider, [zhang])
        .when(certify({ facts: { issuingUnit: mergedOffice } }))
        .thenThrows(UnitNotInExistence, { fields: [['issuingUnitId']] });
    });

    it('rejects a retired person', () => {
      given(personDecider, [zhang, { type: 'person.retired.v1', data: { personId: 'zhang', retiredOn: '2016-12-31' } }])
        .when(certify())
        .thenThrows(PersonRetired);
    });

    it('rejects a person who was never registered', () => {
      given(personDecider).when(certify()).thenThrows(SubjectNotFound);
    });

    describe('by a legal reviewer (法制审核)', () => {
      const fromToday = { recordedAs: 'legal-reviewer', validFrom: reviewerToday, validUntil: '2028-12-31' } as const;

      it('records a certificate of the reviewer’s own unit, valid from today (China) on', () => {
        given(personDecider, [zhang]).when(certify(fromToday), byReviewer).thenTypes('person.certified.v1');
        given(personDecider, [zhang]).when(certify({ ...fromToday, validFrom: '2026-04-01' }), byReviewer).thenTypes('person.certified.v1');
      });

      it('takes "today" as the day in China: at 2026-03-01T16:30Z it is already 2026-03-02 there', () => {
        const yesterday = { ...fromToday, validFrom: '2026-03-01' };
        given(personDecider, [zhang])
          .when(certify(yesterday), { now: '2026-03-01T15:30:00.000Z', actor: legalReviewer })
          .thenTypes('person.certified.v1');
        given(personDecider, [zhang])
          .when(certify(yesterday), { now: '2026-03-01T16:30:00.000Z', actor: legalReviewer })
          .thenThrows(BackdatedByReviewer, { today: '2026-03-02' });
      });

      it('rejects a certificate in another unit’s name (a 环保局 reviewer issuing for the 法制办)', () => {
        given(personDecider, [zhang])
          .when(certify(fromToday), { ...byReviewer, actor: environmentReviewer })
          .thenThrows(NotOfIssuingUnit, { fields: [['issuingUnitId']], issuingUnitId: 'unit-legal', actorUnitId: 'unit-environment', article: '行政处罚法 第42条' });
      });

      it('rejects a reviewer whose token names no unit', () => {
        given(personDecider, [zhang])
          .when(certify(fromToday), { ...byReviewer, actor: { personId: 'reviewer', postId: null, unitId: null } })
          .thenThrows(NotOfIssuingUnit, { actorUnitId: null });
      });

      it('rejects a backdated certificate: before today, only an administrator records history', () => {
        given(personDecider, [zhang])
          .when(certify({ ...fromToday, validFrom: '2026-03-01' }), byReviewer)
          .thenThrows(BackdatedByReviewer, { fields: [['validFrom']], date: '2026-03-01', today: reviewerToday });
      });

      it('rejects certifying themself', () => {
        given(personDecider, [personRegistered('reviewer', '钱审核')])
          .when(certify({ ...fromToday, personId: 'reviewer' }), byReviewer)
          .thenThrows(OwnCertificate, { personId: 'reviewer' });
      });
    });

    describe('by an administrator', () => {
      it('records any unit’s certificate, from any day: a history migrated from paper', () => {
        given(personDecider, [zhang])
          .when(certify({ validFrom: '2017-01-01' }), { ...byReviewer, actor: { personId: 'admin', postId: null, unitId: null } })
          .thenTypes('person.certified.v1');
      });

      it('rejects certifying themself all the same', () => {
        given(personDecider, [personRegistered('admin', '管理员')])
          .when(certify({ personId: 'admin' }), { ...byReviewer, actor: { personId: 'admin', postId: null, unitId: null } })
          .thenThrows(OwnCertificate);
      });
    });
  });

  describe('when a certificate is revoked (吊销 / 收回)', () => {
    it('records the revocation with its reason', () => {
      given(personDecider, [zhang, personCertified('zhang', 'cert-1')]).when(revoke()).then([
        { type: 'person.certificationRevoked.v1', data: { personId: 'zhang', certificateId: 'cert-1', revokedOn: '2018-03-01', reason: '违法执法' } },
      ]);
    });

    it('rejects an unknown certificate', () => {
      given(personDecider, [zhang, personCertified('zhang', 'cert-2')]).when(revoke()).thenThrows(SubjectNotFound);
    });

    it('rejects a certificate already revoked', () => {
      given(personDecider, [zhang, personCertified('zhang', 'cert-1'), certificationRevoked('zhang', 'cert-1', '2018-01-01')])
        .when(revoke())
        .thenThrows(CertificateAlreadyRevoked, { revokedOn: '2018-01-01' });
    });

    it('accepts a revocation by a legal reviewer of the issuing unit, from today on', () => {
      given(personDecider, [zhang, personCertified('zhang', 'cert-1')])
        .when(revoke(reviewerToday, 'legal-reviewer'), byReviewer)
        .thenTypes('person.certificationRevoked.v1');
    });

    it('rejects a revocation by a legal reviewer of another unit', () => {
      given(personDecider, [zhang, personCertified('zhang', 'cert-1')])
        .when(revoke(reviewerToday, 'legal-reviewer'), { ...byReviewer, actor: environmentReviewer })
        .thenThrows(NotOfIssuingUnit, { issuingUnitId: 'unit-legal', fields: [] });
    });

    it('rejects a backdated revocation by a legal reviewer', () => {
      given(personDecider, [zhang, personCertified('zhang', 'cert-1')])
        .when(revoke('2026-03-01', 'legal-reviewer'), byReviewer)
        .thenThrows(BackdatedByReviewer, { fields: [['revokedOn']] });
    });

    it('rejects revoking one’s own certificate, even as an administrator', () => {
      given(personDecider, [zhang, personCertified('zhang', 'cert-1')])
        .when(revoke(), { actor: { personId: 'zhang', postId: null, unitId: null } })
        .thenThrows(OwnCertificate);
    });
  });

  describe('whether a certificate is valid on a day', () => {
    const certificate: Certificate = {
      certificateId: 'cert-1',
      number: null,
      scope: '市场监管',
      issuingUnitId: 'unit-legal',
      validFrom: '2017-01-01',
      validUntil: '2021-12-31',
      revocation: null,
    };

    it('counts its first and last days', () => {
      expect(isCertificateValidOn(certificate, '2017-01-01')).to.equal(true);
      expect(isCertificateValidOn(certificate, '2021-12-31')).to.equal(true);
    });

    it('does not count the days before or after', () => {
      expect(isCertificateValidOn(certificate, '2016-12-31')).to.equal(false);
      expect(isCertificateValidOn(certificate, '2022-01-01')).to.equal(false);
    });

    it('ends on the day of revocation', () => {
      const revoked = { ...certificate, revocation: { on: '2018-03-01', reason: '违法执法' } };
      expect(isCertificateValidOn(revoked, '2018-02-28')).to.equal(true);
      expect(isCertificateValidOn(revoked, '2018-03-01')).to.equal(false);
    });
  });
});

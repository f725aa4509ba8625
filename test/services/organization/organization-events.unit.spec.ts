import { expect } from 'chai';
import {
  PersonCertifiedV1,
  UnitMergedV1,
  UnitRegisteredV1,
  ledgerRegistry,
  organizationEvents,
} from '@quanze/events';

describe('the organization events', () => {
  it('are in the ledger’s catalogue, with the headline responsibility event among them', () => {
    const types = organizationEvents.map((definition) => definition.type);
    expect(types).to.include.members([
      'unit.registered.v1',
      'unit.renamed.v1',
      'unit.postEstablished.v1',
      'unit.merged.v1',
      'unit.dissolved.v1',
      'person.registered.v1',
      'person.appointed.v1',
      'person.removed.v1',
      'person.retired.v1',
      'person.certified.v1',
      'person.certificationRevoked.v1',
      'post.occupied.v1',
      'post.vacated.v1',
      'post.claimReleased.v1',
      'measure.defined.v1',
      'measure.responsibilitySuperseded.v1',
      'responsibility.assigned.v1',
    ]);
    for (const type of types) expect(ledgerRegistry.has(type), type).to.equal(true);
  });

  const unit = { unitId: 'u-1', name: '尚志市人民政府', code: '尚政', kind: 'government', parentUnitId: null, establishedOn: '2016-01-01' };

  it('take an authority code (机关代字) of 1–8 Chinese characters, or none', () => {
    expect(UnitRegisteredV1.safeParse(unit).success).to.equal(true);
    expect(UnitRegisteredV1.safeParse({ ...unit, code: null }).success).to.equal(true);
    expect(UnitRegisteredV1.safeParse({ ...unit, code: 'SZ' }).success).to.equal(false);
    expect(UnitRegisteredV1.safeParse({ ...unit, code: '尚志市人民政府办公' }).success).to.equal(false);
  });

  it('refuse a unit that is its own parent or its own successor', () => {
    expect(UnitRegisteredV1.safeParse({ ...unit, parentUnitId: 'u-1' }).success).to.equal(false);
    expect(UnitMergedV1.safeParse({ unitId: 'u-1', successorUnitId: 'u-1', mergedOn: '2019-03-01', basis: '改革方案' }).success).to.equal(false);
  });

  it('refuse a certificate that expires before it becomes valid', () => {
    const certificate = { personId: 'p-1', certificateId: 'c-1', scope: '市场监管', issuingUnitId: 'u-1', validFrom: '2017-01-01' };
    expect(PersonCertifiedV1.safeParse({ ...certificate, validUntil: '2017-01-02' }).success).to.equal(true);
    expect(PersonCertifiedV1.safeParse({ ...certificate, validUntil: '2017-01-01' }).success).to.equal(false);
  });
});

import { expect } from 'chai';
import { openEventStore, redactStoreUrl } from '@quanze/eventstore';

describe('a store URL in logs and printouts', () => {
  it('keeps a URL without a password as it is', () => {
    expect(redactStoreUrl('sqlite:./data')).to.equal('sqlite:./data');
    expect(redactStoreUrl('postgres://ledger@db.example:5432/quanze')).to.equal('postgres://ledger@db.example:5432/quanze');
  });

  it('hides the password of the authority and of a password parameter', () => {
    expect(redactStoreUrl('postgres://ledger:s3cr%40t@db.example:5432/quanze')).to.equal('postgres://ledger:***@db.example:5432/quanze');
    expect(redactStoreUrl('postgresql://db.example/quanze?user=ledger&password=s3cret')).to.equal('postgresql://db.example/quanze?user=ledger&password=***');
  });

  it('names an unknown URL without its password', async () => {
    const failure = await openEventStore('postgre://ledger:s3cret@db.example/quanze').then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).to.be.instanceOf(TypeError);
    expect((failure as Error).message).to.contain('ledger:***@').and.not.contain('s3cret');
  });
});

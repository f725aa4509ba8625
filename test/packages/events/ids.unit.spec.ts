import { expect } from 'chai';
import { EventId, newEventId } from '@quanze/events';

describe('new event ids', function () {
  it('are UUIDs the envelope accepts', function () {
    expect(EventId.safeParse(newEventId()).success).to.equal(true);
  });

  it('ascend in the order they were made, so a unique index on them grows at its end', function () {
    const ids = Array.from({ length: 1000 }, () => newEventId());
    expect([...ids].sort()).to.deep.equal(ids);
    expect(new Set(ids).size).to.equal(ids.length);
  });
});

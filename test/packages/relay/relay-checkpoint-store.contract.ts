import { expect } from 'chai';
import { InvalidRelayCheckpoint, RelayCheckpointStoreClosed } from '@quanze/relay';
import type { RelayCheckpointStore } from '@quanze/relay';

export interface RelayCheckpointFixture {
  /**
   * A new, empty place for checkpoints (a data folder, a database); `open` may be called on it any number of
   * times, each store over the same checkpoints, as relays restarting or overlapping are.
   */
  newPlace(): Promise<{ open(): Promise<RelayCheckpointStore> }>;
}

/** What every relay checkpoint store adapter must do; each adapter has one thin spec that calls this. */
export function relayCheckpointStoreContract(name: string, fixture: RelayCheckpointFixture): void {
  describe(`the ${name} relay checkpoint store (contract)`, function () {
    const opened: RelayCheckpointStore[] = [];
    let place: Awaited<ReturnType<RelayCheckpointFixture['newPlace']>>;

    async function open(): Promise<RelayCheckpointStore> {
      const store = await place.open();
      opened.push(store);
      return store;
    }

    beforeEach(async function () {
      place = await fixture.newPlace();
    });

    afterEach(async function () {
      await Promise.all(opened.map((store) => store.close()));
      opened.length = 0;
    });

    it('reads 0 for a name never written', async function () {
      const store = await open();
      expect(await store.read('outbox')).to.equal(0);
    });

    it('reads back what was written, each name apart', async function () {
      const store = await open();
      await store.write('outbox', 41);
      await store.write('other', 7);
      expect(await store.read('outbox')).to.equal(41);
      expect(await store.read('other')).to.equal(7);
    });

    it('keeps positions beyond 32 bits exactly', async function () {
      const store = await open();
      const large = 2 ** 40 + 3;
      await store.write('outbox', large);
      expect(await store.read('outbox')).to.equal(large);
    });

    it('never goes backwards: a smaller position written later leaves the larger one', async function () {
      const store = await open();
      await store.write('outbox', 120);
      await store.write('outbox', 80);
      expect(await store.read('outbox')).to.equal(120);
      await store.write('outbox', 121);
      expect(await store.read('outbox')).to.equal(121);
    });

    it('keeps the largest of many writes racing from one store', async function () {
      const store = await open();
      const positions = Array.from({ length: 40 }, (_, index) => index + 1).sort(() => Math.random() - 0.5);
      await Promise.all(positions.map((position) => store.write('outbox', position)));
      expect(await store.read('outbox')).to.equal(40);
    });

    it('keeps the larger position when two stores on one place write in turn, as an old relay and its restart may', async function () {
      const old = await open();
      const restarted = await open();
      await restarted.write('outbox', 30);
      await old.write('outbox', 25);
      expect(await restarted.read('outbox')).to.equal(30);
      expect(await old.read('outbox')).to.equal(30);
    });

    it('still holds the position after it is closed and opened again', async function () {
      const first = await open();
      await first.write('outbox', 17);
      await first.close();
      const again = await open();
      expect(await again.read('outbox')).to.equal(17);
    });

    it('refuses a position that is not a whole number ≥ 0, and an empty name, storing nothing', async function () {
      const store = await open();
      await store.write('outbox', 5);
      for (const position of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
        await expect(store.write('outbox', position), String(position)).to.be.rejectedWith(InvalidRelayCheckpoint);
      }
      await expect(store.write('', 9)).to.be.rejectedWith(InvalidRelayCheckpoint);
      await expect(store.read('')).to.be.rejectedWith(InvalidRelayCheckpoint);
      expect(await store.read('outbox')).to.equal(5);
    });

    it('rejects reads and writes once closed, with RelayCheckpointStoreClosed, and may be closed twice', async function () {
      const store = await open();
      await store.close();
      await store.close();
      await expect(store.read('outbox')).to.be.rejectedWith(RelayCheckpointStoreClosed);
      await expect(store.write('outbox', 1)).to.be.rejectedWith(RelayCheckpointStoreClosed);
    });
  });
}

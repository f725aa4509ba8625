import { expect } from 'chai';
import { StoreFailure, StoreUnavailable, kurrentDbLayout, openEventStore, parseKurrentDbUrl } from '@quanze/eventstore';

const { linkData, logStreams, positionLinkedTo, toLogEventData, toLoggedEvent, toRecordedEvent, translateKurrentDbError } =
  kurrentDbLayout;
type LoggedEvent = kurrentDbLayout.LoggedEvent;

describe('a KurrentDB store URL', function () {
  it('becomes the client’s esdb:// connection string, the namespace defaulting to quanze', function () {
    expect(parseKurrentDbUrl('kurrentdb://localhost:2113?tls=false')).to.deep.equal({
      connectionString: 'esdb://localhost:2113?tls=false',
      namespace: 'quanze',
    });
    expect(parseKurrentDbUrl('esdb://admin:changeit@a:2113,b:2113,c:2113?tls=true&nodePreference=leader')).to.deep.equal({
      connectionString: 'esdb://admin:changeit@a:2113,b:2113,c:2113?tls=true&nodePreference=leader',
      namespace: 'quanze',
    });
  });

  it('keeps DNS discovery for the +discover schemes', function () {
    expect(parseKurrentDbUrl('kurrentdb+discover://cluster.ledger.internal:2113').connectionString).to.equal(
      'esdb+discover://cluster.ledger.internal:2113',
    );
    expect(parseKurrentDbUrl('esdb+discover://cluster.ledger.internal:2113').connectionString).to.equal(
      'esdb+discover://cluster.ledger.internal:2113',
    );
  });

  it('takes quanzeNamespace out of the parameters the client sees', function () {
    expect(parseKurrentDbUrl('kurrentdb://db:2113?tls=false&quanzeNamespace=city_a&keepAliveInterval=5000')).to.deep.equal({
      connectionString: 'esdb://db:2113?tls=false&keepAliveInterval=5000',
      namespace: 'city_a',
    });
    expect(parseKurrentDbUrl('kurrentdb://db:2113?quanzeNamespace=province').connectionString).to.equal('esdb://db:2113');
  });

  it('refuses a namespace that would not make plain stream names, and a URL without a host', function () {
    for (const namespace of ['City', 'city-a', '1city', '', 'a'.repeat(41)]) {
      expect(() => parseKurrentDbUrl(`kurrentdb://db:2113?quanzeNamespace=${namespace}`), namespace).to.throw(TypeError, /quanzeNamespace/);
    }
    expect(() => parseKurrentDbUrl('kurrentdb://')).to.throw(TypeError, /host/);
    expect(() => parseKurrentDbUrl('kurrentdb://admin:changeit@?tls=false')).to.throw(TypeError, /host/);
  });

  it('is opened by openEventStore, which fails with StoreUnavailable when no server answers', async function () {
    const failure: unknown = await openEventStore('kurrentdb://127.0.0.1:1?tls=false').then(
      () => null,
      (error: unknown) => error,
    );

    expect(failure).to.be.instanceOf(StoreUnavailable);
    expect((failure as Error).message).to.match(/KurrentDB is unavailable/);
  });
});

describe('the KurrentDB layout of our log', function () {
  const names = logStreams('quanze');
  const logged: LoggedEvent = {
    position: 12,
    eventId: '5d0c3a52-95a4-4b7e-9a4e-3c2f2b1c0d9e',
    type: 'decision.registered.v1',
    streamId: 'decision-42',
    streamVersion: 3,
    recordedAt: '2026-11-25T08:00:00.000Z',
    commitFirst: 11,
    commitLast: 13,
    body: {
      occurredAt: '2026-11-25T07:59:00.000Z',
      actor: { personId: 'p-1', postId: 'post-1', unitId: 'unit-1' },
      causationId: null,
      correlationId: 'c0ffee00-0000-4000-8000-000000000001',
      commandId: 'cmd-1',
      data: { title: '关于印发的通知' },
    },
  };

  it('names the log, stream and id streams after the namespace', function () {
    expect(names.log).to.equal('quanze-log');
    expect(names.stream('decision-42')).to.equal('quanze-stream-decision-42');
    expect(names.event(logged.eventId)).to.equal(`quanze-event-${logged.eventId}`);
  });

  it('links position p to revision p − 1 of the log, and reads back only links into the log', function () {
    expect(linkData(names.log, 1)).to.equal('0@quanze-log');
    expect(linkData(names.log, 12)).to.equal('11@quanze-log');
    expect(positionLinkedTo(names.log, '11@quanze-log')).to.equal(12);
    expect(positionLinkedTo(names.log, '11@other-log')).to.equal(undefined);
    expect(positionLinkedTo(names.log, '011@quanze-log')).to.equal(undefined);
    expect(positionLinkedTo(names.log, 'x@quanze-log')).to.equal(undefined);
  });

  it('writes the event with our id and type, the body as data, and where it is as metadata', function () {
    const data = toLogEventData(logged);

    expect(data).to.deep.equal({
      id: logged.eventId,
      type: 'decision.registered.v1',
      data: logged.body,
      metadata: {
        position: 12,
        streamId: 'decision-42',
        streamVersion: 3,
        recordedAt: '2026-11-25T08:00:00.000Z',
        commitFirst: 11,
        commitLast: 13,
        $correlationId: 'c0ffee00-0000-4000-8000-000000000001',
      },
    });
  });

  it('reads an event back from revision position − 1 as it was written', function () {
    const written = toLogEventData(logged);

    const read = toLoggedEvent(names.log, { stream: 'quanze-log', revision: 11, id: written.id, type: written.type, data: written.data, metadata: written.metadata });

    expect(read).to.deep.equal(logged);
    expect(toRecordedEvent(read)).to.deep.include({ position: 12, streamVersion: 3, eventId: logged.eventId, data: { title: '关于印发的通知' } });
  });

  it('refuses, with StoreFailure, a log event out of place or written by something else', function () {
    const written = toLogEventData(logged);
    const record = { stream: 'quanze-log', revision: 11, id: written.id, type: written.type, data: written.data, metadata: written.metadata };

    expect(() => toLoggedEvent(names.log, { ...record, revision: 12 })).to.throw(StoreFailure, /position 12/);
    expect(() => toLoggedEvent(names.log, { ...record, metadata: { written: 'by hand' } })).to.throw(StoreFailure, /no Quanze metadata/);
    expect(() => toLoggedEvent(names.log, { ...record, stream: 'quanze-stream-decision-42' })).to.throw(StoreFailure, /not in the log/);
    expect(() => toLoggedEvent(names.log, { ...record, data: 'text' })).to.throw(StoreFailure, /JSON object/);
  });
});

describe('KurrentDB client errors', function () {
  it('are retriable when the server could not be reached or answer in time', function () {
    for (const type of ['unavailable', 'deadline-exceeded', 'not-leader', 'cancelled']) {
      const translated = translateKurrentDbError(Object.assign(new Error('14 UNAVAILABLE'), { type }));
      expect(translated, type).to.be.instanceOf(StoreUnavailable).and.include({ retriable: true });
    }
  });

  it('are failures, naming the cause, when a retry would meet the same answer', function () {
    const tooLarge = translateKurrentDbError(Object.assign(new Error('append too large'), { type: 'maximum-append-size-exceeded' }));
    const denied = translateKurrentDbError(Object.assign(new Error('denied'), { type: 'access-denied' }));
    const unknown = translateKurrentDbError(new Error('something else'));

    expect(tooLarge).to.be.instanceOf(StoreFailure).and.include({ retriable: false });
    expect(tooLarge.message).to.contain('MaxAppendSize');
    expect(denied).to.be.instanceOf(StoreFailure);
    expect(denied.message).to.contain('ACL');
    expect(unknown).to.be.instanceOf(StoreFailure);
  });
});

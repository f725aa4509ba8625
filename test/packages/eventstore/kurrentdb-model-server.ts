// A model KurrentDB server: the gRPC Streams service (Read, with catch-up subscriptions to a stream, and Append) that
// @eventstore/db-client speaks, over the client's own generated protobuf code, with the same per-stream semantics as
// kurrentdb-model.ts, in memory. It lets the shared contract run through the real client and the adapter's real
// connection code (kurrentdb-model-server.int.spec.ts), processes included, where no KurrentDB server can be
// installed. It is not KurrentDB: no $all, no gossip, no TLS, no limit on an append's size. It announces BatchAppend
// in its server features, as KurrentDB does, so the client appends the way it does against a real server; with
// `{ batchAppend: false }` it does not, and the client falls back to the older Append call.
import { createRequire } from 'node:module';
import type * as Grpc from '@grpc/grpc-js';
import type * as StreamsGrpcModule from '@eventstore/db-client/generated/streams_grpc_pb.js';
import type * as StreamsPb from '@eventstore/db-client/generated/streams_pb.js';
import type * as SharedPb from '@eventstore/db-client/generated/shared_pb.js';
import type * as StatusPb from '@eventstore/db-client/generated/status_pb.js';
import type * as CodePb from '@eventstore/db-client/generated/code_pb.js';
import type * as FeaturesGrpcModule from '@eventstore/db-client/generated/serverfeatures_grpc_pb.js';
import type * as FeaturesPb from '@eventstore/db-client/generated/serverfeatures_pb.js';
import type * as AnyPb from 'google-protobuf/google/protobuf/any_pb.js';
import type * as EmptyPb from 'google-protobuf/google/protobuf/empty_pb.js';

// The client's own copies of gRPC and of its generated code (plain CommonJS, whose exports ESM cannot name), so that
// the messages the server builds are the classes the service definitions serialise.
const requireFromClient = createRequire(createRequire(import.meta.url).resolve('@eventstore/db-client'));
const grpc = requireFromClient('@grpc/grpc-js') as typeof Grpc;
const StreamsGrpc = requireFromClient('@eventstore/db-client/generated/streams_grpc_pb') as typeof StreamsGrpcModule;
const Streams = requireFromClient('@eventstore/db-client/generated/streams_pb') as typeof StreamsPb;
const Shared = requireFromClient('@eventstore/db-client/generated/shared_pb') as typeof SharedPb;
const Status = requireFromClient('@eventstore/db-client/generated/status_pb') as typeof StatusPb;
const { Code } = requireFromClient('@eventstore/db-client/generated/code_pb') as typeof CodePb;
const FeaturesGrpc = requireFromClient('@eventstore/db-client/generated/serverfeatures_grpc_pb') as typeof FeaturesGrpcModule;
const Features = requireFromClient('@eventstore/db-client/generated/serverfeatures_pb') as typeof FeaturesPb;
const { Any } = requireFromClient('google-protobuf/google/protobuf/any_pb') as typeof AnyPb;
const { Empty } = requireFromClient('google-protobuf/google/protobuf/empty_pb') as typeof EmptyPb;

interface StoredEvent {
  readonly id: string;
  readonly revision: number;
  readonly type: string;
  readonly contentType: string;
  readonly data: Uint8Array;
  readonly customMetadata: Uint8Array;
  readonly created: string;
  readonly commitPosition: number;
}

export interface ModelServer {
  /** `kurrentdb://127.0.0.1:<port>?tls=false`. */
  readonly url: string;
  stop(): Promise<void>;
}

/** What an append came to: written up to `revision`, or refused because the stream is at `current` (−1: no stream). */
type AppendOutcome = { readonly ok: true; readonly revision: number } | { readonly ok: false; readonly current: number };

interface ProposedMessage {
  getId(): SharedPb.UUID | undefined;
  getMetadataMap(): { get(key: string): string | undefined };
  getData_asU8(): Uint8Array;
  getCustomMetadata_asU8(): Uint8Array;
}

export async function startModelServer(options: { readonly batchAppend?: boolean } = {}): Promise<ModelServer> {
  const streams = new Map<string, StoredEvent[]>();
  const subscribers = new Map<string, Set<(event: StoredEvent) => void>>();
  let commitPosition = 0;

  function recordedEvent(stream: string, event: StoredEvent): StreamsPb.ReadResp.ReadEvent.RecordedEvent {
    const recorded = new Streams.ReadResp.ReadEvent.RecordedEvent();
    recorded.setId(new Shared.UUID().setString(event.id));
    recorded.setStreamIdentifier(new Shared.StreamIdentifier().setStreamName(Buffer.from(stream, 'utf8')));
    recorded.setStreamRevision(String(event.revision));
    recorded.setCommitPosition(String(event.commitPosition));
    recorded.setPreparePosition(String(event.commitPosition));
    recorded.getMetadataMap().set('type', event.type);
    recorded.getMetadataMap().set('content-type', event.contentType);
    recorded.getMetadataMap().set('created', event.created);
    recorded.setData(event.data);
    recorded.setCustomMetadata(event.customMetadata);
    return recorded;
  }

  function readResponse(stream: string, event: StoredEvent, resolveLinks: boolean): StreamsPb.ReadResp {
    const read = new Streams.ReadResp.ReadEvent();
    read.setNoPosition(new Shared.Empty());
    const link = resolveLinks && event.type === '$>' ? Buffer.from(event.data).toString('utf8') : undefined;
    const at = link?.indexOf('@') ?? -1;
    const targetStream = link?.slice(at + 1);
    const target = link === undefined ? undefined : streams.get(targetStream ?? '')?.[Number(link.slice(0, at))];
    if (target !== undefined && targetStream !== undefined) {
      read.setEvent(recordedEvent(targetStream, target));
      read.setLink(recordedEvent(stream, event));
    } else {
      read.setEvent(recordedEvent(stream, event));
    }
    return new Streams.ReadResp().setEvent(read);
  }

  const service: Grpc.UntypedServiceImplementation = {
    read(call: Grpc.ServerWritableStream<StreamsPb.ReadReq, StreamsPb.ReadResp>) {
      const options = call.request.getOptions();
      const streamOptions = options?.getStream();
      if (options === undefined || streamOptions === undefined) {
        call.destroy(Object.assign(new Error('the model server reads streams only'), { code: grpc.status.UNIMPLEMENTED }));
        return;
      }
      const name = streamName(streamOptions.getStreamIdentifier());
      const events = streams.get(name) ?? [];
      const resolveLinks = options.getResolveLinks();
      if (options.hasSubscription()) {
        // Catch-up from the given revision (exclusive, as KurrentDB's subscriptions are) or from the end, then live.
        call.write(new Streams.ReadResp().setConfirmation(new Streams.ReadResp.SubscriptionConfirmation().setSubscriptionId('model')));
        const after = streamOptions.hasEnd() ? events.length - 1 : streamOptions.hasStart() ? -1 : Number(streamOptions.getRevision());
        for (const event of events.slice(after + 1)) call.write(readResponse(name, event, resolveLinks));
        const set = subscribers.get(name) ?? new Set();
        subscribers.set(name, set);
        const send = (event: StoredEvent) => call.write(readResponse(name, event, resolveLinks));
        set.add(send);
        call.on('cancelled', () => set.delete(send));
        call.on('close', () => set.delete(send));
        return;
      }
      if (!streams.has(name)) {
        const notFound = new Streams.ReadResp.StreamNotFound().setStreamIdentifier(new Shared.StreamIdentifier().setStreamName(Buffer.from(name, 'utf8')));
        call.write(new Streams.ReadResp().setStreamNotFound(notFound));
        call.end();
        return;
      }
      const count = Number(options.getCount());
      const backwards = options.getReadDirection() === Streams.ReadReq.Options.ReadDirection.BACKWARDS;
      const start = streamOptions.hasEnd() ? events.length - 1 : streamOptions.hasStart() ? (backwards ? events.length - 1 : 0) : Number(streamOptions.getRevision());
      // Backwards, KurrentDB reads the range start − count + 1 … start, whatever the stream holds of it.
      const range = backwards ? events.slice(Math.max(0, start - count + 1), start + 1).reverse() : events.slice(start, start + count);
      for (const event of range) call.write(readResponse(name, event, resolveLinks));
      call.end();
    },

    append(call: Grpc.ServerReadableStream<StreamsPb.AppendReq, StreamsPb.AppendResp>, callback: Grpc.sendUnaryData<StreamsPb.AppendResp>) {
      let options: StreamsPb.AppendReq.Options | undefined;
      const proposed: StreamsPb.AppendReq.ProposedMessage[] = [];
      call.on('data', (request: StreamsPb.AppendReq) => {
        if (request.hasOptions()) options = request.getOptions();
        const message = request.getProposedMessage();
        if (message !== undefined) proposed.push(message);
      });
      call.on('error', () => undefined);
      call.on('end', () => {
        if (options === undefined) {
          callback(Object.assign(new Error('no options'), { code: grpc.status.INVALID_ARGUMENT }));
          return;
        }
        const name = streamName(options.getStreamIdentifier());
        const expected = options.hasRevision() ? Number(options.getRevision()) : options.hasNoStream() ? -1 : undefined;
        const outcome = apply(name, expected, proposed);
        if (outcome.ok) {
          const position = new Streams.AppendResp.Position().setCommitPosition(String(commitPosition)).setPreparePosition(String(commitPosition));
          callback(null, new Streams.AppendResp().setSuccess(new Streams.AppendResp.Success().setCurrentRevision(String(outcome.revision)).setPosition(position)));
          return;
        }
        const wrong = new Streams.AppendResp.WrongExpectedVersion();
        if (outcome.current === -1) wrong.setCurrentNoStream(new Shared.Empty());
        else wrong.setCurrentRevision(String(outcome.current));
        if (expected === -1) wrong.setExpectedNoStream(new Shared.Empty());
        else wrong.setExpectedRevision(String(expected));
        callback(null, new Streams.AppendResp().setWrongExpectedVersion(wrong));
      });
    },

    // One bidirectional call carries many appends, each in one or more requests under its correlation id.
    batchAppend(call: Grpc.ServerDuplexStream<StreamsPb.BatchAppendReq, StreamsPb.BatchAppendResp>) {
      const pending = new Map<string, { options: StreamsPb.BatchAppendReq.Options | undefined; messages: StreamsPb.BatchAppendReq.ProposedMessage[] }>();
      call.on('error', () => undefined);
      call.on('data', (request: StreamsPb.BatchAppendReq) => {
        const correlationId = request.getCorrelationId()?.getString() ?? '';
        const batch = pending.get(correlationId) ?? { options: undefined, messages: [] };
        pending.set(correlationId, batch);
        if (request.hasOptions()) batch.options = request.getOptions();
        batch.messages.push(...request.getProposedMessagesList());
        if (!request.getIsFinal()) return;
        pending.delete(correlationId);
        const name = streamName(batch.options?.getStreamIdentifier());
        const expected = batch.options?.hasStreamPosition() === true ? Number(batch.options.getStreamPosition()) : batch.options?.hasNoStream() === true ? -1 : undefined;
        const outcome = apply(name, expected, batch.messages);
        const response = new Streams.BatchAppendResp()
          .setCorrelationId(new Shared.UUID().setString(correlationId))
          .setStreamIdentifier(new Shared.StreamIdentifier().setStreamName(Buffer.from(name, 'utf8')));
        if (outcome.ok) {
          const position = new Shared.AllStreamPosition().setCommitPosition(String(commitPosition)).setPreparePosition(String(commitPosition));
          call.write(response.setSuccess(new Streams.BatchAppendResp.Success().setCurrentRevision(String(outcome.revision)).setPosition(position)));
          return;
        }
        const wrong = new Shared.WrongExpectedVersion();
        if (outcome.current === -1) wrong.setCurrentNoStream(new Empty());
        else wrong.setCurrentStreamRevision(String(outcome.current));
        if (expected !== undefined && expected >= 0) wrong.setExpectedStreamPosition(String(expected));
        const details = new Any();
        details.pack(wrong.serializeBinary(), 'event_store.client.WrongExpectedVersion');
        const status = new Status.Status().setCode(Code.FAILED_PRECONDITION).setMessage('WrongExpectedVersion').setDetails(details);
        call.write(response.setError(status));
      });
      call.on('end', () => {
        call.end();
      });
    },
  };

  /** Appends all or nothing at `expected` (−1: no stream; undefined: any), as KurrentDB decides it. */
  function apply(name: string, expected: number | undefined, proposed: readonly ProposedMessage[]): AppendOutcome {
    const existing = streams.get(name) ?? [];
    const current = existing.length - 1;
    const ids = proposed.map((message) => message.getId()?.getString() ?? '');
    if (expected !== undefined && expected !== current) {
      // KurrentDB answers an append it has already written at that revision, by the same ids, as a success.
      const already = existing.slice(expected + 1, expected + 1 + ids.length).map((event) => event.id);
      if (expected < current && already.length === ids.length && already.every((id, index) => id === ids[index])) {
        return { ok: true, revision: expected + ids.length };
      }
      return { ok: false, current };
    }
    const written = proposed.map((message, index): StoredEvent => {
      commitPosition += 1;
      return {
        id: ids[index] ?? '',
        revision: existing.length + index,
        type: message.getMetadataMap().get('type') ?? '',
        contentType: message.getMetadataMap().get('content-type') ?? 'application/octet-stream',
        data: message.getData_asU8(),
        customMetadata: message.getCustomMetadata_asU8(),
        created: String(BigInt(Date.now()) * 10_000n),
        commitPosition,
      };
    });
    streams.set(name, [...existing, ...written]);
    for (const event of written) for (const send of subscribers.get(name) ?? []) send(event);
    return { ok: true, revision: existing.length + written.length - 1 };
  }

  const server = new grpc.Server();
  server.addService(StreamsGrpc.StreamsService, service);
  if (options.batchAppend !== false) {
    server.addService(FeaturesGrpc.ServerFeaturesService, {
      getSupportedMethods(_call: unknown, callback: Grpc.sendUnaryData<FeaturesPb.SupportedMethods>) {
        const batchAppend = new Features.SupportedMethod().setServiceName('event_store.client.streams.Streams').setMethodName('BatchAppend');
        callback(null, new Features.SupportedMethods().setEventStoreServerVersion('model').setMethodsList([batchAppend]));
      },
    });
  }
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => {
      if (error === null) resolve(bound);
      else reject(error);
    });
  });
  return {
    url: `kurrentdb://127.0.0.1:${port}?tls=false`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => {
          resolve();
        });
        // Subscriptions stay open until their clients cancel: do not wait for them.
        setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 1_000).unref();
      }),
  };
}

function streamName(identifier: SharedPb.StreamIdentifier | undefined): string {
  return Buffer.from(identifier?.getStreamName_asU8() ?? []).toString('utf8');
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MalformedAddCheckpoint, TLOG_SIZE_CONTENT_TYPE } from './protocol.js';
import { InvalidWitnessConfig, OldSizeMismatch, WITNESS_REFUSAL_STATUS, isWitnessRefusal, type Witness, type WitnessLogger, type WitnessRefusal } from './witness.js';

/** A request body above this is no add-checkpoint request: 63 proof lines and a note with 100 signatures fit in 20 KiB. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

export interface WitnessServerOptions {
  /** The submission prefix: requests go to `<prefix>/add-checkpoint`. Empty, or a path starting with "/". */
  readonly prefix?: string;
  readonly maxBodyBytes?: number;
  readonly logger?: WitnessLogger;
}

export interface RunningWitnessServer {
  /** The submission prefix as a URL, e.g. `http://127.0.0.1:7380`, for `submitToWitness`. */
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * The HTTP face of a witness (C2SP tlog-witness): `POST <prefix>/add-checkpoint` and nothing else. Answers are the
 * protocol's — cosignature lines, or `text/x.tlog.size` on a 409 for a stale old size — and problem+json for every
 * other refusal. No request can crash it: each failure becomes an answer.
 */
export function createWitnessServer(witness: Witness, options: WitnessServerOptions = {}): Server {
  const prefix = options.prefix ?? '';
  if (prefix !== '' && (!prefix.startsWith('/') || prefix.endsWith('/'))) {
    throw new InvalidWitnessConfig(`the submission prefix is empty or a path like /witness, not ${JSON.stringify(prefix)}`);
  }
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const logger = options.logger;
  return createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      logger?.error({ err: error, method: request.method, url: request.url }, 'the witness failed to answer a request');
      if (!response.headersSent) sendProblem(response, 500, 'internal', 'Internal error');
      else response.destroy();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://witness.invalid').pathname;
    if (path !== `${prefix}/add-checkpoint`) {
      request.resume();
      sendProblem(response, 404, 'route.not-found', 'No such resource', `${String(request.method)} ${path}`);
      return;
    }
    if (request.method !== 'POST') {
      request.resume();
      response.setHeader('Allow', 'POST');
      sendProblem(response, 405, 'route.method-not-allowed', 'add-checkpoint takes a POST');
      return;
    }
    const body = await readBody(request, maxBodyBytes);
    if (body === 'too large') {
      // The rest of the body is not read; the connection is closed once the answer is out.
      response.setHeader('Connection', 'close');
      response.once('finish', () => request.destroy());
      sendProblem(response, 413, 'request.too-large', `A request body has at most ${maxBodyBytes} bytes`);
      return;
    }
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body);
    } catch {
      refuse(response, new MalformedAddCheckpoint('the body is not valid UTF-8'));
      return;
    }
    let cosignatures: string;
    try {
      cosignatures = witness.addCheckpoint(text);
    } catch (error) {
      if (!isWitnessRefusal(error)) throw error;
      refuse(response, error);
      return;
    }
    response.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(cosignatures) });
    response.end(cosignatures);
  }

  function refuse(response: ServerResponse, error: WitnessRefusal): void {
    if (error instanceof OldSizeMismatch) {
      const body = `${error.witnessSize}\n`;
      response.writeHead(409, { 'Content-Type': TLOG_SIZE_CONTENT_TYPE, 'Content-Length': Buffer.byteLength(body) });
      response.end(body);
      return;
    }
    sendProblem(response, WITNESS_REFUSAL_STATUS[error.code], error.code, titleOf(error.code), error.message);
  }
}

/** Starts a witness's HTTP server on `host:port` (port 0: any free port). */
export async function startWitnessServer(
  witness: Witness,
  listen: { host: string; port: number },
  options: WitnessServerOptions = {},
): Promise<RunningWitnessServer> {
  const server = createWitnessServer(witness, options);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}${options.prefix ?? ''}`,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => {
          if (error === undefined) resolve();
          else reject(error);
        });
        server.closeIdleConnections();
      }),
  };
}

/** The whole body, or 'too large' as soon as it passes `limit` (then reading stops). */
function readBody(request: IncomingMessage, limit: number): Promise<Uint8Array | 'too large'> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.resolve('too large');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const onData = (chunk: Buffer) => {
      length += chunk.length;
      if (length <= limit) {
        chunks.push(chunk);
        return;
      }
      request.off('data', onData);
      request.pause();
      resolve('too large');
    };
    request.on('data', onData);
    request.once('end', () => {
      resolve(Buffer.concat(chunks));
    });
    request.once('error', reject);
  });
}

function titleOf(code: keyof typeof WITNESS_REFUSAL_STATUS): string {
  switch (code) {
    case 'witness.malformed-request':
      return 'The request is not an add-checkpoint request';
    case 'witness.unknown-log':
      return 'This witness does not follow that log';
    case 'witness.checkpoint-not-signed':
      return 'The checkpoint is not signed by its log';
    case 'witness.old-size-mismatch':
      return 'The old size is not the size this witness cosigned last';
    case 'witness.conflicting-checkpoint':
      return 'The checkpoint conflicts with the one this witness cosigned at that size';
    case 'witness.inconsistent-checkpoint':
      return 'The consistency proof does not verify';
  }
}

function sendProblem(response: ServerResponse, status: number, code: string, title: string, detail?: string): void {
  const body = JSON.stringify({ type: `https://quanze.dev/problems/${code}`, title, status, code, ...(detail === undefined ? {} : { detail }) });
  response.writeHead(status, { 'Content-Type': PROBLEM_CONTENT_TYPE, 'Content-Length': Buffer.byteLength(body) });
  response.end(body);
}

import { HASH_SIZE, fromBase64, toBase64 } from '../hashing.js';

/** C2SP tlog-witness § add-checkpoint: a client MUST NOT send more consistency proof lines than this. */
export const MAX_CONSISTENCY_PROOF_LINES = 63;

/** The content type of a 409 answer that states the witness's tree size for the origin. */
export const TLOG_SIZE_CONTENT_TYPE = 'text/x.tlog.size';

/** The body of an add-checkpoint request breaks the protocol's syntax; `reason` says where. */
export class MalformedAddCheckpoint extends Error {
  readonly code = 'witness.malformed-request';
  constructor(readonly reason: string) {
    super(`malformed add-checkpoint request: ${reason}`);
    this.name = 'MalformedAddCheckpoint';
  }
}

export interface AddCheckpointRequest {
  /** The size of the checkpoint the client believes the witness cosigned last (0 if none). */
  readonly oldSize: number;
  /** RFC 6962/9162 consistency proof from `oldSize` to the checkpoint's size. */
  readonly consistencyProof: readonly Uint8Array[];
  /** The signed checkpoint, verbatim: its text, a blank line, its signature lines. */
  readonly checkpointNote: string;
}

const DECIMAL = /^(?:0|[1-9][0-9]*)$/;

/** A tree size as the protocol writes it: ASCII decimal, no sign, no leading zero; within JavaScript's exact integers. */
export function parseTreeSize(text: string): number | undefined {
  if (!DECIMAL.test(text)) return undefined;
  const size = Number(text);
  return Number.isSafeInteger(size) ? size : undefined;
}

/**
 * `old <size>\n`, one base64 hash per line, an empty line, then the checkpoint: exactly that, every line ending in
 * "\n". The checkpoint note itself is read later, by the note and checkpoint parsers.
 */
export function parseAddCheckpointBody(body: string): AddCheckpointRequest {
  let rest = body;
  const nextLine = (what: string): string => {
    const end = rest.indexOf('\n');
    if (end < 0) throw new MalformedAddCheckpoint(`${what} does not end with a newline`);
    const line = rest.slice(0, end);
    rest = rest.slice(end + 1);
    return line;
  };

  const oldLine = nextLine('the old size line');
  if (!oldLine.startsWith('old ')) throw new MalformedAddCheckpoint('the body must start with "old <size>"');
  const oldSize = parseTreeSize(oldLine.slice('old '.length));
  if (oldSize === undefined) {
    throw new MalformedAddCheckpoint('the old size is a decimal number without leading zeros, at most 2^53 - 1');
  }

  const consistencyProof: Uint8Array[] = [];
  for (;;) {
    const line = nextLine(consistencyProof.length === 0 ? 'the line after the old size' : `proof line ${consistencyProof.length}`);
    if (line === '') break;
    if (consistencyProof.length === MAX_CONSISTENCY_PROOF_LINES) {
      throw new MalformedAddCheckpoint(`more than ${MAX_CONSISTENCY_PROOF_LINES} consistency proof lines`);
    }
    const hash = fromBase64(line);
    if (hash?.length !== HASH_SIZE) {
      throw new MalformedAddCheckpoint(`proof line ${consistencyProof.length} is not standard base64 of a ${HASH_SIZE}-byte hash`);
    }
    consistencyProof.push(hash);
  }
  if (rest === '') throw new MalformedAddCheckpoint('no checkpoint follows the empty line');
  return { oldSize, consistencyProof, checkpointNote: rest };
}

export function formatAddCheckpointBody(request: AddCheckpointRequest): string {
  if (!Number.isSafeInteger(request.oldSize) || request.oldSize < 0) {
    throw new MalformedAddCheckpoint(`the old size must be a whole number from 0 to 2^53 - 1, got ${String(request.oldSize)}`);
  }
  if (request.consistencyProof.length > MAX_CONSISTENCY_PROOF_LINES) {
    throw new MalformedAddCheckpoint(`more than ${MAX_CONSISTENCY_PROOF_LINES} consistency proof lines`);
  }
  request.consistencyProof.forEach((hash, i) => {
    if (hash.length !== HASH_SIZE) throw new MalformedAddCheckpoint(`proof hash ${i} has ${hash.length} bytes, not ${HASH_SIZE}`);
  });
  return [`old ${request.oldSize}`, ...request.consistencyProof.map(toBase64), '', request.checkpointNote].join('\n');
}

/** A page's opaque continuation: which position the next page starts after. Opaque so that its form may change. */
export function encodeCursor(position: number): string {
  return Buffer.from(`quanze:p:${String(position)}`, 'utf8').toString('base64url');
}

/** The position a cursor stands for, or null when it is not one this read model made. */
export function decodeCursor(cursor: string): number | null {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(cursor)) return null;
  const match = /^quanze:p:(0|[1-9][0-9]{0,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (match?.[1] === undefined) return null;
  const position = Number(match[1]);
  return Number.isSafeInteger(position) ? position : null;
}

/** The most entries one page may hold. */
export const MAX_PAGE_SIZE = 500;
export const DEFAULT_PAGE_SIZE = 100;

import type { z } from 'zod';

export interface FieldIssue {
  /** Dotted path from the envelope, e.g. `data.materials.0.sha256`. */
  readonly path: string;
  readonly message: string;
}

export function toFieldIssues(error: z.ZodError, prefix?: string): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: [...(prefix === undefined ? [] : [prefix]), ...issue.path.map(String)].join('.') || '(root)',
    message: issue.message,
  }));
}

/** An event whose type or data does not match the catalogue: names the type, the event and every bad field. */
export class EventParseError extends Error {
  readonly code = 'event.invalid';
  constructor(
    readonly eventType: string,
    readonly eventId: string | undefined,
    readonly issues: readonly FieldIssue[],
  ) {
    super(
      `${eventType}${eventId === undefined ? '' : ` (event ${eventId})`}: ` +
        issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '),
    );
    this.name = 'EventParseError';
  }
}

export class UnknownEventType extends Error {
  readonly code = 'event.unknown-type';
  constructor(readonly eventType: string, readonly eventId: string | undefined) {
    super(`event type ${eventType} is not in the catalogue${eventId === undefined ? '' : ` (event ${eventId})`}`);
    this.name = 'UnknownEventType';
  }
}

/** Writers must use the current shape; older versions exist only to be read and upcast. */
export class SupersededEventType extends Error {
  readonly code = 'event.superseded-type';
  constructor(readonly eventType: string, readonly currentType: string) {
    super(`event type ${eventType} is superseded by ${currentType}: new events are written in the current version`);
    this.name = 'SupersededEventType';
  }
}

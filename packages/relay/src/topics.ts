/** The relay's topic names, each behind the configured prefix. */
export interface RelayTopics {
  /** Where an organisation receives the transfers sent (or forwarded) to it. */
  transfers(organisationCode: string): string;
  /** Where an organisation sends its receipts, acceptances, returns… */
  receipts(organisationCode: string): string;
  /** Where the relay puts a receipts message it could not turn into an event, with the reason. */
  deadLetters(organisationCode: string): string;
  /** Public events, when configured. */
  readonly ledgerPublic: string;
}

export function relayTopics(prefix: string): RelayTopics {
  return {
    transfers: (code) => `${prefix}transfers.${code}`,
    receipts: (code) => `${prefix}receipts.${code}`,
    deadLetters: (code) => `${prefix}receipts.${code}.dlq`,
    ledgerPublic: `${prefix}ledger.public`,
  };
}

/** Header names. Values are UTF-8 strings. */
export const RelayHeaders = {
  schema: 'quanze-schema',
  eventId: 'quanze-event-id',
  position: 'quanze-position',
  /** SHA-256 (hex) of the event's RFC 8785 form: its Merkle leaf's entry (docs/INTEGRITY.md). */
  contentHash: 'quanze-content-hash',
  /** The size of the latest signed checkpoint when the message was published; present only with a sealer. */
  checkpointSize: 'quanze-checkpoint-size',
  deadLetterReason: 'quanze-dlq-reason',
  deadLetterDetail: 'quanze-dlq-detail',
  deadLetterTopic: 'quanze-dlq-topic',
  deadLetterPartition: 'quanze-dlq-partition',
  deadLetterOffset: 'quanze-dlq-offset',
  deadLetterAt: 'quanze-dlq-at',
} as const;

export * from './relay-config.js';
export * from './topics.js';
export * from './messages.js';
export * from './relay-checkpoint-store.js';
export * from './outbox-publisher.js';
export * from './receipt-consumer.js';
export * from './relay.js';

export * from './seed-data.js';
export * from './load.js';

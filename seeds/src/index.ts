export * from './seed-data.js';
export * from './load.js';
export * from './synthetic/index.js';

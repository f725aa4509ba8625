#!/usr/bin/env node
/* global process, URL */
// Runs the TypeScript sources through tsx with the `@quanze/source` condition, as the root scripts do, so the
// command needs no build. Signals reach the child; its exit code is ours.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const tsx = import.meta.resolve('tsx');
const child = spawn(process.execPath, ['--conditions=@quanze/source', '--import', tsx, main, ...process.argv.slice(2)], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  // A child ended by a signal exits as a shell reports it: 128 + the signal's number.
  process.exitCode = code ?? 128 + (signal === null ? 0 : constants.signals[signal]);
});

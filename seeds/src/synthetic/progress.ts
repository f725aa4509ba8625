import { join, resolve } from 'node:path';
import type { SyntheticProgress } from './generate.js';

function duration(seconds: number): string {
  const whole = Math.round(seconds);
  const minutes = Math.floor(whole / 60);
  const rest = whole % 60;
  return minutes > 0 ? `${minutes}m${String(rest).padStart(2, '0')}s` : `${rest}s`;
}

/** One progress line for stderr: events so far, events/s, ETA, the simulated day. */
export function formatProgress(progress: SyntheticProgress): string {
  const percent = progress.target > 0 ? (100 * progress.events) / progress.target : 100;
  const eta = progress.etaSeconds === null ? '?' : duration(progress.etaSeconds);
  return (
    `synthetic: ${progress.events.toLocaleString('en-US')} / ${progress.target.toLocaleString('en-US')} events ` +
    `(${percent.toFixed(1)}%), ${Math.round(progress.eventsPerSecond).toLocaleString('en-US')} events/s, ` +
    `ETA ${eta}, elapsed ${duration(progress.elapsedSeconds)}, simulated ${progress.simulatedDay}`
  );
}

/** Where the report goes: next to the store (`sqlite:<folder>` → `<folder>/synthetic-report.json`). */
export function syntheticReportPath(storeUrl: string): string {
  if (!storeUrl.startsWith('sqlite:')) throw new TypeError(`cannot place the report next to ${storeUrl}: expected sqlite:<folder>`);
  return join(resolve(storeUrl.slice('sqlite:'.length)), 'synthetic-report.json');
}

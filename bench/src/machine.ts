import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';

/** The commit the code under `path` (the store by default) was measured at, and whether it had uncommitted changes. */
export function describeRevision(path = 'packages/eventstore'): string {
  const commit = run('git', ['log', '-1', '--format=%h %s', '--', path]).trim();
  const dirty = run('git', ['status', '--porcelain', '--', path]).trim() !== '';
  return commit === '' ? 'unknown (not a git checkout)' : `${commit}${dirty ? ' + uncommitted changes' : ''}`;
}

export interface Machine {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly disk: string;
  readonly node: string;
  readonly platform: string;
}

/** What the figures were measured on; every field says "unknown" rather than failing the run. */
export function describeMachine(folder: string): Machine {
  return {
    cpus: availableParallelism(),
    cpuModel: cpuModel(),
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    disk: disk(folder),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

function cpuModel(): string {
  if (!existsSync('/proc/cpuinfo')) return 'unknown';
  const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
  return match?.[1]?.trim() ?? 'unknown';
}

/** The device and file system under the temp folder, and whether the kernel thinks it spins. */
function disk(folder: string): string {
  const df = run('df', ['-h', '--output=source,fstype,size', folder]).split('\n')[1]?.trim().split(/\s+/);
  if (df === undefined || df.length < 3) return 'unknown';
  const [source = '?', fstype = '?', size = '?'] = df;
  const device = /^\/dev\/([a-z]+)/.exec(source)?.[1];
  const rotational = device === undefined ? undefined : read(`/sys/block/${device}/queue/rotational`);
  const model = device === undefined ? undefined : read(`/sys/block/${device}/device/model`);
  const kind = device?.startsWith('vd')
    ? `virtio block device: a VM disk, backing store unknown (the kernel says rotational=${rotational ?? '?'})`
    : rotational === '0' ? 'non-rotational' : rotational === '1' ? 'rotational' : 'unknown kind';
  return `${source} ${fstype} ${size}, ${kind}${model ? `, ${model}` : ''}`;
}

function read(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8').trim() : undefined;
}

function run(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], cwd: new URL('../..', import.meta.url) });
  } catch (error) {
    process.stderr.write(`(machine: ${command} failed: ${error instanceof Error ? error.message : String(error)})\n`);
    return '';
  }
}

/**
 * Where a child's time went: `node --import tsx src/profile-summary.ts <file.cpuprofile> [top]`, after
 * `npm run bench -- --cpu-prof --only quanze`. Prints self time by function and by origin (our packages,
 * a dependency, node itself, idle), so a slow scenario can be pinned to code or to waiting.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

function origin(url: string, name: string): string {
  if (name === '(idle)' || name === '(program)' || name === '(garbage collector)') return name;
  if (url === '') return '(native / node internals)';
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dependency) return dependency[1] ?? url;
  const workspace = /\/(packages\/[^/]+|bench)\//.exec(url);
  if (workspace) return workspace[1] ?? url;
  if (url.startsWith('node:')) return 'node:*';
  return url;
}

const [file, topArgument] = process.argv.slice(2);
if (file === undefined) {
  process.stderr.write('usage: node --import tsx src/profile-summary.ts <file.cpuprofile> [top]\n');
  process.exit(2);
}
const top = Number(topArgument ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfByFunction = new Map<string, number>();
const selfByOrigin = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, index) => {
  const delta = profile.timeDeltas[index] ?? 0;
  const node = byId.get(id);
  if (node === undefined) return;
  total += delta;
  const { functionName, url, lineNumber } = node.callFrame;
  const name = functionName === '' ? '(anonymous)' : functionName;
  const key = `${name}  ${url.replace(/^.*\/(node_modules|packages|bench)\//, '$1/')}:${lineNumber + 1}`;
  selfByFunction.set(key, (selfByFunction.get(key) ?? 0) + delta);
  const from = origin(url, functionName);
  selfByOrigin.set(from, (selfByOrigin.get(from) ?? 0) + delta);
});

const print = (title: string, entries: Map<string, number>, limit: number) => {
  process.stdout.write(`\n${title}\n`);
  for (const [key, micros] of [...entries.entries()].sort((a, b) => b[1] - a[1]).slice(0, limit)) {
    process.stdout.write(`${(micros / 1000).toFixed(0).padStart(8)} ms ${((micros / total) * 100).toFixed(1).padStart(5)}%  ${key}\n`);
  }
};
process.stdout.write(`${file}: ${(total / 1000).toFixed(0)} ms sampled\n`);
print('self time by origin', selfByOrigin, 15);
print(`self time by function (top ${top})`, selfByFunction, top);

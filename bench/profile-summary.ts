import { readFileSync } from 'node:fs';

/**
 * Self time by function of a V8 .cpuprofile (`npx tsx bench/profile-summary.ts file [top]`), the idle and
 * program nodes left out, so two profiles of the same loop can be compared line by line.
 */
type Node = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
};
const [file, top] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file ?? '', 'utf8')) as { nodes: Node[]; samples: number[] };
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<string, number>();
let busy = 0;
for (const id of profile.samples) {
  const node = byId.get(id);
  const name = node?.callFrame.functionName || '(anonymous)';
  if (name === '(idle)' || name === '(program)') continue;
  const where = `${name} ${(node?.callFrame.url ?? '').split('/').slice(-2).join('/')}:${(node?.callFrame.lineNumber ?? 0) + 1}`;
  self.set(where, (self.get(where) ?? 0) + 1);
  busy++;
}
console.log(`${busy} busy samples`);
for (const [where, n] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(top ?? 25)))
  console.log(`${((n / busy) * 100).toFixed(1).padStart(5)}%  ${where}`);

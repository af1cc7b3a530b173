/**
 * `npm run bench`: wall-clock cost of `npm run synth`, measured in throwaway copies of the project.
 *
 * 1. the POC/lab app with our toolchain (esbuild bundle + node) vs the cdk8s default
 *    (`cdk8s synth` running `npx ts-node main.ts`, as `cdk8s init` sets it up) on the same app;
 * 2. generated sites with 100 and 1,000 Postgres clusters, to show the cost per cluster is linear.
 * Benchmarks, not tests: nothing here asserts, it prints numbers.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

const copies: string[] = [];
process.on('exit', () => copies.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function copy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bench-'));
  copies.push(dir);
  for (const e of ['main.ts', 'lib', 'sites', 'imports', 'scripts', 'package.json', 'tsconfig.json']) cpSync(join(ROOT, e), join(dir, e), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

/** Median wall time in ms of a command (after one warm-up run). */
function time(dir: string, cmd: string, args: string[]): number {
  const run = () => {
    const t = performance.now();
    const r = spawnSync(cmd, args, { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed in ${dir}:\n${r.stderr}`);
    return performance.now() - t;
  };
  run();
  const times = Array.from({ length: RUNS }, run).sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** A copy whose only site has `clusters` Postgres clusters (3 instances each) on 3 postgres nodes. */
function generatedSite(clusters: number): string {
  const dir = copy();
  writeFileSync(join(dir, 'lib', 'sites', 'index.ts'), `import type { Site } from '../site/model';
import { lab } from './lab';
const clusters = Array.from({ length: ${clusters} }, (_, i) => ({
  ...lab.postgres.clusters[0], name: \`acid-bench-\${i}\`, namespace: \`team-\${i % 10}\`,
}));
export const SITES: readonly Site[] = [{ ...lab, name: 'bench', postgres: { clusters } }];
`);
  return dir;
}

const ms = (n: number) => `${n.toFixed(0)} ms`;
const app = copy();
const ours = time(app, 'npm', ['run', '--silent', 'synth']);
writeFileSync(join(app, 'cdk8s.yaml'), 'language: typescript\napp: npx ts-node main.ts\n');
const cdk8sDefault = time(app, join(ROOT, 'node_modules', '.bin', 'cdk8s'), ['synth', '--check-upgrade', 'false']);
console.log(`POC + lab app  npm run synth: ${ms(ours)}   cdk8s synth (ts-node): ${ms(cdk8sDefault)}   speed-up: ${(cdk8sDefault / ours).toFixed(1)}x`);
const pocOnly = time(app, 'npm', ['run', '--silent', 'synth', '--', '--site', 'poc']);
const pocNode = time(app, 'node', ['scripts/synth.cjs', '--site', 'poc']);
const nodeStart = time(app, 'node', ['-e', '0']);
console.log(`POC alone      npm run synth -- --site poc: ${ms(pocOnly)}   node scripts/synth.cjs --site poc: ${ms(pocNode)} (npm's own start-up is the difference; node -e 0: ${ms(nodeStart)})`);

const small = time(generatedSite(100), 'npm', ['run', '--silent', 'synth']);
const large = time(generatedSite(1000), 'npm', ['run', '--silent', 'synth']);
console.log(`generated site  100 clusters: ${ms(small)}   1,000 clusters: ${ms(large)}`);
console.log(`cost per cluster: ${((large - small) / 900).toFixed(2)} ms (from the 100 → 1,000 slope); 1,000/100 time ratio ${(large / small).toFixed(1)}`);

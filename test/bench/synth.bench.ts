/**
 * `npm run bench`: cost of `npm run synth`, `npm run check` and `npm run verify`, measured in throwaway copies of the
 * project.
 *
 * 1. the POC/lab app with our toolchain (esbuild bundle + node) vs the cdk8s default
 *    (`cdk8s synth` running `npx ts-node main.ts`, as `cdk8s init` sets it up) on the same app;
 * 2. a re-run with nothing changed against the floor (node reading every output file);
 * 3. generated sites (test/support/scaled-site.ts) with 10, 100 and 1,000 Postgres clusters on
 *    3 + clusters/10 Postgres nodes (--sizes): CPU of a synth that writes everything, per-cluster slopes and the
 *    verdict computed from them (test/bench/scaling.ts: linear iff no slope grows beyond a tolerance), and
 *    `npm run check` on the 1,000-cluster site. `--scaling-only` measures only these (test/bench.test.ts runs it on
 *    tiny sizes, so the bench cannot rot unnoticed).
 * 4. `npm run verify` per rendered site, once its components are built.
 * Benchmarks, not tests: nothing here asserts on the figures, it prints them (CPU = user + sys of the child).
 */
import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  cpSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliCommand, runCli, UsageError, type CliSpec } from '../../lib/cli';
import { parseTree } from '../../lib/core/objects';
import { readTrees } from '../../lib/core/file-tree';
import { loadSites } from '../../lib/site-files/validated';
import { missingComponents } from '../../lib/verify/control-plane';
import { verifySite } from '../../lib/verify/run';
import { scalingVerdict } from './scaling';

const ROOT = join(__dirname, '..', '..');
/** Runs per measure (--runs), and whether one warm-up run precedes them (not with --no-warm-up). */
let runs = 5;
let warmUp = true;

const copies: string[] = [];
process.on('exit', () => copies.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function copy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bench-'));
  copies.push(dir);
  for (const e of [
    'main.ts',
    'lib',
    'sites',
    'imports',
    'scripts',
    'test/support',
    'package.json',
    'tsconfig.json',
    '.secretlintrc.json',
    '.gitignore',
  ])
    cpSync(join(ROOT, e), join(dir, e), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

interface Cost {
  readonly wall: number;
  readonly cpu: number;
}

/** A median cost and half the range of the runs' CPU (whole ms, rounded up). */
interface Measure extends Cost {
  readonly cpuSpread: number;
}

/** Wall and CPU ms of one run of a shell command (bash's `times` gives the children's CPU). */
function once(dir: string, command: string): Cost {
  const t = performance.now();
  const r = spawnSync('bash', ['-c', `${command} >/dev/null; s=$?; times; exit $s`], { cwd: dir, encoding: 'utf8' });
  const wall = performance.now() - t;
  if (r.status !== 0) throw new Error(`${command} failed in ${dir}:\n${r.stderr}`);
  const [, children] = r.stdout.trim().split('\n');
  const seconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].reduce((s, m) => s + Number(m[1]) * 60 + Number(m[2]), 0);
  return { wall, cpu: Math.round(seconds * 1000) }; // whole ms, as printed: the verdict is computed from them
}

/** Median of `runs` runs (after one warm-up unless --no-warm-up), `before` run ahead of each. */
function median(dir: string, command: string, before = ''): Measure {
  const run = () => once(dir, before ? `${before}; ${command}` : command);
  if (warmUp) run();
  const measured = Array.from({ length: runs }, run);
  const mid = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const cpu = measured.map((r) => r.cpu);
  return {
    wall: mid(measured.map((r) => r.wall)),
    cpu: mid(cpu),
    cpuSpread: Math.ceil((Math.max(...cpu) - Math.min(...cpu)) / 2),
  };
}

/** A copy whose sites/ holds only lab, as a helper (`_lab.ts`, not a site), for generatedSite. */
function scalingCopy(): string {
  const dir = copy();
  for (const f of readdirSync(join(dir, 'sites')))
    if (f !== 'lab.ts') rmSync(join(dir, 'sites', f), { recursive: true });
  renameSync(join(dir, 'sites', 'lab.ts'), join(dir, 'sites', '_lab.ts'));
  appendFileSync(join(dir, '.gitignore'), 'node_modules\n');
  return dir;
}

/** Makes the copy's only site scaledSite(lab, clusters). */
function generatedSite(dir: string, clusters: number): void {
  writeFileSync(
    join(dir, 'sites', 'bench.ts'),
    `import { lab } from './_lab';\nimport { scaledSite } from '../test/support/scaled-site';\nexport default scaledSite(lab, ${clusters});\n`,
  );
}

const SPEC: CliSpec = {
  script: 'bench',
  summary:
    'Synth timings in throwaway copies of the project: ours vs the cdk8s default toolchain, a re-run with nothing changed, generated sites of 10, 100 and 1,000 clusters with the cost per cluster and a verdict computed from it (linear iff the slope does not grow), npm run check on the largest, and npm run verify per rendered site (once its components are built). BENCH_RUNS sets the runs per measure (default 5).',
  exitCodes: { 1: 'a measured command failed' },
  failure: { prefix: 'bench failed: ', code: 1 },
};

interface Options {
  readonly sizes: string;
  readonly runs: string;
  readonly scalingOnly?: boolean;
  readonly warmUp: boolean;
}

const ms = (n: number) => `${n.toFixed(0)} ms`;

const cmd = cliCommand(SPEC)
  .option('--sizes <list>', 'the generated sites, in clusters (3 sizes or more)', '10,100,1000')
  .option('--runs <n>', 'runs per measure, after one warm-up', process.env.BENCH_RUNS ?? '5')
  .option('--scaling-only', 'only the generated sites (no toolchain comparison, no check, no verify)')
  .option('--no-warm-up', 'no warm-up run before each measure (a smoke run: the first also builds the bundle)');

/** Our synth against the cdk8s default toolchain, a re-run with nothing changed, npm run check, on the example sites. */
function toolchain(): void {
  const app = copy();
  // a full render each time: without the stamp of the last synth (lib/synth/stamp.ts), as cdk8s synth always renders
  const RENDER = 'rm -rf .build/synth-stamp';
  const ours = median(app, 'npm run --silent synth', RENDER);
  writeFileSync(join(app, 'cdk8s.yaml'), 'language: typescript\napp: npx ts-node main.ts\n');
  const cdk8sDefault = median(app, `${join(ROOT, 'node_modules', '.bin', 'cdk8s')} synth --check-upgrade false`);
  console.log(
    `example sites  npm run synth: ${ms(ours.wall)}   cdk8s synth (ts-node): ${ms(cdk8sDefault.wall)}   speed-up: ${(cdk8sDefault.wall / ours.wall).toFixed(1)}x (wall)`,
  );
  const pocOnly = median(app, 'npm run --silent synth -- --site poc', RENDER);
  const pocNode = median(app, 'node scripts/synth.cjs --site poc', RENDER);
  const nodeStart = median(app, 'node -e 0');
  console.log(
    `POC alone      npm run synth -- --site poc: ${ms(pocOnly.wall)}   node scripts/synth.cjs --site poc: ${ms(pocNode.wall)} (npm's own start-up is the difference; node -e 0: ${ms(nodeStart.wall)})`,
  );
  const rerun = median(app, 'node scripts/synth.cjs');
  const floor = median(
    app,
    `node -e "const fs=require('fs');for(const d of ['dist','host-bootstrap','docs/sites'])for(const e of fs.readdirSync(d,{recursive:true,withFileTypes:true}))if(e.isFile())fs.readFileSync(e.parentPath+'/'+e.name)"`,
  );
  console.log(
    `re-run, nothing changed (example sites): ${ms(rerun.cpu)} CPU   floor (node reading every output file): ${ms(floor.cpu)} CPU`,
  );

  // check as a reviewer runs it, warm (the warm-up run fills .build/'s schema and secret-scan results)
  spawnSync('git', ['init', '-q'], { cwd: app });
  const checkPoc = median(app, 'npm run --silent check -- --site poc');
  const checkAll = median(app, 'npm run --silent check');
  console.log(
    `npm run check -- --site poc: ${ms(checkPoc.cpu)} CPU (${ms(checkPoc.wall)} wall)   npm run check, every site: ${ms(checkAll.cpu)} CPU (${ms(checkAll.wall)} wall)   (targets: 3 s and 6 s)`,
  );
}

/** The goal for the largest generated site. */
const GOAL = { clusters: 1000, cpuMs: 2000 };

/**
 * Synth of each generated site writing everything, the cost per cluster and the verdict computed from them; returns
 * the largest site's copy.
 */
function scaling(sizes: readonly number[]): { readonly n: number; readonly dir: string } {
  const dir = scalingCopy();
  const fresh = [...sizes]
    .sort((a, b) => a - b)
    .map((n) => {
      generatedSite(dir, n);
      return { n, cost: median(dir, 'node scripts/synth.cjs', 'rm -rf dist host-bootstrap docs/sites') };
    });
  for (const { n, cost } of fresh)
    console.log(
      `generated site  ${String(n).padStart(5)} clusters on ${3 + Math.floor(n / 10)} Postgres nodes: synth writing everything ${ms(cost.cpu)} CPU ± ${ms(cost.cpuSpread)} (${ms(cost.wall)} wall)`,
    );
  console.log(
    scalingVerdict(fresh.map(({ n, cost }) => ({ clusters: n, cpuMs: cost.cpu, spreadMs: cost.cpuSpread }))).text,
  );
  const goal = fresh.find((f) => f.n === GOAL.clusters);
  if (goal)
    console.log(
      `goal: ${GOAL.clusters} clusters under ${ms(GOAL.cpuMs)} CPU: ${goal.cost.cpu < GOAL.cpuMs ? 'met' : 'NOT met'} (${ms(goal.cost.cpu)})`,
    );
  return { n: fresh[fresh.length - 1].n, dir };
}

/**
 * `npm run verify` per site under dist/, one after the other (target: under 60 s per site once the components are
 * built).
 */
async function benchVerify(): Promise<void> {
  const trees = readTrees(join(ROOT, 'dist'));
  for (const site of loadSites().filter((s) => trees.has(s.name))) {
    const missing = missingComponents(site);
    if (missing.length) {
      console.log(`npm run verify -- --site ${site.name}: not measured (${missing.join('; ')})`);
      continue;
    }
    const report = await verifySite({ site, objects: parseTree(site.name, trees.get(site.name)!) });
    console.log(
      `npm run verify -- --site ${site.name}: ${report.seconds.toFixed(1)} s (${report.objects.length} objects, ${report.pods.length} pods, ${report.ok ? 'passed' : 'FAILED'})`,
    );
  }
}

runCli<Options>(SPEC, cmd, async (options) => {
  const sizes = options.sizes.split(',').map(Number);
  if (sizes.length < 3 || sizes.some((n) => !Number.isInteger(n) || n < 1))
    throw new UsageError(`--sizes '${options.sizes}': give 3 or more whole numbers of clusters, e.g. 10,100,1000`);
  runs = Number(options.runs);
  if (!Number.isInteger(runs) || runs < 1)
    throw new UsageError(`--runs '${options.runs}': give a whole number, 1 or more`);
  warmUp = options.warmUp;
  if (!options.scalingOnly) toolchain();
  const large = scaling(sizes);
  if (options.scalingOnly) return;
  spawnSync('git', ['init', '-q'], { cwd: large.dir });
  const check = median(large.dir, 'npm run --silent check');
  console.log(`npm run check on the ${large.n}-cluster site: ${ms(check.wall)} wall, ${ms(check.cpu)} CPU`);
  await benchVerify();
});

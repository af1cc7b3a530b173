import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { validateSite } from '../lib/components/validate';
import { lab } from '../sites/lab';
import { scalingVerdict } from './bench/scaling';
import { scaledSite } from './support/scaled-site';

const ROOT = join(__dirname, '..');

describe('npm run bench: the verdict on scaling is computed from its figures', () => {
  test('fails to call 1.15 / 1.26 / 3.85 s at 10 / 100 / 1,000 clusters linear: the slope grows from 1.22 to 2.88 ms a cluster', () => {
    const v = scalingVerdict([
      { clusters: 10, cpuMs: 1150, spreadMs: 0 },
      { clusters: 100, cpuMs: 1260, spreadMs: 0 },
      { clusters: 1000, cpuMs: 3850, spreadMs: 0 },
    ]);
    expect(v.linearity).toBe('not linear');
    expect(v.slopes.map((s) => s.msPerCluster.toFixed(2))).toEqual(['1.22', '2.88']);
    expect(v.text).toMatch(/NOT linear, the slope grows \(1\.22 -> 2\.88 ms/);
  });

  const at = (spreadMs: number, ...cpuMs: number[]) =>
    [10, 100, 1000].map((clusters, i) => ({ clusters, cpuMs: cpuMs[i], spreadMs }));

  test('a slope within the tolerance of the one before is linear (1.11 -> 1.22 ms), or smaller; beyond it, not (1.11 -> 1.56 ms)', () => {
    expect(scalingVerdict(at(0, 1000, 1100, 2200)).linearity).toBe('linear');
    expect(scalingVerdict(at(0, 1000, 1100, 1500)).linearity).toBe('linear');
    expect(scalingVerdict(at(0, 1000, 1100, 2500)).linearity).toBe('not linear');
  });

  test("undecided when the runs' spread could turn the verdict either way, and says so", () => {
    // 1.11 ± 0.89 ms then 1.22 ± 0.09 ms: growth of 10 % or of 1,000 % are both within the runs' noise
    const v = scalingVerdict(at(40, 1000, 1100, 2200));
    expect(v.linearity).toBe('undecided');
    expect(v.text).toBe(
      'cost per cluster: 1.11 ± 0.89 ms from 10 to 100, 1.22 ± 0.09 ms from 100 to 1000: undecided, the runs vary too much to tell whether the slope grows by more than 25 % (more --runs, or an idle machine)',
    );
    // the same noise cannot hide a slope that grows 6-fold
    expect(scalingVerdict(at(40, 1000, 1100, 7000)).linearity).toBe('not linear');
  });

  test('fails with fewer than 3 sizes', () => {
    expect(() => scalingVerdict([{ clusters: 10, cpuMs: 1, spreadMs: 0 }])).toThrow(/needs 3 sizes or more, got 1/);
  });
});

describe("npm run bench's generated sites", () => {
  test.each([10, 100, 1000])('the %i-cluster site is a valid site (synth would refuse it otherwise)', (n) => {
    expect(validateSite(scaledSite(lab, n))).toEqual([]);
  });

  test('a smoke run on tiny sizes prints each size, the slopes and the verdict computed from the printed figures', () => {
    const run = spawnSync(
      join(ROOT, 'node_modules', '.bin', 'tsx'),
      [
        join(ROOT, 'test', 'bench', 'synth.bench.ts'),
        '--scaling-only',
        '--sizes',
        '1,2,3',
        '--runs',
        '1',
        '--no-warm-up',
      ],
      { cwd: ROOT, encoding: 'utf8', timeout: 120_000 },
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const figures = [
      ...run.stdout.matchAll(/generated site +(\d+) clusters on \d+ Postgres nodes: .* (\d+) ms CPU ± (\d+) ms/g),
    ].map((m) => ({ clusters: Number(m[1]), cpuMs: Number(m[2]), spreadMs: Number(m[3]) }));
    expect(figures.map((f) => f.clusters)).toEqual([1, 2, 3]);
    expect(run.stdout).toContain(`${scalingVerdict(figures).text}\n`);
  }, 120_000);
});

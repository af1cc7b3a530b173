import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';

const ROOT = join(__dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'test-summary-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function summary(results: object | undefined, code: number) {
  const file = join(dir, `results-${code}-${results ? 'json' : 'none'}.json`);
  if (results) writeFileSync(file, JSON.stringify(results));
  return spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'scripts', 'test-summary.ts'), file, String(code)], { encoding: 'utf8' });
}
const counts = (passed: number, failed: number, failedFiles = 0) => ({ numPassedTests: passed, numFailedTests: failed, numPendingTests: 0, numTodoTests: 0, numFailedTestSuites: failedFiles });

describe('the closing line of npm test', () => {
  test('says N passed, N failed and keeps vitest\'s exit code', () => {
    const ok = summary(counts(12, 0), 0);
    expect([ok.stdout, ok.status]).toEqual(['12 passed, 0 failed, 0 skipped\n', 0]);
    const failed = summary(counts(11, 1), 1);
    expect([failed.stdout, failed.status]).toEqual(['11 passed, 1 failed, 0 skipped\n', 1]);
  });

  test('fails when a test file could not run, or when vitest wrote no results', () => {
    const broken = summary(counts(5, 0, 1), 1);
    expect([broken.stdout, broken.status]).toEqual(['5 passed, 0 failed, 0 skipped (1 test file(s) failed to run)\n', 1]);
    const none = summary(undefined, 1);
    expect(none.stdout).toMatch(/^0 passed, 0 failed, 0 skipped \(vitest wrote no .* it exited with 1 before reporting\)\n$/);
    expect(none.status).toBe(1);
  });

  test('npm test prints it last, whatever vitest did (the script runs it after vitest, not only on success)', () => {
    const script = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.test;
    expect(script).toMatch(/vitest run [^;&|]*; tsx scripts\/test-summary\.ts \S+ \$\?; \}$/);
  });
});

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';

const ROOT = join(__dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'test-summary-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function summary(results: object | undefined, code: number, typecheck?: { rc?: string; log: string }) {
  const file = join(dir, `results-${code}-${results ? 'json' : 'none'}.json`);
  if (results) writeFileSync(file, JSON.stringify(results));
  const rc = join(dir, `typecheck-${typecheck?.rc ?? 'none'}.rc`);
  if (typecheck?.rc !== undefined) writeFileSync(rc, `${typecheck.rc}\n`);
  if (typecheck) writeFileSync(rc.replace(/\.rc$/, '.log'), typecheck.log);
  return spawnSync(
    join(ROOT, 'node_modules', '.bin', 'tsx'),
    [join(ROOT, 'scripts', 'test-summary.ts'), file, String(code), ...(typecheck ? [rc] : [])],
    { encoding: 'utf8' },
  );
}
const counts = (passed: number, failed: number, failedFiles = 0) => ({
  numPassedTests: passed,
  numFailedTests: failed,
  numPendingTests: 0,
  numTodoTests: 0,
  numFailedTestSuites: failedFiles,
});

describe('the closing line of npm test', () => {
  test("says N passed, N failed and keeps vitest's exit code", () => {
    const ok = summary(counts(12, 0), 0);
    expect([ok.stdout, ok.status]).toEqual(['12 passed, 0 failed, 0 skipped\n', 0]);
    const failed = summary(counts(11, 1), 1);
    expect([failed.stdout, failed.status]).toEqual(['11 passed, 1 failed, 0 skipped\n', 1]);
  });

  test('fails when a test file could not run, or when vitest wrote no results', () => {
    const broken = summary(counts(5, 0, 1), 1);
    expect([broken.stdout, broken.status]).toEqual([
      '5 passed, 0 failed, 0 skipped (1 test file(s) failed to run)\n',
      1,
    ]);
    const none = summary(undefined, 1);
    expect(none.stdout).toMatch(
      /^0 passed, 0 failed, 0 skipped \(vitest wrote no .* it exited with 1 before reporting\)\n$/,
    );
    expect(none.status).toBe(1);
  });

  test('npm test prints it last, whatever vitest did (the script runs it after vitest, not only on success)', () => {
    const script = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> })
      .scripts.test;
    expect(script).toMatch(
      /vitest run [^;&|]*; code=\$\?; wait; tsx scripts\/test-summary\.ts \S+ \$code \S+typecheck\.rc; \}$/,
    );
    // the typecheck, then the linters, run beside vitest, their exit code into the file the summary reads
    expect(script).toMatch(
      /\{ \{ npm run --silent typecheck && npm run --silent lint; \} > \.build\/typecheck\.log 2>&1; echo \$\? > \.build\/typecheck\.rc; \} & vitest run/,
    );
  });

  test('a failed or unfinished typecheck fails the run and shows its errors, passing tests or not', () => {
    const bad = summary(counts(12, 0), 0, {
      rc: '2',
      log: "lib/x.ts(1,7): error TS2322: Type 'string' is not assignable to type 'number'.",
    });
    expect([bad.stdout, bad.status]).toEqual([
      "lib/x.ts(1,7): error TS2322: Type 'string' is not assignable to type 'number'.\n12 passed, 0 failed, 0 skipped (typecheck failed (exit 2))\n",
      1,
    ]);
    const unfinished = summary(counts(12, 0), 0, { log: '' });
    expect([unfinished.stdout.trim().split('\n').pop(), unfinished.status]).toEqual([
      '12 passed, 0 failed, 0 skipped (typecheck did not finish)',
      1,
    ]);
    const good = summary(counts(12, 0), 0, { rc: '0', log: '' });
    expect([good.stdout, good.status]).toEqual(['12 passed, 0 failed, 0 skipped\n', 0]);
  });
});

/**
 * `tsx scripts/test-summary.ts <results.json> <vitest exit code> [<typecheck.rc>]`: prints vitest's
 * JSON result as the plain closing line CI reads, `N passed, N failed, N skipped`, and exits with
 * vitest's code (1 when tests failed, or when vitest wrote no results: it stopped before or while
 * running them). npm test runs the typecheck beside vitest (tsc is single-threaded: on two cores it
 * used to run alone first); with the file holding its exit code, a failed or unfinished typecheck
 * prints its log (the .log beside the .rc) and fails the run too.
 */
import { existsSync, readFileSync } from 'node:fs';

interface Results {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numFailedTestSuites: number;
}

const [file = '.build/test-results.json', code = '0', typecheckRc] = process.argv.slice(2);

/** The typecheck's failure, printed now (its log), for the closing line; undefined when it passed or was not asked. */
function typecheckFailure(rc: string | undefined): string | undefined {
  if (rc === undefined) return undefined;
  const status = existsSync(rc) ? readFileSync(rc, 'utf8').trim() : '';
  if (status === '0') return undefined;
  const log = rc.replace(/\.rc$/, '.log');
  if (existsSync(log)) console.log(readFileSync(log, 'utf8').trimEnd());
  return status ? `typecheck failed (exit ${status})` : 'typecheck did not finish';
}
const typecheck = typecheckFailure(typecheckRc);
let results: Results | undefined;
try {
  results = JSON.parse(readFileSync(file, 'utf8')) as Results;
} catch {
  results = undefined;
}
if (!results) {
  console.log(
    `0 passed, 0 failed, 0 skipped (vitest wrote no ${file}: it exited with ${code} before reporting)${typecheck ? ` (${typecheck})` : ''}`,
  );
  process.exit(Number(code) || 1);
}
const suites = results.numFailedTestSuites > 0 ? ` (${results.numFailedTestSuites} test file(s) failed to run)` : '';
console.log(
  `${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests + results.numTodoTests} skipped${suites}${typecheck ? ` (${typecheck})` : ''}`,
);
process.exit(Number(code) || (results.numFailedTests > 0 || results.numFailedTestSuites > 0 || typecheck ? 1 : 0));

/**
 * `tsx scripts/test-summary.ts <results.json> <vitest exit code>`: prints vitest's JSON result as
 * the plain closing line CI reads, `N passed, N failed, N skipped`, and exits with vitest's code
 * (1 when tests failed, or when vitest wrote no results: it stopped before or while running them).
 */
import { readFileSync } from 'node:fs';

interface Results {
  numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number; numFailedTestSuites: number;
}

const [file = '.build/test-results.json', code = '0'] = process.argv.slice(2);
let results: Results | undefined;
try {
  results = JSON.parse(readFileSync(file, 'utf8')) as Results;
} catch {
  results = undefined;
}
if (!results) {
  console.log(`0 passed, 0 failed, 0 skipped (vitest wrote no ${file}: it exited with ${code} before reporting)`);
  process.exit(Number(code) || 1);
}
const suites = results.numFailedTestSuites > 0 ? ` (${results.numFailedTestSuites} test file(s) failed to run)` : '';
console.log(`${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests + results.numTodoTests} skipped${suites}`);
process.exit(Number(code) || (results.numFailedTests > 0 || results.numFailedTestSuites > 0 ? 1 : 0));

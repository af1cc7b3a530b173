/** Prints vitest's JSON result as the plain closing line CI reads: `N passed, N failed, N skipped`. */
import { readFileSync } from 'node:fs';

const results = JSON.parse(readFileSync(process.argv[2] ?? '.build/test-results.json', 'utf8')) as {
  numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number;
};
console.log(`${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests + results.numTodoTests} skipped`);

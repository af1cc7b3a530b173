/**
 * `npm run docs:operations`: regenerate docs/operations.md (each operation applied to the sources in memory and
 * rendered).
 */
import { cliCommand, runCli, type CliSpec } from '../lib/cli';
import { OPERATIONS } from '../lib/operations/catalog';
import { operationsDoc } from '../lib/operations/doc';
import { runOperation, type OperationResult } from '../lib/operations/run';
import { PROJECT_ROOT } from '../lib/upstream';
import { writeFileAtomic } from '../lib/write/atomic';
import { poc } from '../sites/poc';

const SPEC: CliSpec = {
  script: 'docs:operations',
  summary:
    'Regenerate docs/operations.md: each day-2 operation applied to the sources in memory and rendered, with the diff it produces.',
  exitCodes: { 1: 'an operation did not apply or synthesize' },
  failure: { prefix: 'docs:operations failed: ', code: 1 },
};

runCli(SPEC, cliCommand(SPEC), async () => {
  const results = new Map<string, OperationResult>();
  for (const op of OPERATIONS) {
    console.log(`operation ${op.id}…`);
    results.set(op.id, await runOperation(op, PROJECT_ROOT));
  }
  writeFileAtomic(`${PROJECT_ROOT}/docs/operations.md`, `${operationsDoc(poc, OPERATIONS, results)}\n`);
  console.log(`docs/operations.md: ${OPERATIONS.length} operations`);
});

/** `npm run docs:operations`: regenerate docs/operations.md (each operation applied to a copy of the project). */
import { cliCommand, runCli, type CliSpec } from '../lib/cli';
import { OPERATIONS } from '../lib/operations/catalog';
import { operationsDoc } from '../lib/operations/doc';
import { runOperation } from '../lib/operations/run';
import { PROJECT_ROOT } from '../lib/upstream';
import { writeFileAtomic } from '../lib/write/atomic';
import { poc } from '../sites/poc';

const SPEC: CliSpec = {
  script: 'docs:operations',
  summary: 'Regenerate docs/operations.md: each day-2 operation applied to a copy of the project, with the diff it produces.',
  exitCodes: { 1: 'an operation did not apply or synthesize' },
  failure: { prefix: 'docs:operations failed: ', code: 1 },
};

runCli(SPEC, cliCommand(SPEC), () => {
  const results = new Map(OPERATIONS.map((op) => {
    console.log(`operation ${op.id}…`);
    return [op.id, runOperation(op, PROJECT_ROOT)] as const;
  }));
  writeFileAtomic(`${PROJECT_ROOT}/docs/operations.md`, `${operationsDoc(poc, OPERATIONS, results)}\n`);
  console.log(`docs/operations.md: ${OPERATIONS.length} operations`);
});

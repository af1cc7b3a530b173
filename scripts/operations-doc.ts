/** `npm run docs:operations`: regenerate docs/operations.md (each operation applied to a copy of the project). */
import { OPERATIONS } from '../lib/operations/catalog';
import { operationsDoc } from '../lib/operations/doc';
import { runOperation } from '../lib/operations/run';
import { poc } from '../lib/sites/poc';
import { PROJECT_ROOT } from '../lib/upstream';
import { writeFileAtomic } from '../lib/write/atomic';

const results = new Map(OPERATIONS.map((op) => {
  console.log(`operation ${op.id}…`);
  return [op.id, runOperation(op, PROJECT_ROOT)] as const;
}));
writeFileAtomic(`${PROJECT_ROOT}/docs/operations.md`, `${operationsDoc(poc, OPERATIONS, results)}\n`);
console.log(`docs/operations.md: ${OPERATIONS.length} operations`);

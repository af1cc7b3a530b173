/**
 * `npm run diff [-- --base <rev>] [--head <rev>] [--format terminal|markdown] [--output <file>]`:
 * the semantic diff of dist/ between two revisions (default: HEAD vs the working tree), with
 * impact notes and a DESTRUCTIVE banner, then the line diff of host-bootstrap/. The PR workflow
 * posts its Markdown.
 */
import { parseArgs } from 'node:util';
import { formatMarkdown, formatTerminal } from '../lib/diff/format';
import { treeAtRevision, treeOnDisk } from '../lib/diff/git';
import { diffFiles } from '../lib/diff/host-files';
import { diffTrees } from '../lib/diff/semantic';
import { PROJECT_ROOT } from '../lib/upstream';
import { writeFileAtomic } from '../lib/write/atomic';

function main(): void {
  const { values } = parseArgs({
    options: {
      base: { type: 'string', default: 'HEAD' },
      head: { type: 'string' },
      format: { type: 'string', default: 'terminal' },
      output: { type: 'string' },
    },
  });
  if (values.format !== 'terminal' && values.format !== 'markdown') throw new Error(`unknown --format '${values.format}': use terminal or markdown`);
  const tree = (dir: string) => ({
    before: treeAtRevision(PROJECT_ROOT, values.base, dir),
    after: values.head ? treeAtRevision(PROJECT_ROOT, values.head, dir) : treeOnDisk(PROJECT_ROOT, dir),
  });
  const dist = tree('dist');
  const host = tree('host-bootstrap');
  const diff = diffTrees(dist.before, dist.after);
  const files = diffFiles(host.before, host.after);
  const text = values.format === 'markdown' ? formatMarkdown(diff, files) : formatTerminal(diff, files);
  if (values.output) writeFileAtomic(values.output, `${text}\n`);
  else console.log(text);
}

try {
  main();
} catch (e) {
  console.error(`diff failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(2);
}

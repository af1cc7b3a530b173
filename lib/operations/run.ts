import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { formatTerminal } from '../diff/format';
import { treeOnDisk } from '../diff/git';
import { diffFiles, type FileDiff } from '../diff/host-files';
import { diffTrees, type TreeDiff } from '../diff/semantic';
import type { Operation, SourceEdit } from './catalog';

/** What an operation's change does, measured on a throwaway copy of the project. */
export interface OperationResult {
  /** The change as a unified diff of the sources. */
  readonly sourceDiff: string;
  /** The semantic diff of dist/ (absent when the change is refused). */
  readonly diff?: TreeDiff;
  readonly hostFiles: readonly FileDiff[];
  /** What `npm run diff` prints after `npm run synth`, or synth's error when the change is refused. */
  readonly output: string;
}

function applyEdit(dir: string, edit: SourceEdit): { before: string; after: string } {
  const path = join(dir, edit.file);
  const before = readFileSync(path, 'utf8');
  const count = before.split(edit.from).length - 1;
  if (count !== 1) throw new Error(`${edit.file}: expected '${edit.from}' once, found it ${count} times: update lib/operations/catalog.ts`);
  const after = before.replace(edit.from, edit.to);
  writeFileSync(path, after);
  return { before, after };
}

function synth(dir: string, site: string) {
  return spawnSync('npm', ['run', '--silent', 'synth', '--', '--site', site], { cwd: dir, encoding: 'utf8' });
}

/** A copy of the sources (node_modules linked) in which the operation's edits are applied and synthesized. */
export function runOperation(op: Operation, root: string, site = 'poc'): OperationResult {
  const dir = mkdtempSync(join(tmpdir(), `operation-${op.id}-`));
  try {
    for (const entry of ['main.ts', 'lib', 'sites', 'imports', 'scripts', 'package.json']) cpSync(join(root, entry), join(dir, entry), { recursive: true });
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
    (op.setup ?? []).forEach((e) => applyEdit(dir, e));
    const base = synth(dir, site);
    if (base.status !== 0) throw new Error(`operation ${op.id}: the starting point does not synthesize:\n${base.stderr}`);
    const before = { dist: treeOnDisk(dir, 'dist'), host: treeOnDisk(dir, 'host-bootstrap') };
    const sourceDiff = op.change.map((e) => {
      const { before: a, after: b } = applyEdit(dir, e);
      return createTwoFilesPatch(`a/${e.file}`, `b/${e.file}`, a, b, '', '', { context: 1 }).split('\n').slice(1).join('\n').trimEnd();
    }).join('\n');
    const run = synth(dir, site);
    if (op.refused) {
      if (run.status === 0) throw new Error(`operation ${op.id} should be refused, but synth accepted it`);
      return { sourceDiff, hostFiles: [], output: run.stderr.trimEnd() };
    }
    if (run.status !== 0) throw new Error(`operation ${op.id}: synth failed:\n${run.stderr}`);
    const diff = diffTrees(before.dist, treeOnDisk(dir, 'dist'));
    const hostFiles = diffFiles(before.host, treeOnDisk(dir, 'host-bootstrap'));
    return { sourceDiff, diff, hostFiles, output: formatTerminal(diff, hostFiles) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

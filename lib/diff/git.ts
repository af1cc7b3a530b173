import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readTrees } from '../core/file-tree';

/** The rendered tree (path under dist/ → YAML) of a git revision, or of the working tree. */
function git(root: string, args: readonly string[], input?: string): Buffer {
  const run = spawnSync('git', args, { cwd: root, input, maxBuffer: 1024 * 2 ** 20 });
  if (run.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${run.stderr.toString().trim()}`);
  return run.stdout;
}

/**
 * `git show <rev>:dist/...` for every file (YAML unless `files` says otherwise), through one `git cat-file --batch`.
 */
export function treeAtRevision(root: string, rev: string, dir = 'dist', files = /\.ya?ml$/): Map<string, string> {
  const entries = git(root, ['ls-tree', '-r', '-z', '--full-tree', rev, '--', dir])
    .toString('utf8')
    .split('\0')
    .filter(Boolean)
    .map((line) => {
      const [meta, path] = line.split('\t');
      return { id: meta.split(' ')[2], path };
    })
    .filter((e) => files.test(e.path));
  const tree = new Map<string, string>();
  if (entries.length === 0) return tree;
  const out = git(root, ['cat-file', '--batch'], `${entries.map((e) => e.id).join('\n')}\n`);
  let offset = 0;
  for (const e of entries) {
    const header = out.toString('utf8', offset, out.indexOf(10, offset));
    const size = Number(header.split(' ')[2]);
    const start = out.indexOf(10, offset) + 1;
    tree.set(e.path.slice(dir.length + 1), out.toString('utf8', start, start + size));
    offset = start + size + 1;
  }
  return tree;
}

export function treeOnDisk(root: string, dir = 'dist'): Map<string, string> {
  const tree = new Map<string, string>();
  for (const [site, files] of readTrees(`${root}/${dir}`))
    for (const [file, yaml] of files) tree.set(`${site}/${file}`, yaml);
  return tree;
}

/**
 * The site reports of the working tree (`<site>/README.md` → Markdown), as treeAtRevision(root, rev, 'docs/sites',
 * REPORT) reads them at a revision.
 */
export const REPORT = /\/README\.md$/;
export function reportsOnDisk(root: string): Map<string, string> {
  const dir = join(root, 'docs', 'sites');
  const reports = new Map<string, string>();
  if (!existsSync(dir)) return reports;
  for (const site of readdirSync(dir)) {
    const file = join(dir, site, 'README.md');
    if (existsSync(file)) reports.set(`${site}/README.md`, readFileSync(file, 'utf8'));
  }
  return reports;
}

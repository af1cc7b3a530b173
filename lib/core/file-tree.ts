import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { byText } from './order';

/** Rendered files of one tree, relative path → content. */
export type FileTree = Map<string, string>;

/** Every file under `<root>/<site>/`, per site, as synth would have rendered it. */
export function readTrees(root: string): Map<string, FileTree> {
  const trees = new Map<string, FileTree>();
  if (!existsSync(root)) return trees;
  for (const site of readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort(byText)) {
    const dir = join(root, site);
    const files: FileTree = new Map();
    for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (!e.isFile() || !/\.ya?ml$/.test(e.name)) continue;
      const path = join(e.parentPath ?? e.path, e.name);
      files.set(relative(dir, path), readFileSync(path, 'utf8'));
    }
    trees.set(site, files);
  }
  return trees;
}

import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { FileTree } from './render';

export interface WriteStats {
  readonly written: number;
  readonly unchanged: number;
  readonly removed: number;
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath ?? e.path, e.name)));
}

/**
 * Replaces `<root>/<site>/` with exactly `files`: stale files disappear, and a crash leaves
 * either the old or the new tree (the new one is built beside it, then renamed into place).
 */
export function writeTree(root: string, site: string, files: FileTree): WriteStats {
  const target = join(root, site);
  const before = new Set(listFiles(target));
  let written = 0;
  let unchanged = 0;
  for (const [file, content] of files) {
    if (before.has(file) && readFileSync(join(target, file), 'utf8') === content) unchanged++;
    else written++;
  }
  const removed = [...before].filter((f) => !files.has(f)).length;
  if (written === 0 && removed === 0) return { written, unchanged, removed };

  mkdirSync(root, { recursive: true });
  const staging = mkdtempSync(join(root, `.${site}.new-`));
  try {
    for (const [file, content] of files) {
      mkdirSync(dirname(join(staging, file)), { recursive: true });
      writeFileSync(join(staging, file), content);
    }
    const old = `${staging}.old`;
    if (existsSync(target)) renameSync(target, old);
    renameSync(staging, target);
    rmSync(old, { recursive: true, force: true });
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return { written, unchanged, removed };
}

import {
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { sortedText } from '../core/order';
import { alive, flushToDisk, fsyncDir, writeFileAtomic } from '../write/atomic';
import { killPoint } from '../write/kill-point';
import type { FileTree } from '../core/file-tree';

/**
 * Writing a site's trees (dist/<site>, host-bootstrap/<site>, docs/sites/<site>) so that they
 * switch together: every changed tree is staged beside its target (`<root>/.<site>.new-<pid>`),
 * a journal naming the stagings is written (the commit point), then each target is swapped with
 * its staging. A crash before the journal leaves the old trees (the next run removes the
 * stagings); after it, the next run finishes the switch (`recoverTrees`). Folders and files are
 * created with the default modes, so they follow the umask.
 */
export interface WriteStats {
  readonly written: number;
  readonly unchanged: number;
  readonly removed: number;
}

export interface TreeWrite {
  /** Folder holding one sub-folder per site, relative to the project root. */
  readonly root: string;
  readonly files: FileTree;
}

interface Journal {
  readonly site: string;
  readonly pid: number;
  /** Paths relative to the project root. */
  readonly trees: readonly { readonly target: string; readonly staging: string; readonly old: string }[];
}

/** Thrown when a site could not be written; `switched` tells whether its trees are the new ones. */
export class TreeWriteError extends Error {
  constructor(
    message: string,
    readonly switched: boolean,
  ) {
    super(message);
  }
}

/** The folders synth writes, one sub-folder per site in each. */
export const TREE_ROOTS = ['dist', 'host-bootstrap', 'docs/sites'] as const;

const JOURNAL = /^\.(.+)\.switch-(\d+)\.json$/;
const LEFTOVER = /^\.(.+)\.(new|old)-([^.]+)(\.old)?$/;

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath ?? e.path, e.name)));
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function stats(target: string, files: FileTree): WriteStats & { same: Set<string> } {
  const before = listFiles(target);
  const same = new Set([...files.keys()].filter((f) => readText(join(target, f)) === files.get(f)));
  return {
    written: files.size - same.size,
    unchanged: same.size,
    removed: before.filter((f) => !files.has(f)).length,
    same,
  };
}

/**
 * Fills `staging` with `files`: unchanged files are hard links to the current ones, the rest new
 * files (the staging folder is the temporary copy: it is flushed to disk before the journal
 * commits it, see lib/write/atomic.ts).
 */
function stage(target: string, staging: string, files: FileTree, same: ReadonlySet<string>): void {
  const dirs = new Set<string>([staging]);
  const written: string[] = [];
  mkdirSync(staging);
  for (const [file, content] of files) {
    const path = join(staging, file);
    if (!dirs.has(dirname(path))) {
      mkdirSync(dirname(path), { recursive: true });
      for (let d = dirname(path); d !== staging && !dirs.has(d); d = dirname(d)) dirs.add(d);
    }
    if (same.has(file)) {
      try {
        linkSync(join(target, file), path);
        continue;
      } catch {
        // no hard links here: write it
      }
    }
    writeFileSync(path, content, { flag: 'wx' });
    written.push(path);
  }
  flushToDisk(staging, [...written, ...dirs]);
}

/**
 * Swaps every staged tree of the journal into place (idempotent: it also finishes an interrupted switch), then drops
 * the journal.
 */
function finishSwitch(base: string, journal: Journal, journalFile: string): void {
  for (const t of journal.trees) {
    const [target, staging, old] = [t.target, t.staging, t.old].map((p) => join(base, p));
    if (!existsSync(staging)) continue;
    if (existsSync(target)) {
      rmSync(old, { recursive: true, force: true });
      renameSync(target, old);
      killPoint(`switch:between-renames:${t.target}`);
    }
    renameSync(staging, target);
    fsyncDir(dirname(target));
    killPoint(`switch:switched:${t.target}`);
  }
  for (const t of journal.trees) rmSync(join(base, t.old), { recursive: true, force: true });
  rmSync(journalFile, { force: true });
}

/**
 * Replaces `<root>/<site>/` with exactly `files` for every tree, all or none: stale files
 * disappear, and a tree whose files are all unchanged is not touched.
 */
export function writeSiteTrees(base: string, site: string, trees: readonly TreeWrite[]): WriteStats[] {
  const planned = trees.map((t) => ({ ...t, target: join(t.root, site), ...stats(join(base, t.root, site), t.files) }));
  const changed = planned.filter((t) => t.written > 0 || t.removed > 0);
  const result = planned.map(({ written, unchanged, removed }) => ({ written, unchanged, removed }));
  if (changed.length === 0) return result;

  const journal: Journal = {
    site,
    pid: process.pid,
    trees: changed.map((t) => ({
      target: t.target,
      staging: join(t.root, `.${site}.new-${process.pid}`),
      old: join(t.root, `.${site}.old-${process.pid}`),
    })),
  };
  try {
    changed.forEach((t, i) => {
      mkdirSync(join(base, t.root), { recursive: true });
      stage(join(base, t.target), join(base, journal.trees[i].staging), t.files, t.same);
    });
    killPoint('switch:staged');
  } catch (e) {
    dropStagings(base, journal);
    throw new TreeWriteError(`${site}: nothing was written (${message(e)})`, false);
  }
  // beside the first staging: on the same disk, and as visible in `git status` as the staging folders if left
  const journalFile = join(base, changed[0].root, `.${site}.switch-${process.pid}.json`);
  try {
    writeFileAtomic(journalFile, `${JSON.stringify(journal, null, 2)}\n`);
    fsyncDir(dirname(journalFile));
  } catch (e) {
    dropStagings(base, journal);
    throw new TreeWriteError(`${site}: nothing was written (${message(e)})`, false);
  }
  killPoint('switch:journaled');
  try {
    finishSwitch(base, journal, journalFile);
  } catch (e) {
    throw new TreeWriteError(
      `${site}: interrupted while switching its trees (${message(e)}); the next 'npm run synth' finishes the switch from ${journalFile}`,
      true,
    );
  }
  return result;
}

/** Best effort: a staging folder that cannot be removed now is removed by the next run's recoverTrees. */
function dropStagings(base: string, journal: Journal): void {
  for (const t of journal.trees) {
    try {
      rmSync(join(base, t.staging), { recursive: true, force: true });
    } catch {
      // see recoverTrees
    }
  }
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * What an interrupted run left, put right before anything else is written: switches that had
 * reached their journal are finished, other staging folders removed, and a site folder missing
 * between two renames (older versions of this code) restored from its `.old` copy. Folders of a
 * synth still running (its process alive) are left alone. Returns one line per action.
 */
export function recoverTrees(base: string, roots: readonly string[]): string[] {
  const lines: string[] = [];
  for (const root of roots) {
    const dir = join(base, root);
    for (const name of existsSync(dir) ? sortedText(readdirSync(dir)).filter((n) => JOURNAL.test(n)) : []) {
      let journal: Journal;
      try {
        journal = JSON.parse(readFileSync(join(dir, name), 'utf8')) as Journal;
      } catch {
        continue; // only written atomically: unreadable means it is not a journal of ours
      }
      if (journal.pid !== process.pid && alive(journal.pid)) continue;
      finishSwitch(base, journal, join(dir, name));
      lines.push(
        `${journal.site}: finished switching ${journal.trees.map((t) => t.target).join(', ')} to what an interrupted synth had staged`,
      );
    }
  }
  for (const root of roots) {
    const dir = join(base, root);
    if (!existsSync(dir)) continue;
    for (const name of sortedText(readdirSync(dir))) {
      const m = LEFTOVER.exec(name);
      if (!m || !statSync(join(dir, name)).isDirectory()) continue;
      const [, site, kind, pid, legacyOld] = m;
      if (/^\d+$/.test(pid) && alive(Number(pid))) continue;
      const target = join(dir, site);
      if ((kind === 'old' || legacyOld) && !existsSync(target)) {
        renameSync(join(dir, name), target);
        lines.push(`${join(root, site)}: restored from ${join(root, name)}, left by an interrupted synth`);
      } else {
        rmSync(join(dir, name), { recursive: true, force: true });
        lines.push(`${join(root, name)}: removed (left by an interrupted synth)`);
      }
    }
  }
  return lines;
}

/** Removes the folders of sites that are no longer in the source from every root; returns one line per removal. */
export function pruneSites(base: string, roots: readonly string[], known: ReadonlySet<string>): string[] {
  const lines: string[] = [];
  for (const root of roots) {
    const dir = join(base, root);
    if (!existsSync(dir)) continue;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (!e.isDirectory() || e.name.startsWith('.') || known.has(e.name)) continue;
      rmSync(join(dir, e.name), { recursive: true, force: true });
      lines.push(`${join(root, e.name)}: removed (site '${e.name}' is no longer in the source)`);
    }
  }
  return sortedText(lines);
}

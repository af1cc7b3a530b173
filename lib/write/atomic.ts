import { spawnSync } from 'node:child_process';
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { killPoint } from './kill-point';

/**
 * The one way the project writes a file: into a temporary file beside it, flushed to disk, then
 * renamed over the target. A reader, a crash or a full disk leaves the old content or the new,
 * never a part. The mode goes through the umask like any created file (0666 & ~umask unless
 * `mode` says otherwise, e.g. 0600 for secrets).
 */
let counter = 0;
const TEMP = /^\..+\.tmp-(\d+)-\d+$/;

export function writeFileAtomic(path: string, content: string | Uint8Array, mode = 0o666): void {
  const temp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${counter++}`);
  const fd = openSync(temp, 'wx', mode);
  try {
    try {
      writeFileSync(fd, content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    killPoint('atomic-write:before-rename');
    renameSync(temp, path);
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
}

/** Flushes a folder's entries (renames, new files) to disk. */
export function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Flushes new files and folders (a staged tree) to disk before they are committed by a rename:
 * one `sync -f` (syncfs(2), the whole file system at once: a tree of 2,000 files costs one
 * call instead of 2,000 fsyncs), else an fsync of each path.
 */
export function flushToDisk(dir: string, paths: Iterable<string>): void {
  if (spawnSync('sync', ['-f', dir]).status === 0) return;
  for (const path of paths) {
    const fd = openSync(path, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}

/** Whether a process with that id still runs (another synth writing beside us). */
export function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the temporary files a killed writeFileAtomic left in `dir`; returns their names. */
export function removeTempFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const stale = names.filter((n) => {
    const m = TEMP.exec(n);
    return m !== null && !alive(Number(m[1]));
  });
  for (const n of stale) rmSync(join(dir, n), { force: true });
  return stale;
}

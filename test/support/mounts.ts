import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Tool } from './tools';

/**
 * Small tmpfs mounts for full-disk and read-only tests (root only: `mount -t tmpfs`). Under
 * CI=true a machine where mounting fails is a failure, not a skip, like a missing tool.
 */
function canMount(): boolean {
  const probe = mkdtempSync(join(tmpdir(), 'mount-probe-'));
  const ok = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', probe]).status === 0;
  if (ok) spawnSync('umount', [probe]);
  rmdirSync(probe);
  return ok;
}

const mountable = canMount();
export const TMPFS: Tool = {
  run: mountable || process.env.CI === 'true',
  require: () => {
    if (!mountable)
      throw new Error('mount -t tmpfs failed: the full-disk and read-only tests need root (CI runs as root)');
  },
};

const mounted: string[] = [];

/** Mounts a tmpfs of `sizeKiB` at `dir` (created); `fill` runs before a read-only remount. */
export function mountTmpfs(
  dir: string,
  sizeKiB: number,
  options: { readOnly?: boolean; fill?: () => void } = {},
): void {
  mkdirSync(dir, { recursive: true });
  const run = (args: string[]) => {
    const r = spawnSync('mount', args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`mount ${args.join(' ')} failed: ${r.stderr}`);
  };
  run(['-t', 'tmpfs', '-o', `size=${sizeKiB}k,mode=755`, 'tmpfs', dir]);
  mounted.push(dir);
  options.fill?.();
  if (options.readOnly) run(['-o', 'remount,ro', dir]);
}

/** Unmounts everything mountTmpfs mounted (call in afterAll before removing the folders). */
export function unmountAll(): void {
  for (const dir of mounted.splice(0).reverse()) spawnSync('umount', ['-l', dir]);
}

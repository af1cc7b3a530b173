import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Tool } from './tools';

/**
 * Small tmpfs mounts for the full-disk and read-only tests, without root: a mount namespace of their
 * own inside a user namespace that maps the caller to root (`unshare --user --map-root-user --mount`,
 * util-linux), as any user where unprivileged user namespaces are allowed (GitHub's ubuntu-24.04 runners
 * once `kernel.apparmor_restrict_unprivileged_userns=0`, which ci.yml sets; Debian's default), and as
 * root. The test process stays outside: commands run in the namespace through `nsenter`, and the test
 * reads the mounts through `/proc/<holder>/root`. Under CI=true a machine where this fails is a failure,
 * not a skip, like a missing tool.
 */
const UNSHARE = ['--user', '--map-root-user', '--mount'];
const USERNS_HINT =
  'the full-disk and read-only tests mount a tmpfs in a user namespace: allow unprivileged user namespaces ' +
  '(Ubuntu 24.04: sysctl -w kernel.apparmor_restrict_unprivileged_userns=0)';

function canMount(): string | undefined {
  const probe = mkdtempSync(join(tmpdir(), 'mount-probe-'));
  try {
    const r = spawnSync('unshare', [...UNSHARE, 'mount', '-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', probe], {
      encoding: 'utf8',
    });
    return r.status === 0 ? undefined : `${r.stderr.trim() || r.error?.message}`;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

const failure = canMount();
export const TMPFS: Tool = {
  run: failure === undefined || process.env.CI === 'true',
  require: () => {
    if (failure !== undefined)
      throw new Error(`unshare ${UNSHARE.join(' ')} could not mount a tmpfs (${failure}): ${USERNS_HINT}`);
  },
};

/** A mount namespace held open by a process that ends with its stdin (so with the test process). */
export class MountNamespace {
  private readonly holder: ChildProcess;
  private readonly pid: number;

  constructor() {
    this.holder = spawn('unshare', [...UNSHARE, 'cat'], { stdio: ['pipe', 'ignore', 'inherit'] });
    this.pid = this.holder.pid!;
    const deadline = Date.now() + 5000;
    // unshare creates the namespaces and maps the user, then execs cat: wait until it has
    while (readFileSync(`/proc/${this.pid}/comm`, 'utf8') !== 'cat\n') {
      if (Date.now() > deadline) throw new Error(`unshare ${UNSHARE.join(' ')} did not start: ${USERNS_HINT}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }

  /** Runs a command in the namespace (as its root, the caller outside), in `cwd`. */
  run(
    command: string,
    args: readonly string[],
    options: { cwd: string; env?: NodeJS.ProcessEnv },
  ): SpawnSyncReturns<string> {
    return spawnSync(
      'nsenter',
      // env --chdir, not nsenter --wd: nsenter opens that folder before it enters, outside the mounts
      [
        '-t',
        String(this.pid),
        '--user',
        '--mount',
        '--preserve-credentials',
        'env',
        `--chdir=${options.cwd}`,
        command,
        ...args,
      ],
      { encoding: 'utf8', env: options.env ?? process.env },
    );
  }

  /** `path` as the namespace sees it, mounts included, for reading and writing from outside. */
  view(path: string): string {
    return join(`/proc/${this.pid}/root`, path);
  }

  /** Mounts a tmpfs of `sizeKiB` at `dir` (created); `fill` gets its path and runs before a read-only remount. */
  mountTmpfs(dir: string, sizeKiB: number, options: { readOnly?: boolean; fill?: (at: string) => void } = {}): void {
    mkdirSync(dir, { recursive: true });
    const mount = (args: string[]) => {
      const r = this.run('mount', args, { cwd: '/' });
      if (r.status !== 0) throw new Error(`mount ${args.join(' ')} failed: ${r.stderr}`);
    };
    mount(['-t', 'tmpfs', '-o', `size=${sizeKiB}k,mode=755`, 'tmpfs', dir]);
    // what run() starts sees the mount at dir (relative to its folder too)
    const seen = this.run('stat', ['--file-system', '--format=%T', '.'], { cwd: dir });
    if (seen.stdout.trim() !== 'tmpfs')
      throw new Error(`${dir} is not a tmpfs in the namespace: ${seen.stdout}${seen.stderr}`);
    options.fill?.(this.view(dir));
    // read-only at the mount, not the superblock: a user namespace may not remount tmpfs's superblock
    if (options.readOnly) mount(['-o', 'remount,bind,ro', dir]);
  }

  /** Ends the namespace and its mounts. */
  stop(): void {
    this.holder.stdin?.end();
    this.holder.kill();
  }
}

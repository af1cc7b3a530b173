import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { openSync, readFileSync, readlinkSync } from 'node:fs';
import { killGroup, type Started } from './processes';

/**
 * Every process of one verify run lives in one PID namespace of its own, whose init is a reaper
 * (`perl`, part of every Debian and Ubuntu base system) started as
 * `setpriv --pdeathsig KILL -- unshare --pid --fork --kill-child`: when the thread that started
 * it ends (verify exits, crashes or is killed, even with SIGKILL; vitest ends the worker), the
 * kernel kills unshare, unshare's child (the init) and with it every process of the namespace,
 * daemons that left their process group included (`pg_ctl start`, the postmaster calls setsid).
 * Programs join it with `nsenter --pid=/proc/<unshare>/ns/pid_for_children`, each in a process
 * group of its own (stopped one by one, gracefully, by `stop`). Where PID namespaces are not
 * allowed (not root, no CAP_SYS_ADMIN), programs run in process groups only, each with a parent
 * death signal: a daemon that calls setsid may then outlive a killed run (`isolated` is false).
 * Not root, the namespace belongs to a user namespace of its own that maps the caller to itself
 * (`unshare --map-current-user`, as on GitHub's runners): programs join both, keeping their user.
 */
export class Session {
  /** Marks every process of the run: its environment has VERIFY_SESSION=<id>. */
  readonly id = randomBytes(6).toString('hex');
  private readonly programs = new Set<Started>();
  private holder?: ChildProcess;
  private closed = false;
  /** Its processes were killed: the run is over. */
  get over(): boolean {
    return this.closed;
  }

  private constructor(private readonly namespaces: Namespaces) {}

  /** Its programs run in a PID namespace of their own. */
  get isolated(): boolean {
    return this.namespaces !== 'none';
  }

  /** Open a session; `signal` (a test's timeout, a caller's cancel) kills its processes at once. */
  static async open(signal?: AbortSignal): Promise<Session> {
    hookExit();
    const session = new Session(pidNamespacesAllowed());
    OPEN.add(session);
    if (session.isolated) await session.startHolder();
    signal?.addEventListener('abort', () => session.kill(), { once: true });
    if (signal?.aborted) session.kill();
    return session;
  }

  /** The PID namespace's `pid:[inode]`, as /proc/<pid>/ns/pid shows it for its processes. */
  get namespace(): string | undefined {
    const pid = this.holder?.pid;
    if (!this.isolated || pid === undefined) return undefined;
    try {
      return readlinkSync(`/proc/${pid}/ns/pid_for_children`);
    } catch {
      return undefined;
    }
  }

  private async startHolder(): Promise<void> {
    const holder = spawn(
      'setpriv',
      [
        '--pdeathsig',
        'KILL',
        '--',
        'unshare',
        ...(this.namespaces === 'user' ? ['--map-current-user'] : []),
        '--pid',
        '--fork',
        '--kill-child',
        'perl',
        '-e',
        '$0 = "verify-init"; $SIG{TERM} = "IGNORE"; $SIG{INT} = "IGNORE"; while (1) { sleep 1 if wait() == -1 }',
      ],
      { detached: true, stdio: 'ignore', env: { ...process.env, VERIFY_SESSION: this.id } },
    );
    this.holder = holder;
    const self = readlinkSync('/proc/self/ns/pid');
    // the namespace exists once unshare forked its init
    for (let i = 0; i < 200; i++) {
      if (holder.exitCode !== null || holder.signalCode !== null) break;
      const pid = holder.pid ?? 0;
      const children = (() => {
        try {
          return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
        } catch {
          return '';
        }
      })();
      if (children && this.namespace && this.namespace !== self) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    this.kill();
    throw new Error('verify could not start its PID namespace (setpriv --pdeathsig KILL -- unshare --pid --fork)');
  }

  /** `command args` as run inside the session (for a program run to its end, e.g. with spawnSync). */
  command(command: string, args: readonly string[]): [string, string[]] {
    if (this.closed) throw new Error('the verify run is over: its processes were stopped');
    return this.isolated && this.holder?.pid
      ? [
          'nsenter',
          [
            ...(this.namespaces === 'user'
              ? [`--user=/proc/${this.holder.pid}/ns/user`, '--preserve-credentials']
              : []),
            `--pid=/proc/${this.holder.pid}/ns/pid_for_children`,
            '--',
            command,
            ...args,
          ],
        ]
      : ['setpriv', ['--pdeathsig', 'KILL', '--', command, ...args]];
  }

  /** The environment a program of the session gets. */
  env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return { ...process.env, ...extra, VERIFY_SESSION: this.id };
  }

  /** Start a program in a process group of its own, inside the session, logging to `log`. */
  start(name: string, command: string, args: readonly string[], log: string, env: NodeJS.ProcessEnv = {}): Started {
    const fd = openSync(log, 'a');
    const [file, argv] = this.command(command, args);
    const child = spawn(file, argv, { detached: true, stdio: ['ignore', fd, fd], env: this.env(env) });
    const p: Started = { name, log, child };
    this.programs.add(p);
    const gone = (how: number | string) => {
      p.exited = how;
      this.programs.delete(p);
    };
    child.on('exit', (code, signal) => gone(code ?? signal ?? 'unknown'));
    child.on('error', (e) => gone(e.message));
    return p;
  }

  /** Kill every process of the session at once (SIGKILL), synchronously: what exit and signal handlers do. */
  kill(): void {
    this.closed = true;
    OPEN.delete(this);
    for (const p of this.programs) killGroup(p.child, 'SIGKILL');
    if (this.holder) killGroup(this.holder, 'SIGKILL');
  }

  /** Kill what is left (after the graceful stops) and wait until every program is gone. */
  async close(): Promise<void> {
    const programs = [...this.programs];
    this.kill();
    const holder = this.holder;
    const deadline = Date.now() + 10_000;
    const alive = () =>
      programs.some((p) => p.exited === undefined) ||
      (holder !== undefined && holder.exitCode === null && holder.signalCode === null);
    while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }
}

const OPEN = new Set<Session>();

/** A PID namespace as root (or CAP_SYS_ADMIN), one inside a user namespace of its own, or none. */
type Namespaces = 'pid' | 'user' | 'none';
let allowed: Namespaces | undefined;
/** Which PID namespaces this process may make, checked once. */
function pidNamespacesAllowed(): Namespaces {
  const can = (extra: string[]) =>
    spawnSync('unshare', [...extra, '--pid', '--fork', '--kill-child', 'true'], { stdio: 'ignore' }).status === 0;
  allowed ??= can([]) ? 'pid' : can(['--map-current-user']) ? 'user' : 'none';
  return allowed;
}

let hooked = false;
/** On exit and on SIGINT/SIGTERM every open session is killed (SIGKILL also kills them: see Session). */
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const s of [...OPEN]) s.kill();
  });
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.once(signal, () => {
      for (const s of [...OPEN]) s.kill();
      process.exit(code);
    });
  }
}

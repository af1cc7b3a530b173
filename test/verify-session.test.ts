import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { describe, expect, test } from 'vitest';
import { Session } from '../lib/verify/session';
import { PROJECT_ROOT } from '../lib/upstream';
import { missingComponents } from '../lib/verify/control-plane';
import { SITES } from '../lib/site-files';
import { verifySite } from '../lib/verify/run';
import { siteTree } from './support/trees';

/** The processes whose environment carries VERIFY_SESSION=<id> (every process a verify run starts). */
function processesOf(id: string): number[] {
  const marker = `\0VERIFY_SESSION=${id}\0`;
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((pid) => {
      try {
        return `\0${readFileSync(`/proc/${pid}/environ`, 'latin1')}`.includes(marker);
      } catch {
        return false;
      }
    })
    .map(Number);
}

async function gone(id: string, seconds = 10): Promise<number[]> {
  const deadline = Date.now() + seconds * 1000;
  let left = processesOf(id);
  while (left.length && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    left = processesOf(id);
  }
  return left;
}

/** Start `node <args>` (tsx loaded) and wait for the line matching `ready`: its first group. */
function started(args: readonly string[], ready: RegExp, seconds: number) {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const match = new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`no ${String(ready)} in ${seconds} s:\n${output}`)), seconds * 1000);
    createInterface({ input: child.stdout }).on('line', (line) => {
      output += `${line}\n`;
      const m = ready.exec(line);
      if (m) {
        clearTimeout(timer);
        done(m[1]);
      }
    });
    child.on('exit', (code) => fail(new Error(`exited (${code}) before ${String(ready)}:\n${output}`)));
  });
  return { child, match };
}

const SESSION_LINE = /VERIFY_SESSION=([0-9a-f]+)/;

// a PID namespace needs root or user namespaces (CI's case, as root and not); elsewhere programs run in process
// groups, which a daemon leaves
const root = process.getuid?.() === 0;
const userns = spawnSync('unshare', ['--map-current-user', '--pid', '--fork', 'true']).status === 0;
const namespaces = root || userns || process.env.CI === 'true';
if (!namespaces) console.warn('verify session tests SKIPPED: PID namespaces need root or user namespaces');
describe.runIf(namespaces)('verify: every process of a run dies with it', () => {
  test.each(['SIGKILL', 'SIGTERM', 'SIGINT'] as const)(
    'killed with %s, a run leaves nothing behind: neither its programs nor a daemon that left their process group (pg_ctl start)',
    async (signal) => {
      const { child, match } = started(['test/support/session-child.ts'], SESSION_LINE, 30);
      const id = await match;
      // the program and the daemon (sh forked it, setsid made it a session of its own)
      expect((await processesOf(id)).length).toBeGreaterThanOrEqual(2);
      child.kill(signal);
      expect(await gone(id)).toEqual([]);
    },
    40_000,
  );
  test('aborting its signal (a test timing out) kills every process of the session at once', async () => {
    const abort = new AbortController();
    const session = await Session.open(abort.signal);
    const sleeper = session.start('sleeper', 'sleep', ['300'], '/dev/null');
    const [command, args] = session.command('sh', ['-c', 'setsid sleep 302 >/dev/null 2>&1 < /dev/null &']);
    spawnSync(command, args, { env: session.env(), stdio: 'ignore' });
    expect(processesOf(session.id).length).toBeGreaterThanOrEqual(2);
    abort.abort();
    expect(await gone(session.id)).toEqual([]);
    expect(() => session.command('true', [])).toThrow(/the verify run is over/);
    await session.close();
    expect(sleeper.exited).toBe('SIGKILL');
  });
  test('the run is a PID namespace of its own; its programs are inside it', async () => {
    const session = await Session.open();
    try {
      expect(session.isolated, 'PID namespaces need root or user namespaces').toBe(true);
      const p = session.start('sleeper', 'sleep', ['300'], '/dev/null');
      await new Promise((r) => setTimeout(r, 200));
      const inside = processesOf(session.id).filter((pid) => pid !== p.child.pid);
      const namespaces = new Set(
        inside.map((pid) => spawnSync('readlink', [`/proc/${pid}/ns/pid`], { encoding: 'utf8' }).stdout.trim()),
      );
      expect([...namespaces].filter((n) => n === session.namespace)).toEqual([session.namespace]);
    } finally {
      await session.close();
    }
  });
});

if (!namespaces) {
  describe('verify: every process of a run dies with it', () => {
    test.skip('SKIPPED (PID namespaces need root or user namespaces)', () => undefined);
  });
}

const poc = SITES.find((s) => s.name === 'poc')!;
const missing = missingComponents(poc);
const live = namespaces && (missing.length === 0 || process.env.CI === 'true');
if (!live)
  console.warn(
    `verify process test SKIPPED: ${namespaces ? missing.join('; ') : 'PID namespaces need root or user namespaces'}`,
  );
describe.runIf(live)('npm run verify: killed mid-run, it leaves no process behind', () => {
  test('SIGKILL once the control plane is up: no etcd, API server, scheduler, kwok or operator survives', async () => {
    expect(missing).toEqual([]);
    const { child, match } = started(['scripts/verify.ts', '--site', poc.name], SESSION_LINE, 60);
    const id = await match;
    // the control plane comes up after the session line
    await new Promise((r) => setTimeout(r, 3000));
    expect(processesOf(id).length).toBeGreaterThan(0);
    child.kill('SIGKILL');
    expect(await gone(id)).toEqual([]);
  }, 90_000);
  test("a verify run whose signal aborts (vitest's, when a test times out) fails at once and leaves no process", async () => {
    expect(missing).toEqual([]);
    const abort = new AbortController();
    let id = '';
    const run = verifySite(siteTree(poc), {
      signal: abort.signal,
      log: (line) => {
        id ||= SESSION_LINE.exec(line)?.[1] ?? '';
        if (line.startsWith('control plane')) abort.abort();
      },
    });
    await expect(run).rejects.toThrow(/^verify poc was aborted .*every process of the run was killed/);
    expect(id).not.toBe('');
    expect(await gone(id)).toEqual([]);
  }, 90_000);
});
if (!live) {
  describe('npm run verify: killed mid-run, it leaves no process behind', () => {
    test.skip(`SKIPPED (${namespaces ? `components missing: ${missing.join('; ')}` : 'PID namespaces need root or user namespaces'})`, () =>
      undefined);
  });
}

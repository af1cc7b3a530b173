import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * The programs a verify run starts, each in a process group of its own, logging to a file of its
 * temp folder. `stopAll` (also run on exit and on SIGINT/SIGTERM) kills every group: nothing outlives a run.
 */
export interface Started {
  readonly name: string;
  readonly log: string;
  readonly child: ChildProcess;
  /** Set once the program exited. */
  exited?: number | string;
}

const running = new Set<Started>();

function killGroup(p: Started, signal: NodeJS.Signals): void {
  if (p.exited !== undefined || p.child.pid === undefined) return;
  try {
    process.kill(-p.child.pid, signal);
  } catch {
    /* already gone */
  }
}

let hooked = false;
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const p of running) killGroup(p, 'SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const p of running) killGroup(p, 'SIGKILL');
      process.exit(130);
    });
  }
}

export function start(
  name: string,
  command: string,
  args: readonly string[],
  log: string,
  env: NodeJS.ProcessEnv = {},
): Started {
  hookExit();
  const fd = openSync(log, 'a');
  const child = spawn(command, args, { detached: true, stdio: ['ignore', fd, fd], env: { ...process.env, ...env } });
  const p: Started = { name, log, child };
  running.add(p);
  child.on('exit', (code, signal) => {
    p.exited = code ?? signal ?? 'unknown';
    running.delete(p);
  });
  child.on('error', (e) => {
    p.exited = e.message;
    running.delete(p);
  });
  return p;
}

/** Stop programs (SIGTERM, then SIGKILL after a grace period) and wait until they are gone. */
export async function stop(programs: readonly Started[], graceMs = 3000): Promise<void> {
  for (const p of programs) killGroup(p, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (programs.some((p) => p.exited === undefined) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
  for (const p of programs) killGroup(p, 'SIGKILL');
  while (programs.some((p) => p.exited === undefined)) await new Promise((r) => setTimeout(r, 20));
}

/** The last lines of a program's log, for error messages. */
export function tail(p: Started, lines = 15): string {
  try {
    return readFileSync(p.log, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** A TCP port free on loopback right now. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

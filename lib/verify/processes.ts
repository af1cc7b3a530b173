import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** A program a verify run started (lib/verify/session.ts), in a process group of its own, logging to a file. */
export interface Started {
  readonly name: string;
  readonly log: string;
  readonly child: ChildProcess;
  /** Set once the program exited. */
  exited?: number | string;
}

/** Signal a program's process group (its leader's pid, negated), unless it exited. */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    /* already gone */
  }
}

/** Stop programs (SIGTERM, then SIGKILL after a grace period) and wait until they are gone. */
export async function stop(programs: readonly Started[], graceMs = 3000): Promise<void> {
  for (const p of programs) killGroup(p.child, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (programs.some((p) => p.exited === undefined) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
  for (const p of programs) killGroup(p.child, 'SIGKILL');
  while (programs.some((p) => p.exited === undefined)) await new Promise((r) => setTimeout(r, 20));
}

/** The last lines of a log file ('' when there is none), for error messages. */
export function tailFile(file: string | undefined, lines = 15): string {
  if (!file) return '';
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** The last lines of a program's log, for error messages. */
export const tail = (p: Started, lines = 15): string => tailFile(p.log, lines);

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

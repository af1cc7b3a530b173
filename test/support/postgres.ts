import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { postgresBinDir, runServerProgram } from '../../lib/verify/database';
import { Session } from '../../lib/verify/session';

export { postgresBinDir };

/**
 * A throwaway PostgreSQL server from Debian's postgresql package (`.ci/run` installs it):
 * initdb in a temp dir, listening on a Unix socket only, stopped and removed by `stop()`.
 * As root (CI containers), the server runs as the package's `postgres` user: initdb refuses root.
 * It lives in a verify session (lib/verify/session.ts): `pg_ctl start` detaches the postmaster, which would outlive a
 * test process killed before `stop()` (a timeout, Ctrl-C); the session's namespace dies with the process.
 */
export interface TestServer {
  readonly major: number;
  connect(): Promise<Client>;
  stop(): Promise<void>;
}

export async function startPostgres(settings: Readonly<Record<string, string>> = {}): Promise<TestServer> {
  const bin = postgresBinDir();
  if (!bin) throw new Error("no PostgreSQL server in /usr/lib/postgresql: CI must run 'apt-get install postgresql'");
  const major = Number(bin.split('/').at(-2));
  const dir = mkdtempSync(join(tmpdir(), 'pg-test-'));
  chmodSync(dir, 0o777);
  const session = await Session.open();
  const run = (cmd: string, args: string[]) => runServerProgram(bin, cmd, args, session);
  const data = join(dir, 'data');
  const options = Object.entries({
    listen_addresses: "''",
    unix_socket_directories: `'${dir}'`,
    fsync: 'off',
    ...settings,
  })
    .map(([k, v]) => `-c ${k}=${v}`)
    .join(' ');
  try {
    run('initdb', ['-D', data, '--auth=trust', '--username=postgres', '--encoding=UTF8', '--no-sync']);
    run('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-o', options, 'start']);
  } catch (e) {
    await session.close();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    major,
    connect: async () => {
      const client = new Client({ host: dir, user: 'postgres', database: 'postgres' });
      await client.connect();
      return client;
    },
    stop: async () => {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        await session.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

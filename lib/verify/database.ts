import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asRecord } from '../core/records';
import type { KubeObject } from '../core/objects';
import { selfSigned } from './pki';
import { freePort } from './processes';
import type { Session } from './session';

/**
 * The one act of the operator (v1.9.0) that needs a database even with `--nodatabaseaccess`: before
 * it creates a connection pooler's Deployment and Service it installs the pooler's lookup function
 * in every database of the cluster (connection_pooler.go syncConnectionPooler, database.go
 * installLookupFunction), connecting to `<cluster>.<namespace>.svc.<cluster_domain>:5432` with
 * sslmode=require; without it there is no pooler at all. No Spilo runs here, so a real PostgreSQL
 * from Debian's package (`.ci/run` installs it) plays the primary of every pooled cluster: SSL on,
 * trust authentication, on a free loopback port (the operator's libpq reads PGPORT), with the
 * pooler role the operator would have created with database access. The operator runs in a mount
 * namespace of its own whose /etc/hosts maps those names to 127.0.0.1 (`unshare`, util-linux).
 */
export type PoolerRole = 'master' | 'replica';

/**
 * The poolers the operator runs for a cluster (needMasterConnectionPoolerWorker, needReplicaConnectionPoolerWorker).
 */
export function poolerRoles(cluster: KubeObject): PoolerRole[] {
  const spec = asRecord(cluster.spec);
  const master =
    spec.enableConnectionPooler === true ||
    (spec.connectionPooler !== undefined && spec.enableConnectionPooler === undefined);
  return [
    ...(master ? ['master' as const] : []),
    ...(spec.enableReplicaConnectionPooler === true ? ['replica' as const] : []),
  ];
}

/**
 * The pooler's database role: the cluster's `connectionPooler.user`, else `connection_pooler_user` (default `pooler`).
 */
export const poolerUser = (cluster: KubeObject, config: Record<string, string>): string =>
  String(asRecord(asRecord(cluster.spec).connectionPooler).user ?? config.connection_pooler_user ?? 'pooler');

/** The newest installed server's bin directory (/usr/lib/postgresql/<major>/bin), if any. */
export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const majors = readdirSync(root)
    .filter((d) => existsSync(join(root, d, 'bin', 'initdb')))
    .map(Number)
    .sort((a, b) => b - a);
  return majors.length ? join(root, String(majors[0]), 'bin') : undefined;
}

/**
 * Run a server program (initdb refuses root: as root, it runs as the package's `postgres` user); in `session`, if
 * given, so that a server `pg_ctl` starts (it leaves the process group) dies with the run.
 */
export function runServerProgram(bin: string, program: string, args: readonly string[], session?: Session): string {
  const path = join(bin, program);
  const [user, userArgs] =
    process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', path, ...args]] : [path, [...args]];
  const [file, argv] = session ? session.command(user, userArgs) : [user, userArgs];
  const r = spawnSync(file, argv, { encoding: 'utf8', env: session?.env() });
  if (r.status !== 0) throw new Error(`${program} failed: ${r.stderr || r.stdout || r.error?.message}`);
  return r.stdout;
}

export interface Database {
  readonly port: number;
  /** The /etc/hosts the operator sees. */
  readonly hosts: string;
  readonly log: string;
  stop(): void;
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Start the stand-in primary of the pooled clusters, or nothing when no cluster has a pooler. */
export async function startDatabase(
  clusters: readonly KubeObject[],
  config: Record<string, string>,
  session: Session,
): Promise<Database | undefined> {
  const pooled = clusters.filter((c) => poolerRoles(c).length > 0);
  if (pooled.length === 0) return undefined;
  const bin = postgresBinDir();
  if (!bin)
    throw new Error(
      "the clusters' connection poolers need a PostgreSQL server in /usr/lib/postgresql (the operator installs their lookup function first): apt-get install postgresql",
    );
  // its own folder, open to the server's user (the run's folder holds the control plane's keys)
  const dir = mkdtempSync(join(tmpdir(), 'verify-postgres-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const log = join(dir, 'postgres.log');
  const port = await freePort();
  const stop = () => {
    try {
      // (postmaster.pid holds its pid in the session's PID namespace: pg_ctl stops it from there; a session over
      // killed it)
      if (existsSync(join(data, 'postmaster.pid')) && !session.over)
        runServerProgram(bin, 'pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop'], session);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  try {
    runServerProgram(bin, 'initdb', [
      '-D',
      data,
      '--auth=trust',
      '--username=postgres',
      '--encoding=UTF8',
      '--no-sync',
    ]);
    selfSigned(data, 'server.key', 'server.crt', '/CN=verify-postgres');
    chmodSync(join(data, 'server.key'), 0o600);
    if (process.getuid?.() === 0) spawnSync('chown', ['postgres:', join(data, 'server.key'), join(data, 'server.crt')]);
    const options = Object.entries({
      listen_addresses: '127.0.0.1',
      port: String(port),
      ssl: 'on',
      unix_socket_directories: `'${dir}'`,
      fsync: 'off',
    })
      .map(([k, v]) => `-c ${k}=${v}`)
      .join(' ');
    runServerProgram(bin, 'pg_ctl', ['-D', data, '-l', log, '-w', '-o', options, 'start'], session);
    for (const user of [...new Set(pooled.map((c) => poolerUser(c, config)))].sort()) {
      runServerProgram(bin, 'psql', [
        '-h',
        dir,
        '-p',
        String(port),
        '-U',
        'postgres',
        '-d',
        'postgres',
        '-v',
        'ON_ERROR_STOP=1',
        '-c',
        `CREATE ROLE ${quoteIdent(user)} LOGIN`,
      ]);
    }
  } catch (e) {
    stop();
    throw e;
  }
  const domain = config.cluster_domain ?? 'cluster.local';
  const hosts = join(dir, 'hosts');
  const names = pooled.map((c) => `127.0.0.1 ${c.metadata.name}.${c.metadata.namespace ?? 'default'}.svc.${domain}`);
  writeFileSync(
    hosts,
    `${readFileSync('/etc/hosts', 'utf8').trimEnd()}\n# verify: the stand-in primary of the pooled clusters\n${names.join('\n')}\n`,
  );
  chmodSync(hosts, 0o644);
  return { port, hosts, log, stop };
}

/**
 * A command run with `hosts` as its /etc/hosts: in a mount namespace of its own (and, when not
 * root, a user namespace mapping the caller to root, as `unshare -r` does); the rest of the system
 * and the network are shared.
 */
export function withHosts(hosts: string, command: string, args: readonly string[]): [string, string[]] {
  const namespaces = process.getuid?.() === 0 ? ['--mount'] : ['--user', '--map-root-user', '--mount'];
  return [
    'unshare',
    [...namespaces, '--', 'sh', '-c', 'mount --bind "$0" /etc/hosts && exec "$@"', hosts, command, ...args],
  ];
}

import { asRecord } from '../../core/records';
import type { Kube } from '../kube';
import type { DataPlane } from './data-plane';
import { execute, type Exec } from './network';
import type { RunningPod } from './pods';

/** The name of the Secret the operator writes a user's credentials to (`secret_name_template`). */
export const credentialsSecret = (config: Record<string, string>, user: string, cluster: string): string =>
  (config.secret_name_template ?? '{username}.{cluster}.credentials.{tprkind}.{tprgroup}')
    .replace('{username}', user.replace(/_/g, '-'))
    .replace('{cluster}', cluster)
    .replace('{tprkind}', 'postgresql')
    .replace('{tprgroup}', 'acid.zalan.do');

/** A user's password from the operator-created credentials Secret. */
export async function password(
  kube: Kube,
  config: Record<string, string>,
  ns: string,
  cluster: string,
  user: string,
): Promise<string | undefined> {
  const secret = await kube.get(`/api/v1/namespaces/${ns}/secrets/${credentialsSecret(config, user, cluster)}`);
  const value = asRecord(secret?.data).password;
  return typeof value === 'string' ? Buffer.from(value, 'base64').toString('utf8') : undefined;
}

/** A connection as a client pod makes it: a host (a Service's or a pod's IP), a user, its password. */
export interface Conn {
  readonly host: string;
  readonly user: string;
  readonly password: string;
  readonly dbname?: string;
  readonly port?: number;
}

/** psql from the nodes' namespace (as a pod would connect), TLS required; `-At` output. */
export function psql(plane: DataPlane, conn: Conn, sql: string, timeoutMs = 15_000): Promise<Exec> {
  return execute(
    'nsenter',
    [
      `--net=/proc/${plane.net.nodePid}/ns/net`,
      '--',
      'psql',
      `host=${conn.host} port=${conn.port ?? 5432} user=${conn.user} dbname=${conn.dbname ?? 'postgres'} sslmode=require connect_timeout=5`,
      '-XqAtc',
      sql,
    ],
    timeoutMs,
    { ...process.env, PGPASSWORD: conn.password },
  );
}

/** psql as postgres in a pod, on its socket (Spilo's pg_hba trusts local connections, as `kubectl exec` uses it). */
export const podPsql = (plane: DataPlane, pod: RunningPod, sql: string): Promise<Exec> =>
  plane.kubelet.exec(pod, ['psql', '-h', '/var/run/postgresql', '-U', 'postgres', '-d', 'postgres', '-XqAtc', sql]);

/**
 * The members streaming from the leader at `conn` (pg_stat_replication by application name, Patroni's member name: the
 * pod's), of those named; a replica still in pg_basebackup streams as `pg_basebackup`/`pg_receivewal`, not counted.
 * `error` when the leader does not answer.
 */
export async function streamingMembers(
  plane: DataPlane,
  conn: Conn,
  members: readonly string[],
): Promise<{ streaming: string[] } | { error: string }> {
  const r = await psql(
    plane,
    conn,
    "select application_name from pg_stat_replication where state = 'streaming' order by 1",
  );
  if (r.status !== 0) return { error: (r.stderr || r.stdout).trim() };
  return { streaming: r.stdout.split('\n').filter((name) => members.includes(name)) };
}

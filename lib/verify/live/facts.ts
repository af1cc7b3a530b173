import { customMetricNames, EXPORTER_BUILTIN_METRICS } from '../../components/monitoring/exporter';
import type { KubeObject } from '../../core/objects';
import { asArray, asRecord } from '../../core/records';
import { until, type Kube } from '../kube';
import type { DataPlane } from './data-plane';
import { spiloLabels } from '../operator';
import { masterEndpoints, members } from './members';
import { credentialsSecret, password, psql, streamingMembers } from './sql';

/** What the live data plane established for one `postgresql` cluster, read off the running system. */
export interface LiveFacts {
  readonly cluster: string;
  /** The Patroni leader (its pod labelled master) and its IP, which the master Service's endpoint must be. */
  readonly leader: { readonly pod: string; readonly ip: string } | null;
  /** The master Service's endpoint addresses. */
  readonly masterEndpoints: readonly string[];
  /** Replicas streaming from the leader, by application name (pg_stat_replication, state streaming). */
  readonly streaming: readonly string[];
  readonly instances: number;
  /**
   * A standby of another site's cluster (spec.standby): its roles and passwords are the primary's and it archives
   * nothing of its own, so replication, backups and client access are not read here; lib/verify/live/standby.ts proves
   * it replays and promotes.
   */
  readonly standby: boolean;
  /** `PostgresClusterStatus` of the `postgresql` object. */
  readonly status: string | null;
  /** Base backups `wal-g backup-list` lists, run in the leader's pod with the cluster's own WAL-G env. */
  readonly backups: { readonly count: number; readonly newest: string | null } | null;
  /**
   * Client access as docs/operations.md tells users: each declared user with its operator-created credentials Secret,
   * TLS required, through the master Service into each declared database; the database's owner creates a table and
   * writes a row, read back through the replica Service.
   */
  readonly clientAccess: {
    readonly master: boolean;
    readonly replicaRead: boolean | null;
    readonly checked: readonly string[];
  } | null;
  /**
   * Of the metrics the site's alert rules and dashboard query from postgres_exporter, those the running exporter of the
   * leader's pod does not serve (null: the cluster has no exporter sidecar); and its `pg_up`.
   */
  readonly missingMetrics: readonly string[] | null;
  readonly exporterUp: boolean | null;
  /** What went wrong, one line each: the object, what happened. */
  readonly problems: readonly string[];
}

/**
 * The facts of each cluster once they hold (one leader, every other instance streaming, a base backup listed), or
 * what they are after `seconds`.
 */
export async function liveFacts(
  kube: Kube,
  plane: DataPlane,
  clusters: readonly KubeObject[],
  config: Record<string, string>,
  seconds: number,
): Promise<LiveFacts[]> {
  const roleLabel = spiloLabels(config).role;
  const read = async (c: KubeObject): Promise<LiveFacts> => {
    const ns = c.metadata.namespace ?? 'default';
    const name = c.metadata.name;
    const instances = Number(asRecord(c.spec).numberOfInstances ?? 1);
    const problems: string[] = [];
    const pods = await members(kube, config, ns, name);
    const masters = pods.filter((p) => p.role === 'master');
    const endpoints = await masterEndpoints(kube, ns, name);
    const leader = masters.length === 1 ? { pod: masters[0].pod, ip: masters[0].ip } : null;
    if (masters.length > 1) problems.push(`${ns}/${name}: ${masters.length} pods labelled ${roleLabel}=master`);
    const cr = await kube.get(`/apis/acid.zalan.do/v1/namespaces/${ns}/postgresqls/${name}`);
    const status = asRecord(cr?.status).PostgresClusterStatus;
    let streaming: string[] = [];
    let backups: LiveFacts['backups'] = null;
    const standby = asRecord(c.spec).standby !== undefined;
    if (leader && !standby) {
      const secret = await password(kube, config, ns, name, 'postgres');
      if (!secret) problems.push(`${ns}/${name}: no credentials Secret of user postgres`);
      else {
        const r = await streamingMembers(
          plane,
          { host: leader.ip, user: 'postgres', password: secret },
          pods.map((p) => p.pod),
        );
        if ('streaming' in r) streaming = r.streaming;
        else problems.push(`${ns}/${name}: pg_stat_replication on the leader ${leader.pod}: ${r.error}`);
      }
      backups = await backupList(plane, leader.pod, ns, problems);
    }
    const clientAccess = leader && !standby ? await access(kube, plane, c, config, problems) : null;
    const exported = leader && hasExporter(c) ? await exporterMetrics(plane, leader.pod, ns, problems) : null;
    const missingMetrics = exported ? EXPORTED_METRICS.filter((m) => !exported.has(m)) : null;
    const exporterUp = exported ? exported.get('pg_up') === 1 : null;
    return {
      cluster: `${ns}/${name}`,
      leader,
      masterEndpoints: endpoints,
      streaming,
      instances,
      standby,
      status: typeof status === 'string' ? status : null,
      backups,
      clientAccess,
      missingMetrics,
      exporterUp,
      problems,
    };
  };
  const done = (f: LiveFacts) => liveFindings(f).length === 0;
  let last: LiveFacts[] = [];
  await until(
    seconds,
    async () => {
      last = await Promise.all(clusters.map(read));
      return last.every(done) ? true : undefined;
    },
    3000,
  );
  return last;
}

const clusterIp = async (kube: Kube, ns: string, service: string): Promise<string | undefined> => {
  const ip = asRecord((await kube.get(`/api/v1/namespaces/${ns}/services/${service}`))?.spec).clusterIP;
  return typeof ip === 'string' && /^\d/.test(ip) ? ip : undefined;
};

/** The client-access check of one cluster (LiveFacts.clientAccess); what fails goes to `problems`. */
async function access(
  kube: Kube,
  plane: DataPlane,
  cluster: KubeObject,
  config: Record<string, string>,
  problems: string[],
): Promise<LiveFacts['clientAccess']> {
  const ns = cluster.metadata.namespace ?? 'default';
  const name = cluster.metadata.name;
  const spec = asRecord(cluster.spec);
  const users = Object.keys(asRecord(spec.users));
  const databases = Object.entries(asRecord(spec.databases)).map(([db, owner]) => [db, String(owner)] as const);
  const master = await clusterIp(kube, ns, name);
  const replica = Number(spec.numberOfInstances ?? 1) > 1 ? await clusterIp(kube, ns, `${name}-repl`) : undefined;
  if (!master) {
    problems.push(`${ns}/${name}: the master Service has no ClusterIP`);
    return { master: false, replicaRead: null, checked: [] };
  }
  const checked: string[] = [];
  let masterOk = true;
  let replicaOk: boolean | null = replica ? true : null;
  const secrets = new Map<string, string | undefined>();
  for (const user of users) secrets.set(user, await password(kube, config, ns, name, user));
  for (const [db, owner] of databases)
    for (const user of users) {
      const secret = secrets.get(user);
      if (!secret) {
        problems.push(
          `${ns}/${name}: no credentials Secret for user ${user} (${credentialsSecret(config, user, name)})`,
        );
        masterOk = false;
        continue;
      }
      const conn = { host: master, user, password: secret, dbname: db };
      const sql =
        user === owner
          ? `create table if not exists verify_live (id int primary key, at text); insert into verify_live values (1, '${name}') on conflict (id) do update set at = excluded.at; select at from verify_live where id = 1`
          : 'select current_user';
      const r = await psql(plane, conn, sql);
      const expected = user === owner ? name : user;
      if (r.status !== 0 || r.stdout.trim() !== expected) {
        masterOk = false;
        problems.push(
          `${ns}/${name}: user ${user} into database ${db} through the master Service (${master}:5432, sslmode=require): ${(r.stderr || r.stdout).trim()}`,
        );
        continue;
      }
      checked.push(`${user}@${db}`);
      if (user === owner && replica) {
        // replication is asynchronous: the row shows on the replica within a few seconds
        const read = await until(
          60,
          async () => {
            const rr = await psql(plane, { ...conn, host: replica }, 'select at from verify_live where id = 1');
            return rr.status === 0 && rr.stdout.trim() === name ? true : undefined;
          },
          500,
        );
        if (!read) {
          replicaOk = false;
          problems.push(
            `${ns}/${name}: the row ${owner} wrote into ${db} was not read back through the replica Service (${replica}:5432) in 60 s`,
          );
        }
      }
    }
  return { master: masterOk, replicaRead: replicaOk, checked };
}

/** The metrics our rules and dashboard take from postgres_exporter (lib/components/monitoring/exporter.ts). */
const EXPORTED_METRICS = [...Object.keys(EXPORTER_BUILTIN_METRICS), ...customMetricNames()].sort();

const hasExporter = (cluster: KubeObject): boolean =>
  asArray(asRecord(cluster.spec).sidecars).some((s) => /\/postgres-exporter:/.test(String(asRecord(s).image)));

/** The exporter's `/metrics` in the pod (its port 9187, from inside the pod), as name -> first value. */
async function exporterMetrics(
  plane: DataPlane,
  pod: string,
  ns: string,
  problems: string[],
): Promise<Map<string, number> | null> {
  const running = [...plane.kubelet.pods.values()].find((p) => p.name === pod && p.namespace === ns);
  if (!running) return null;
  const fetch =
    "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:9187/metrics', timeout=10).read().decode())";
  const r = await plane.kubelet.exec(running, ['python3', '-c', fetch], 20_000);
  if (r.status !== 0) {
    problems.push(
      `${ns}/${pod}: postgres_exporter's /metrics on port 9187: ${r.stderr.trim().split('\n').slice(-1)[0]}`,
    );
    return null;
  }
  const metrics = new Map<string, number>();
  for (const line of r.stdout.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{[^}]*\})?\s+(\S+)/.exec(line);
    if (m && !metrics.has(m[1])) metrics.set(m[1], Number(m[2]));
  }
  return metrics;
}

/** `wal-g backup-list --json` in the pod, as Spilo's own backup script runs WAL-G (envdir of its WAL-E env). */
async function backupList(
  plane: DataPlane,
  pod: string,
  ns: string,
  problems: string[],
): Promise<LiveFacts['backups']> {
  const running = [...plane.kubelet.pods.values()].find((p) => p.name === pod && p.namespace === ns);
  if (!running) {
    problems.push(`${ns}/${pod}: not run by the kubelet stand-in`);
    return null;
  }
  const r = await plane.kubelet.exec(
    running,
    ['envdir', '/run/etc/wal-e.d/env', 'wal-g', 'backup-list', '--json'],
    30_000,
  );
  if (r.status !== 0) {
    // no backup yet is an empty list, not an error, in some WAL-G versions: say what it printed
    if (/No backups found/i.test(r.stderr + r.stdout)) return { count: 0, newest: null };
    problems.push(`${ns}/${pod}: wal-g backup-list: ${(r.stderr || r.stdout).trim().split('\n').slice(-2).join(' ')}`);
    return null;
  }
  const list = asArray(JSON.parse(r.stdout || '[]')).map(asRecord);
  const names = list.map((b) => String(b.backup_name)).sort();
  return { count: names.length, newest: names.at(-1) ?? null };
}

/** What a cluster's live facts fall short of, one line each (empty: it runs as the runbook promises). */
export function liveFindings(f: LiveFacts): string[] {
  const out = [...f.problems];
  if (!f.leader) out.push(`${f.cluster}: no leader (no pod labelled master by Patroni)`);
  else if (f.masterEndpoints.join() !== f.leader.ip)
    out.push(
      `${f.cluster}: the master Service's endpoints are [${f.masterEndpoints.join(', ')}], not the leader ${f.leader.pod} (${f.leader.ip})`,
    );
  if (f.streaming.length !== f.instances - 1)
    out.push(
      `${f.cluster}: ${f.streaming.length} of ${f.instances - 1} replicas streaming from the leader (pg_stat_replication)`,
    );
  if (!f.standby && (!f.backups || f.backups.count === 0))
    out.push(`${f.cluster}: no base backup listed by wal-g backup-list`);
  if (f.clientAccess && (!f.clientAccess.master || f.clientAccess.replicaRead === false))
    out.push(`${f.cluster}: client access failed (see above)`);
  if (f.missingMetrics?.length)
    out.push(
      `${f.cluster}: postgres_exporter does not serve ${f.missingMetrics.join(', ')}, which the alert rules or dashboard query`,
    );
  if (f.exporterUp === false) out.push(`${f.cluster}: postgres_exporter's pg_up is not 1 (it cannot reach PostgreSQL)`);
  if (f.status !== 'Running') out.push(`${f.cluster}: postgresql status ${f.status ?? 'none'}, not Running`);
  return out;
}

import type { VerifyReport } from './run';

/**
 * The facts of the live data plane per `postgresql` cluster (docs/verify.md). Null: not established by this run (the
 * reason is in `notVerified`).
 */
interface ClusterFacts {
  /** `<namespace>/<name>`. */
  readonly cluster: string;
  /** What the operator did not create (StatefulSet, Services, Secrets, PodDisruptionBudget, poolers). */
  readonly missingObjects: readonly string[];
  /** The leader pod and its IP, the master Service's endpoint. */
  readonly leader: { readonly pod: string; readonly ip: string } | null;
  /** Replicas streaming from the leader (pg_stat_replication). */
  readonly streamingReplicas: number | null;
  /** Client access with each declared user's credentials Secret, PGSSLMODE=require: through the master Service, each pooler. */
  readonly clientAccess: { readonly master: boolean; readonly poolers: Readonly<Record<string, boolean>> } | null;
  /** Base backups `wal-g backup-list` lists with the cluster's own env, and the newest one's name. */
  readonly backups: { readonly count: number; readonly newest: string | null } | null;
  /** Metrics the site's alert rules and dashboards query that the exporter does not serve. */
  readonly missingMetrics: readonly string[] | null;
}

/** The run's own figures, as the report has them, and the facts of each cluster. */
export interface SiteFacts extends Pick<
  VerifyReport,
  'site' | 'kubernetes' | 'ok' | 'seconds' | 'notRun' | 'notVerified'
> {
  readonly clusters: readonly ClusterFacts[];
}

/**
 * Not yet run by verify: the live data plane (lib/verify's kubelet stand-in for Spilo, the S3 store, the pooler, the
 * exporter) is not implemented; every cluster's live facts are null until it is.
 */
export const NO_DATA_PLANE =
  'the live data plane (Spilo pods running PostgreSQL and Patroni, the S3 store, the pooler, postgres_exporter) does not run yet: leader, streamingReplicas, clientAccess, backups and missingMetrics are null; kwok only marks the pods Running';

/** `npm run verify -- --json FILE`: one entry per verified site. */
export function siteFacts(r: VerifyReport): SiteFacts {
  return {
    site: r.site,
    kubernetes: r.kubernetes,
    ok: r.ok,
    seconds: Math.round(r.seconds * 10) / 10,
    clusters: r.clusters.map((c) => ({
      cluster: c.cluster,
      missingObjects: c.missing,
      leader: null,
      streamingReplicas: null,
      clientAccess: null,
      backups: null,
      missingMetrics: null,
    })),
    notRun: r.notRun,
    notVerified: [...r.notVerified, ...(r.clusters.length ? [NO_DATA_PLANE] : [])],
  };
}

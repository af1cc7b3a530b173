import type { OperationOutcome } from './live/operations';
import type { MonitorFacts as LiveMonitor } from './live/monitoring';
import type { VerifyReport } from './run';
import type { StandbyFacts } from './live/standby-facts';

type MonitorFacts = Pick<LiveMonitor, 'kind' | 'namespace' | 'name' | 'discovered' | 'up'>;

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
  /**
   * Client access with each declared user's credentials Secret, PGSSLMODE=require, through the master Service into each
   * declared database (`checked`: `user@database`), the owner's row read back through the replica Service; poolers:
   * null until pgbouncer runs live.
   */
  readonly clientAccess: {
    readonly master: boolean;
    readonly replicaRead: boolean | null;
    readonly checked: readonly string[];
    readonly poolers: Readonly<Record<string, boolean>> | null;
  } | null;
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
  /**
   * The day-2 operations performed live (`--operations`), in order: each one's evidence read off the running system, or
   * the step that failed. Null: none was asked.
   */
  readonly operations: readonly OperationOutcome[] | null;
  /** Its clusters that are standbys of another site's: replayed from the primary's S3 store, promoted. */
  readonly standbys: readonly Pick<StandbyFacts, 'cluster' | 'primarySite' | 'replayed' | 'promoted'>[];
  /**
   * Each ServiceMonitor and PodMonitor of the site as the real Prometheus ran it: targets discovered and up (null: the
   * monitoring stack did not run live, the reason is in `notVerified` or `notRun`).
   */
  readonly monitors: readonly MonitorFacts[] | null;
  /** The rule fired end to end into Alertmanager: its name and the Alertmanager pods that list it. */
  readonly alertFired: { readonly name: string; readonly receivedBy: readonly string[] } | null;
}

/** A run without the live data plane (`--no-live`): every cluster's live facts are null. */
export const NO_DATA_PLANE =
  'the live data plane did not run (--no-live): leader, streamingReplicas, clientAccess, backups and missingMetrics are null; kwok only marks the pods Running';

/** `npm run verify -- --json FILE`: one entry per verified site. */
export function siteFacts(r: VerifyReport): SiteFacts {
  return {
    site: r.site,
    kubernetes: r.kubernetes,
    ok: r.ok,
    seconds: Math.round(r.seconds * 10) / 10,
    clusters: r.clusters.map((c) => {
      const live = r.live?.clusters.find((f) => f.cluster === c.cluster);
      return {
        cluster: c.cluster,
        missingObjects: c.missing,
        leader: live?.leader ?? null,
        streamingReplicas: live ? live.streaming.length : null,
        clientAccess: live?.clientAccess ? { ...live.clientAccess, poolers: null } : null,
        backups: live?.backups ?? null,
        missingMetrics: live?.missingMetrics ?? null,
      };
    }),
    operations: r.operations ?? null,
    standbys: (r.standbys ?? []).map(({ cluster, primarySite, replayed, promoted }) => ({
      cluster,
      primarySite,
      replayed,
      promoted,
    })),
    monitors: r.monitoring
      ? r.monitoring.monitors.map(({ kind, namespace, name, discovered, up }) => ({
          kind,
          namespace,
          name,
          discovered,
          up,
        }))
      : null,
    alertFired: r.monitoring?.alertFired
      ? { name: r.monitoring.alertFired.name, receivedBy: r.monitoring.alertFired.receivedBy }
      : null,
    notRun: r.notRun,
    // a run that did not try the live data plane says so (one that could not run it said why already)
    notVerified: [
      ...r.notVerified,
      ...(r.clusters.length &&
      !r.live &&
      !r.notRun.length &&
      !r.notVerified.some((n) => n.startsWith('the live data plane'))
        ? [NO_DATA_PLANE]
        : []),
    ],
  };
}

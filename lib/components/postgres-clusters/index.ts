import { POSTGRES_CLUSTERS_APP, PostgresClustersChart } from './postgres-clusters';
import { CLUSTER_IMPACTS } from './impacts';
import { networkPolicyIssues, postgresNamespacePolicies } from './network-policies';
import { clusterBackupEnvironment, withStandby } from '../postgres-operator/wal-g-settings';
import { primaryOf, validateStandby } from '../../site/standby';
import { WAVES } from '../../constructs/argocd-sync';
import { validateBackups, validateClone } from '../../site/backups';
import type { Site } from '../../site/model';
import { validatePooler } from '../../site/pooler';
import { sharedNodeTolerations } from '../../site/roles';
import { validatePostgresCluster } from '../../site/validate';
import { type SiteIssue } from '../../site/issues';
import { secretNameIssues } from '../../site/names';
import type { Component } from '../component';
import { asArray, asRecord } from '../../core/records';
import type { RenderedObject } from '../../core/objects';
import {
  addRequests,
  className,
  containerRequests,
  NO_REQUESTS,
  type Placement,
  type Workload,
} from '../../core/workloads';
import { clusterNamespace, resolveSite } from '../../site/resolve';
import { DEFAULTS } from '../../site/defaults';
import { poolerName, poolersOf } from '../../site/postgres-names';

/**
 * Zalando postgresql: numberOfInstances Spilo pods, one per node (the operator's pod anti-affinity is on), plus
 * sidecars;
 * and its pgbouncer poolers, which the operator places with the cluster's nodeAffinity and tolerations, one pod per
 * node
 * per pooler (connection_pooler.go). A `connectionPooler` section without `enableConnectionPooler` starts the
 * primary's.
 */
function fromPostgresql(from: RenderedObject): Workload[] {
  const spec = asRecord(from.obj.spec);
  const spilo = asRecord(spec.resources).requests
    ? containerRequests(spec.resources)
    : containerRequests({ requests: DEFAULTS.spiloResources.requests });
  const sidecars = asArray(spec.sidecars)
    .map((s) => containerRequests(asRecord(s).resources))
    .reduce(addRequests, NO_REQUESTS);
  const placement: Placement = { nodeAffinity: spec.nodeAffinity, tolerations: spec.tolerations };
  const name = from.obj.metadata.name;
  // the operator puts it on the Spilo pods only, not the poolers (pod_priority_class_name is its deprecated spelling)
  const priority = className(spec.podPriorityClassName ?? spec.pod_priority_class_name);
  const pooler = asRecord(spec.connectionPooler);
  const poolers = poolersOf({
    enableConnectionPooler:
      typeof spec.enableConnectionPooler === 'boolean'
        ? spec.enableConnectionPooler
        : spec.connectionPooler !== undefined,
    enableReplicaConnectionPooler: spec.enableReplicaConnectionPooler === true,
  });
  const poolerRequests = asRecord(pooler.resources).requests
    ? containerRequests(pooler.resources)
    : containerRequests({ requests: DEFAULTS.pooler.resources.requests });
  return [
    {
      from,
      label: `Postgres instances of ${name}`,
      replicas: typeof spec.numberOfInstances === 'number' ? spec.numberOfInstances : 1,
      onePerNode: true,
      placement,
      requests: addRequests(spilo, sidecars),
      ...priority,
    },
    ...poolers.map((role): Workload => ({
      from,
      label: `pgbouncer pods of ${poolerName(name, role)}`,
      replicas: Math.max(
        DEFAULTS.pooler.numberOfInstances,
        typeof pooler.numberOfInstances === 'number' ? pooler.numberOfInstances : 0,
      ),
      onePerNode: true,
      placement,
      requests: poolerRequests,
    })),
  ];
}

/** Each cluster's fields, unique per namespace, its clone and poolers; then the backups they share. */
function validateClusters(site: Site): SiteIssue[] {
  const issues: SiteIssue[] = [];
  const seen = new Map<string, number>();
  site.postgres.clusters.forEach((pg, i) => {
    const key = `${clusterNamespace(pg)}/${pg.name}`;
    if (seen.has(key))
      issues.push({
        path: `postgres.clusters[${i}].name`,
        message: `cluster '${key}' is declared twice (also postgres.clusters[${seen.get(key)}]): names must be unique per namespace`,
      });
    seen.set(key, i);
    validatePostgresCluster(site, pg, i, issues);
    issues.push(...validateClone(site, pg, `postgres.clusters[${i}]`));
    issues.push(...validateStandby(site, pg, `postgres.clusters[${i}]`));
    issues.push(...validatePooler(site, pg, `postgres.clusters[${i}]`));
    issues.push(
      ...secretNameIssues(`postgres.clusters[${i}].tls.secretName`, pg.tls?.secretName, `${pg.name}-tls`),
      ...secretNameIssues(`postgres.clusters[${i}].tls.caSecretName`, pg.tls?.caSecretName, 'site-ca'),
    );
    if (pg.tls?.issuer && resolveSite(site).ceph?.certManager !== true)
      issues.push({
        path: `postgres.clusters[${i}].tls.issuer`,
        message:
          'a Certificate needs cert-manager, which this site does not run: set ceph.certManager: true, or create the Secret yourself and drop issuer',
      });
  });
  return [...issues, ...validateBackups(site), ...networkPolicyIssues(site)];
}

/** The site's `postgresql` clusters (postgres.clusters), their namespaces and poolers. */
export const postgresClusters: Component = {
  name: 'postgres-clusters',
  summary: "the site's `postgresql` clusters, their namespaces and poolers",
  enabledWhen: 'always',
  waves: { [POSTGRES_CLUSTERS_APP]: WAVES.workloads },
  enabled: () => true,
  charts: (app, site, { peers }) => {
    const { catalog, postgresNamespaces, clusters } = resolveSite(site);
    const monitored = site.monitoring !== undefined;
    // nodes shared with the storage role keep its taint: the Spilo pods tolerate it there
    const tolerations = sharedNodeTolerations(site, 'postgres');
    const chart = new PostgresClustersChart(app, POSTGRES_CLUSTERS_APP, {
      namespaces: postgresNamespaces,
      operatorVersion: catalog.versions.postgresOperator,
      monitored,
      clusters: clusters.map((spec) => ({
        spec,
        ...(monitored ? { exporterImage: catalog.images.postgresExporter } : {}),
        tolerations,
        backup: withStandby(clusterBackupEnvironment(site, spec), spec, spec.standby && primaryOf(spec.standby, peers)),
      })),
    });
    if (site.networkPolicies) for (const ns of postgresNamespaces) postgresNamespacePolicies(chart, site, ns);
    return [chart];
  },
  workloads: { 'acid.zalan.do/postgresql': fromPostgresql },
  impacts: CLUSTER_IMPACTS,
  validate: validateClusters,
};

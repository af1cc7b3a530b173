import { DEFAULTS } from './defaults';
import { poolersOf } from './postgres-names';
import type { PostgresClusterSpec, Site } from './model';
import { resourcesIssues } from './quantity-issues';
import { nodesWithRole, roleLabel } from './roles';
import type { SiteIssue } from './issues';

/**
 * The connection poolers of a cluster (pgbouncer, run by the operator): each pooler's pods
 * carry the cluster's nodeAffinity and a required anti-affinity on the hostname
 * (connection_pooler.go with enable_pod_antiaffinity), so they need as many postgres nodes.
 */
export function validatePooler(site: Site, pg: PostgresClusterSpec, path: string): SiteIssue[] {
  const issues: SiteIssue[] = [];
  const poolers = poolersOf(pg);
  const spec = pg.connectionPooler;
  if (poolers.length === 0) {
    if (spec)
      issues.push({
        path: `${path}.connectionPooler`,
        message:
          'configures a pooler that is not enabled: set enableConnectionPooler (primary) and/or enableReplicaConnectionPooler (replicas) to true, or remove it',
      });
    return issues;
  }
  if (pg.enableReplicaConnectionPooler && pg.numberOfInstances < 2) {
    issues.push({
      path: `${path}.enableReplicaConnectionPooler`,
      message: `the cluster has no replica (numberOfInstances ${pg.numberOfInstances}): the replica pooler would have no server; raise numberOfInstances or drop it`,
    });
  }
  const instances = spec?.numberOfInstances ?? DEFAULTS.pooler.numberOfInstances;
  const eligible = nodesWithRole(site, 'postgres').length;
  const label = roleLabel('postgres');
  if (!Number.isInteger(instances) || instances < DEFAULTS.pooler.numberOfInstances) {
    issues.push({
      path: `${path}.connectionPooler.numberOfInstances`,
      message: `${instances} is below the operator's minimum of ${DEFAULTS.pooler.numberOfInstances} pooler pods (it would run ${DEFAULTS.pooler.numberOfInstances} anyway): use a whole number >= ${DEFAULTS.pooler.numberOfInstances}`,
    });
  } else if (instances > eligible) {
    issues.push({
      path: `${path}.connectionPooler${spec?.numberOfInstances === undefined ? '' : '.numberOfInstances'}`,
      message: `${instances} pooler pods need as many nodes with role 'postgres' (label ${label.key}=${label.value}, one pod per node), the site has ${eligible}: add nodes or lower connectionPooler.numberOfInstances`,
    });
  }
  if (spec?.maxDBConnections !== undefined) {
    const max = spec.maxDBConnections;
    if (!Number.isInteger(max) || max < instances) {
      issues.push({
        path: `${path}.connectionPooler.maxDBConnections`,
        message: `${max} is divided among ${instances} pooler pods: use a whole number >= ${instances}`,
      });
    }
  }
  const maxConnections = Number(pg.parameters?.max_connections);
  const perPooler = spec?.maxDBConnections ?? DEFAULTS.pooler.maxDBConnections;
  if (Number.isFinite(maxConnections) && perPooler * poolers.length >= maxConnections) {
    issues.push({
      path: `${path}.connectionPooler.maxDBConnections`,
      message: `${poolers.length === 1 ? 'the pooler opens' : `${poolers.length} poolers open`} up to ${perPooler * poolers.length} server connections${spec?.maxDBConnections === undefined ? ` (the operator's default ${perPooler} each)` : ''}, not below parameters.max_connections ${maxConnections}: lower maxDBConnections or raise max_connections, leaving room for superuser and replication connections`,
    });
  }
  if (spec?.resources) issues.push(...resourcesIssues(`${path}.connectionPooler.resources`, spec.resources));
  return issues;
}

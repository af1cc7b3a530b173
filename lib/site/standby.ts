import type { PostgresClusterSpec, Site } from './model';
import { isDnsSubdomain } from './names';
import { cidrContains, httpUrlIssues, ipToNumber, isIPv4, parseCidr } from './network';
import { backupBucketOf, s3ProviderOf } from './object-store';
import { clusterNamespace } from './resolve';
import type { SiteIssue } from './issues';
import type { StandbySpec } from './schema/standby';
import { hubOf } from './fleet';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A standby's own fields, in its site alone; the rules across sites are standbyIssues'. */
export function validateStandby(site: Site, pg: PostgresClusterSpec, path: string): SiteIssue[] {
  const standby = pg.standby;
  if (!standby) return [];
  const issues: SiteIssue[] = [];
  if (standby.site === site.name)
    issues.push({
      path: `${path}.standby.site`,
      message: `a standby of a cluster of the same site is a replica: raise numberOfInstances of '${standby.cluster}' instead, or name another site`,
    });
  if (pg.clone)
    issues.push({
      path: `${path}.standby`,
      message:
        'a cluster is a standby or a clone, not both: remove clone (the standby bootstraps from the WAL archive)',
    });
  if (!UUID.test(standby.uid))
    issues.push({
      path: `${path}.standby.uid`,
      message: `'${standby.uid}' is not a UID: take the primary's metadata.uid (kubectl get postgresql ${standby.cluster} -o jsonpath='{.metadata.uid}' on site ${standby.site})`,
    });
  issues.push(...httpUrlIssues(`${path}.standby.s3Endpoint`, standby.s3Endpoint, 'http://10.30.0.205'));
  if (!isDnsSubdomain(standby.credentialsSecret))
    issues.push({
      path: `${path}.standby.credentialsSecret`,
      message: `'${standby.credentialsSecret}' is not a Secret name: name the Secret (in namespace ${clusterNamespace(pg)}) holding the keys of the primary's bucket`,
    });
  return issues;
}

/** Where a standby reads: the primary's site and cluster, found; undefined when either is missing. */
export function primaryOf(
  standby: StandbySpec,
  sites: readonly Site[],
): { readonly site: Site; readonly cluster: PostgresClusterSpec } | undefined {
  const site = sites.find((s) => s.name === standby.site);
  const cluster = site?.postgres.clusters.find((c) => c.name === standby.cluster);
  return site && cluster ? { site, cluster } : undefined;
}

/**
 * The primary's WAL archive: Spilo's prefix with the operator's WAL_BUCKET_SCOPE_PREFIX '' and suffix /<uid>, in the
 * primary site's backup bucket (on the Ceph object store, its namespace's).
 */
export function standbyWalPath(standby: StandbySpec, primary: Site, cluster: PostgresClusterSpec): string {
  const bucket = primary.postgres.backups?.bucket ?? '';
  const name =
    s3ProviderOf(primary) === 'ceph-object-store' ? backupBucketOf(bucket, clusterNamespace(cluster)) : bucket;
  return `s3://${name}/spilo/${cluster.name}/${standby.uid}/wal/${cluster.version}`;
}

/** Whether an address is one the site declares: a node's, or in its load balancers' pool (CIDRs or a-b ranges). */
function declaresAddress(site: Site, host: string): boolean {
  if (site.nodes.some((n) => n.address === host)) return true;
  if (!isIPv4(host)) return false;
  const ip = ipToNumber(host);
  return (site.loadBalancers?.addresses ?? []).some((entry) => {
    const [from, to] = entry.split('-');
    if (to !== undefined && isIPv4(from) && isIPv4(to)) return ipToNumber(from) <= ip && ip <= ipToNumber(to);
    const cidr = parseCidr(entry);
    return cidr !== undefined && cidrContains(cidr, ip);
  });
}

/**
 * The rules of standbys across sites (each path starts with the standby's site): the primary exists, archives its WAL
 * (backups), runs the same PostgreSQL major, and the S3 endpoint is an address its site declares.
 */
export function standbyIssues(sites: readonly Site[]): SiteIssue[] {
  return sites.flatMap((site) =>
    site.postgres.clusters.flatMap((pg, i) => {
      const standby = pg.standby;
      if (!standby) return [];
      const path = `${site.name}: postgres.clusters[${i}].standby`;
      const primary = primaryOf(standby, sites);
      if (!primary) {
        const other = sites.find((s) => s.name === standby.site);
        return [
          {
            path: `${path}.${other ? 'cluster' : 'site'}`,
            message: other
              ? `site '${other.name}' has no cluster '${standby.cluster}' (it has ${other.postgres.clusters.map((c) => c.name).join(', ') || 'none'}): name the primary`
              : `no site '${standby.site}' in sites/ (it has ${sites.map((s) => s.name).join(', ')}): name the primary's site`,
          },
        ];
      }
      const issues: SiteIssue[] = [];
      if (!primary.site.postgres.backups)
        issues.push({
          path: `${path}.site`,
          message: `site '${primary.site.name}' archives no WAL (no postgres.backups): give it backups, the standby replays their WAL`,
        });
      if (primary.cluster.version !== pg.version)
        issues.push({
          path: `${site.name}: postgres.clusters[${i}].version`,
          message: `PostgreSQL ${pg.version}, the primary '${primary.cluster.name}' of site '${primary.site.name}' runs ${primary.cluster.version}: a standby replays WAL of its own major only; use '${primary.cluster.version}'`,
        });
      let host: string | undefined;
      try {
        host = new URL(standby.s3Endpoint).hostname;
      } catch {
        host = undefined; // validateStandby says why
      }
      if (host !== undefined && !declaresAddress(primary.site, host))
        issues.push({
          path: `${path}.s3Endpoint`,
          message: `${host} is no address site '${primary.site.name}' declares (its nodes, its loadBalancers.addresses): name the address its S3 store is reachable at from site '${site.name}'`,
        });
      return issues;
    }),
  );
}

/**
 * Standbys whose site the primary's site manages as its hub (warnings, path at the standby's site): when the primary
 * site is lost, so is the ArgoCD that would sync the promotion to the standby's site.
 */
export function standbyHubIssues(sites: readonly Site[]): SiteIssue[] {
  return sites.flatMap((site) => {
    const hub = hubOf(site, sites)?.hub;
    return site.postgres.clusters.flatMap((pg, i) =>
      pg.standby && hub?.name === pg.standby.site
        ? [
            {
              path: `${site.name}: postgres.clusters[${i}].standby.site`,
              message: `site '${site.name}' is managed by the hub '${hub.name}', the site of its primary: if '${hub.name}' is lost, so is the ArgoCD that would sync the promotion here; let '${site.name}' run its own ArgoCD (remove it from '${hub.name}''s fleet.rollout), or manage it from another hub`,
            },
          ]
        : [],
    );
  });
}

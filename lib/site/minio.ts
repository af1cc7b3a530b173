import { MinioSpec } from './schema/minio';
import type { Site, SiteNode } from './model';
import { isQuantity, parseQuantity } from '../core/quantity';
import { nodesWithRole } from './roles';
import { bucketNameIssues, dnsLabelIssues, isDnsSubdomain, namespaceIssues, providedClassIssues } from './names';
import { httpUrlIssues } from './network';
import type { SiteIssue } from './issues';

export interface MinioPool {
  readonly name: string;
  readonly nodes: SiteNode[];
  readonly volumesPerServer: number;
  /** Bytes each volume claims: the pool's smallest disk (a larger claim would never bind). */
  readonly volumeSize: number;
}

/** The tenant's pools: servers are s3 nodes, volumes their disks. */
export function minioPools(site: Site, spec: MinioSpec): MinioPool[] {
  const s3 = nodesWithRole(site, 's3');
  const declared = spec.pools ?? [{ name: 'pool-0', nodes: s3.map((n) => n.name) }];
  return declared.map((p) => {
    const nodes = s3.filter((n) => p.nodes.includes(n.name));
    const disks = nodes.map((n) => n.disks ?? []);
    return {
      name: p.name,
      nodes,
      volumesPerServer: Math.min(...disks.map((d) => d.length)),
      volumeSize: Math.min(...disks.flat().map((d) => (isQuantity(d.size) ? parseQuantity(d.size) : Infinity))), // a bad size is validateSite's to report
    };
  });
}

function secretName(issues: SiteIssue[], path: string, value: string | undefined, what: string, create: string): void {
  if (!isDnsSubdomain(value)) {
    issues.push({
      path,
      message: `${what} must name a Secret (DNS-1123, e.g. '${create}'), got '${value ?? ''}': create it with kubectl (see docs/minio-backups.md) and reference it here`,
    });
  }
}

/** @param storageClasses the StorageClasses the site provides */
export function validateMinio(site: Site, storageClasses: readonly string[]): SiteIssue[] {
  const spec = site.minio;
  if (!spec) return [];
  const issues: SiteIssue[] = [];
  if (spec.namespace !== undefined) issues.push(...namespaceIssues('minio.namespace', spec.namespace));
  if (spec.tenant !== undefined) issues.push(...dnsLabelIssues('minio.tenant', spec.tenant, 'tenant name'));
  if (spec.storageClass !== undefined) {
    issues.push(
      ...providedClassIssues(
        'minio.storageClass',
        spec.storageClass,
        storageClasses,
        "list it in externalStorageClasses, or remove storageClass for local volumes on the s3 nodes' disks",
      ),
    );
  }
  secretName(issues, 'minio.rootCredentialsSecret', spec.rootCredentialsSecret, 'the root credentials', 'minio-root');
  const s3 = nodesWithRole(site, 's3');
  if (s3.length === 0) {
    issues.push({ path: 'minio', message: "MinIO needs nodes with role 's3' (with disks): add some or remove minio" });
    return issues;
  }
  const where = (name: string) => site.nodes.findIndex((n) => n.name === name);
  const inPools = new Map<string, string>();
  (spec.pools ?? []).forEach((p, i) => {
    if ((spec.pools ?? []).findIndex((q) => q.name === p.name) !== i)
      issues.push({
        path: `minio.pools[${i}].name`,
        message: `pool '${p.name}' is declared twice: pool names must be unique`,
      });
    p.nodes.forEach((name, j) => {
      if (!s3.some((n) => n.name === name))
        issues.push({ path: `minio.pools[${i}].nodes[${j}]`, message: `'${name}' is not a node with role 's3'` });
      else if (inPools.has(name))
        issues.push({
          path: `minio.pools[${i}].nodes[${j}]`,
          message: `'${name}' is already a server of pool '${inPools.get(name)}': a node serves one pool`,
        });
      inPools.set(name, p.name);
    });
  });
  if (spec.pools) {
    for (const n of s3)
      if (!inPools.has(n.name))
        issues.push({
          path: `nodes[${where(n.name)}]`,
          message: `s3 node '${n.name}' is in no MinIO pool: add it to a new pool in minio.pools (MinIO grows by pools, never by resizing one)`,
        });
  }
  for (const [p, pool] of minioPools(site, spec).entries()) {
    const path = spec.pools ? `minio.pools[${p}]` : 'minio';
    for (const node of pool.nodes) {
      const count = (node.disks ?? []).length;
      if (count === 0)
        issues.push({
          path: `nodes[${where(node.name)}].disks`,
          message: `s3 node '${node.name}' has no disk: list the disks MinIO may use or drop the 's3' role`,
        });
      else if (count !== Math.max(...pool.nodes.map((n) => (n.disks ?? []).length))) {
        issues.push({
          path: `nodes[${where(node.name)}].disks`,
          message: `s3 node '${node.name}' has ${count} disk(s), other servers of pool '${pool.name}' more: a pool gives every server the same number of volumes`,
        });
      }
    }
    if (pool.volumesPerServer > 0 && pool.nodes.length * pool.volumesPerServer < 4) {
      issues.push({
        path,
        message: `pool '${pool.name}': ${pool.nodes.length} servers × ${pool.volumesPerServer} volume(s) is below the 4 drives MinIO's erasure coding needs: add disks or s3 nodes`,
      });
    }
  }
  for (const [b, bucket] of (spec.buckets ?? []).entries())
    issues.push(...bucketNameIssues(`minio.buckets[${b}]`, bucket));
  if (spec.openid) {
    if (!/^https:\/\/\S+\/\.well-known\/openid-configuration$/.test(spec.openid.configUrl)) {
      issues.push({
        path: 'minio.openid.configUrl',
        message: `'${spec.openid.configUrl}' is not an OpenID discovery URL: use https://<issuer>/.well-known/openid-configuration`,
      });
    }
    secretName(
      issues,
      'minio.openid.clientSecret.name',
      spec.openid.clientSecret?.name,
      'the OpenID client secret',
      'minio-openid',
    );
  }
  if (spec.kes)
    secretName(issues, 'minio.kes.configSecret', spec.kes.configSecret, 'the KES configuration', 'minio-kes-config');
  if (spec.auditWebhook)
    issues.push(
      ...httpUrlIssues('minio.auditWebhook.endpoint', spec.auditWebhook.endpoint, 'https://audit.example.org/minio'),
    );
  if (spec.auditWebhook?.authToken)
    secretName(
      issues,
      'minio.auditWebhook.authToken.name',
      spec.auditWebhook.authToken.name,
      'the audit webhook token',
      'minio-audit-token',
    );
  return issues;
}

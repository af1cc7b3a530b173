import { z } from 'zod';
import type { Site, SiteNode } from './model';
import { isQuantity, parseQuantity } from '../core/quantity';
import { nodesWithRole } from './roles';
import { DnsLabelSchema } from './schema-kit';
import { bucketNameIssues, dnsLabelIssues, isDnsSubdomain, namespaceIssues, providedClassIssues } from './names';
import { httpUrlIssues } from './network';
import type { SiteIssue } from './issues';

/** A key of a Secret that exists in the cluster (created at deploy time, never in git). */
const SecretKeyRefSchema = z.strictObject({ name: z.string(), key: z.string() });

const MinioPoolSchema = z.strictObject({
  name: z.string(),
  nodes: z.array(z.string()).describe('Its servers: s3 nodes, by name'),
});

/**
 * MinIO object storage on the nodes with role 's3': one server per node, one volume per
 * declared disk. The runbook's tenant wizard screens are the options below.
 */
export const MinioSchema = z
  .strictObject({
    tenant: DnsLabelSchema.optional().describe("Tenant name. Default: 'minio'"),
    namespace: DnsLabelSchema.optional().describe(
      "Namespace of the tenant (one tenant per namespace). Default: 'minio'",
    ),
    rootCredentialsSecret: z
      .string()
      .describe(
        "Secret in the tenant namespace whose key config.env holds 'export MINIO_ROOT_USER=…' and 'export MINIO_ROOT_PASSWORD=…' lines (the wizard's Configure screen). Required: never a value in git",
      ),
    storageClass: z
      .string()
      .optional()
      .describe(
        "StorageClass of a dynamic provisioner for the s3 nodes' disks. Default: none, synth renders the minio-local class and one local PersistentVolume per declared disk of each s3 node",
      ),
    buckets: z
      .array(z.string())
      .optional()
      .describe('Buckets the tenant creates (once, at provisioning). Default: none'),
    autoCert: z
      .boolean()
      .optional()
      .describe('TLS with a certificate the operator requests from the cluster CA (Security screen). Default: true'),
    openid: z
      .strictObject({
        configUrl: z.string(),
        clientId: z.string(),
        clientSecret: SecretKeyRefSchema,
        claimName: z.string().optional().describe("Default: 'policy'"),
        scopes: z.array(z.string()).optional().describe("Default: ['openid', 'profile', 'email']"),
      })
      .optional()
      .describe('OpenID Connect identity provider (Identity Provider screen), the client secret by reference'),
    kes: z
      .strictObject({
        configSecret: z
          .string()
          .describe('Secret with key server-config.yaml (KES configuration, including the KMS credentials)'),
        keyName: z.string().describe("The default encryption key's name in the KMS"),
      })
      .optional()
      .describe('Server-side encryption with KES (Encryption screen): its configuration Secret by reference'),
    auditWebhook: z
      .strictObject({ endpoint: z.string(), authToken: SecretKeyRefSchema.optional() })
      .optional()
      .describe('Audit log to an HTTP webhook (Audit Log screen), its auth token by reference'),
    publicMetrics: z
      .boolean()
      .optional()
      .describe('Prometheus metrics without a bearer token (the monitoring app scrapes them). Default: true'),
    pools: z
      .array(MinioPoolSchema)
      .optional()
      .describe(
        "Server pools: MinIO never resizes a pool, it grows by new pools. Each s3 node belongs to one. Default: one pool 'pool-0' of every s3 node",
      ),
  })
  .describe("MinIO object storage on the 's3' nodes. Default: no MinIO");
export type MinioSpec = z.infer<typeof MinioSchema>;

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

import { S3Provider } from './schema/object-store';
import { catalogOf } from './catalog';
import { clusterNamespace } from './resolve';
import { postgresNamespaces } from './resolve';
import type { Site } from './model';
import { bucketNameIssues } from './names';
import { nodesWithRole } from './roles';
import type { SiteIssue } from './issues';

/** The CephObjectStore: its RGW Service is `rook-ceph-rgw-<name>` (Rook's naming) and its pools `<name>.rgw.*`. */
export const OBJECT_STORE = 'object-store';
/** The bucket StorageClass (provisioner rook-ceph.ceph.rook.io/bucket) the backup claims use. */
export const BUCKET_STORAGE_CLASS = 'rook-ceph-bucket';
/** CRUSH device class of the s3 nodes' OSDs: only the object store's pools select it. */
export const S3_DEVICE_CLASS = 's3';
/** CRUSH device class of the storage nodes' OSDs when s3 nodes have OSDs too: the block pool selects it. */
export const BLOCK_DEVICE_CLASS = 'block';
/** RGW's port inside the cluster (object.yaml's `gateway.port`). */
const RGW_PORT = 80;

export function s3ProviderOf(site: Site): S3Provider {
  return site.s3?.provider ?? catalogOf(site).train.s3Provider;
}

/** Whether the site's s3 nodes are Ceph OSD hosts serving the object store. */
export const cephObjectStoreOn = (site: Site): boolean =>
  site.ceph !== undefined && s3ProviderOf(site) === 'ceph-object-store';

export interface ResolvedObjectStore {
  readonly gateways: number;
  /** Copies of each object, one per s3 node with disks (failure domain host). */
  readonly poolSize: number;
  /** The RGW endpoint WAL-G talks to. */
  readonly endpoint: string;
}

export function objectStoreOf(site: Site): ResolvedObjectStore {
  const s3 = nodesWithRole(site, 's3');
  const withDisks = s3.filter((n) => (n.disks ?? []).length > 0);
  return {
    gateways: site.s3?.gateways ?? Math.min(2, Math.max(1, s3.length)),
    poolSize: Math.max(1, Math.min(3, withDisks.length)),
    endpoint: `http://rook-ceph-rgw-${OBJECT_STORE}.rook-ceph.svc:${RGW_PORT}`,
  };
}

/**
 * The backup bucket of a Postgres namespace, and the name of its ObjectBucketClaim and of the
 * Secret Rook makes for it. A claim's Secret lives in the claim's namespace and its keys open that
 * bucket only, so every namespace holding clusters claims its own: `<bucket>-<namespace>`.
 */
export const backupBucketOf = (bucket: string, namespace: string): string => `${bucket}-${namespace}`;

/** The ceph-object-store provider's rules, and the S3 options of the other provider. */
export function validateObjectStore(site: Site): SiteIssue[] {
  const provider = s3ProviderOf(site);
  const issues: SiteIssue[] = [];
  if (provider !== 'ceph-object-store') {
    if (site.s3?.gateways !== undefined)
      issues.push({
        path: 's3.gateways',
        message: `gateways are RGW pods of the ceph-object-store provider, and this site's provider is '${provider}': remove it`,
      });
    return issues;
  }
  const path = site.s3?.provider ? 's3.provider' : 'release';
  if (!site.ceph)
    issues.push({
      path,
      message:
        "the ceph-object-store provider is Rook's RGW, and this site has no ceph: add ceph, or use s3: { provider: 'minio' } with a minio section",
    });
  if (site.minio)
    issues.push({
      path: 'minio',
      message:
        "the s3 nodes' disks are Ceph OSDs with the ceph-object-store provider, MinIO cannot have them too: remove minio, or use s3: { provider: 'minio' }",
    });
  const s3 = nodesWithRole(site, 's3');
  if (s3.length === 0)
    issues.push({
      path,
      message: "the object store runs on nodes with role 's3' (with disks), apart from the storage nodes: add some",
    });
  site.nodes.forEach((n, i) => {
    if (n.roles.includes('s3') && (n.disks ?? []).length === 0) {
      issues.push({
        path: `nodes[${i}].disks`,
        message: `s3 node '${n.name}' has no disk: list the raw devices the object store's OSDs may use, or drop the 's3' role`,
      });
    }
  });
  const { gateways } = objectStoreOf(site);
  if (!Number.isInteger(gateways) || gateways < 1 || (s3.length > 0 && gateways > s3.length)) {
    issues.push({
      path: 's3.gateways',
      message: `${gateways} RGW pods need as many s3 nodes (one per node), the site has ${s3.length}: use 1 to ${Math.max(1, s3.length)}`,
    });
  }
  const backups = site.postgres.backups;
  if (backups) {
    if (backups.credentialsSecret !== undefined) {
      issues.push({
        path: 'postgres.backups.credentialsSecret',
        message:
          "the ceph-object-store provider's keys come from each namespace's ObjectBucketClaim Secret, which Rook creates: remove credentialsSecret",
      });
    }
    for (const ns of postgresNamespaces(site)) {
      const found = bucketNameIssues('postgres.backups.bucket', backupBucketOf(backups.bucket, ns));
      issues.push(
        ...found.map((f) => ({
          ...f,
          message: `${f.message} (the bucket of namespace '${ns}' is '<bucket>-<namespace>'): shorten the bucket`,
        })),
      );
    }
    site.postgres.clusters.forEach((pg, i) => {
      const source = pg.clone && site.postgres.clusters.find((c) => c.name === pg.clone?.cluster);
      if (source && clusterNamespace(source) !== clusterNamespace(pg)) {
        issues.push({
          path: `postgres.clusters[${i}].clone.cluster`,
          message: `'${source.name}' backs up into namespace '${clusterNamespace(source)}''s bucket, whose keys exist only there: restore into that namespace (namespace: '${clusterNamespace(source)}')`,
        });
      }
    });
  }
  return issues;
}

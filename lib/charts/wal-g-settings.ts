import { DEFAULTS, resolveSite } from '../site/resolve';
import type { PostgresClusterSpec, Site } from '../site/model';
import { clusterNamespace } from '../site/resolve';
import { backupBucketOf, objectStoreOf, s3ProviderOf } from '../site/object-store';
import { byText } from '../core/order';

/** WAL-G backup settings: what the operator configuration and the clusters' manifests add for backups (the backups section itself is lib/site/backups.ts). */

/** The pod environment ConfigMap (in the operator namespace) every Spilo pod receives. */
export const POD_ENVIRONMENT_CONFIGMAP = 'postgres-pod-config';

/** The cluster CA: MinIO's auto-cert is signed by it, and every pod has it mounted. */
const CLUSTER_CA = '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt';

/** Operator settings that turn WAL-G backups on: the bucket, and where the pods' environment comes from. */
export function backupOperatorSettings(site: Site, operatorNamespace: string): Record<string, string> {
  const backups = site.postgres.backups;
  if (!backups) return {};
  return {
    // the operator then sets WAL_S3_BUCKET, WAL_BUCKET_SCOPE_SUFFIX=/<uid> and, for clones, CLONE_WAL_S3_BUCKET
    // (on the Ceph object store each cluster's manifest names its namespace's bucket, which wins: clusterBackupEnvironment)
    wal_s3_bucket: backups.bucket,
    pod_environment_configmap: `${operatorNamespace}/${POD_ENVIRONMENT_CONFIGMAP}`,
    // read from each cluster's namespace: the S3 keys, created by the admin (docs/minio-backups.md);
    // on the Ceph object store the clusters' manifests reference their claim's Secret instead
    ...(backups.credentialsSecret ? { pod_environment_secret: backups.credentialsSecret } : {}),
  };
}

/** An environment variable of a Spilo pod, as the postgresql manifest's `env` takes it. */
export interface SpiloEnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: { readonly secretKeyRef: { readonly name: string; readonly key: string } };
}

/**
 * What a cluster's own manifest adds for backups into the Ceph object store: its namespace's
 * bucket and the keys of that bucket's ObjectBucketClaim Secret (Rook writes AWS_ACCESS_KEY_ID and
 * AWS_SECRET_ACCESS_KEY), and the same for a point-in-time recovery (CLONE_, the source being in
 * the same namespace). The manifest's env comes before the operator's WAL settings, the pod
 * environment and the clone section, so it wins (k8sres.go generateSpiloPodEnvVars, appendEnvVars).
 * Empty for MinIO, whose keys come from pod_environment_secret.
 */
export function clusterBackupEnvironment(site: Site, pg: PostgresClusterSpec): SpiloEnvVar[] {
  const backups = site.postgres.backups;
  if (!backups || s3ProviderOf(site) !== 'ceph-object-store') return [];
  const bucket = backupBucketOf(backups.bucket, clusterNamespace(pg));
  const keys = (prefix: string): SpiloEnvVar[] => ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']
    .map((key) => ({ name: `${prefix}${key}`, valueFrom: { secretKeyRef: { name: bucket, key } } }));
  return [
    { name: 'WAL_S3_BUCKET', value: bucket },
    ...keys(''),
    ...(pg.clone ? [{ name: 'CLONE_WAL_S3_BUCKET', value: bucket }, ...keys('CLONE_')] : []),
  ];
}

/** WAL-G's endpoint and TLS/SSE settings for the site's S3 store. */
function s3Endpoint(site: Site): Record<string, string> {
  if (s3ProviderOf(site) === 'ceph-object-store') {
    // RGW in the cluster, plain HTTP on the pod network; no server-side encryption configured
    return { AWS_ENDPOINT: objectStoreOf(site).endpoint, WALG_DISABLE_S3_SSE: 'true' };
  }
  const { minio } = resolveSite(site);
  if (!minio) return {};
  return {
    AWS_ENDPOINT: minio.endpoint,
    // MinIO without KES has no server-side encryption for WAL-G to ask for
    WALG_DISABLE_S3_SSE: minio.kes ? 'false' : 'true',
    ...(minio.autoCert ? { WALG_S3_CA_CERT_FILE: CLUSTER_CA } : {}),
  };
}

/**
 * WAL-G settings for the in-cluster S3 store (MinIO or RGW), for the cluster itself and (CLONE_
 * copies) for a point-in-time recovery from another cluster's backups. No secret here: keys come
 * from the Secret.
 */
export function backupEnvironment(site: Site): Record<string, string> {
  const backups = site.postgres.backups;
  const endpoint = s3Endpoint(site);
  if (!backups || !endpoint.AWS_ENDPOINT) return {};
  const s3: Record<string, string> = {
    // WAL-G, not WAL-E: WAL-E breaks with AWS_REGION next to a custom endpoint
    USE_WALG_BACKUP: 'true',
    USE_WALG_RESTORE: 'true',
    AWS_S3_FORCE_PATH_STYLE: 'true',
    // MinIO's default region, and the one Rook's bucket claims report (BUCKET_REGION)
    AWS_REGION: 'us-east-1',
    ...endpoint,
  };
  return Object.fromEntries([
    ...Object.entries(s3),
    ...Object.entries(s3).map(([k, v]) => [`CLONE_${k}`, v]),
    ['BACKUP_SCHEDULE', backups.schedule ?? DEFAULTS.backups.schedule],
    ['BACKUP_NUM_TO_RETAIN', String(backups.retain ?? DEFAULTS.backups.retain)],
  ].sort(([a], [b]) => byText(a, b)));
}

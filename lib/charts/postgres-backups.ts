import { BACKUP_DEFAULTS } from '../site/backups';
import { minioOf } from '../site/minio';
import type { Site } from '../site/model';
import { byText } from '../core/order';

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
    wal_s3_bucket: backups.bucket,
    pod_environment_configmap: `${operatorNamespace}/${POD_ENVIRONMENT_CONFIGMAP}`,
    // read from each cluster's namespace: the S3 keys, created by the admin (docs/minio-backups.md)
    pod_environment_secret: backups.credentialsSecret,
  };
}

/**
 * WAL-G settings for the in-cluster MinIO, for the cluster itself and (CLONE_ copies) for a
 * point-in-time recovery from another cluster's backups. No secret here: keys come from the Secret.
 */
export function backupEnvironment(site: Site): Record<string, string> {
  const backups = site.postgres.backups;
  if (!backups || !site.minio) return {};
  const minio = minioOf(site.minio);
  const s3: Record<string, string> = {
    // WAL-G, not WAL-E: WAL-E breaks with AWS_REGION next to a custom endpoint
    USE_WALG_BACKUP: 'true',
    USE_WALG_RESTORE: 'true',
    AWS_ENDPOINT: minio.endpoint,
    AWS_S3_FORCE_PATH_STYLE: 'true',
    AWS_REGION: 'us-east-1',
    // MinIO without KES has no server-side encryption for WAL-G to ask for
    WALG_DISABLE_S3_SSE: site.minio.kes ? 'false' : 'true',
    ...(minio.autoCert ? { WALG_S3_CA_CERT_FILE: CLUSTER_CA } : {}),
  };
  return Object.fromEntries([
    ...Object.entries(s3),
    ...Object.entries(s3).map(([k, v]) => [`CLONE_${k}`, v]),
    ['BACKUP_SCHEDULE', backups.schedule ?? BACKUP_DEFAULTS.schedule],
    ['BACKUP_NUM_TO_RETAIN', String(backups.retain ?? BACKUP_DEFAULTS.retain)],
  ].sort(([a], [b]) => byText(a, b)));
}

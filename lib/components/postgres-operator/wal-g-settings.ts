import { clusterNamespace, resolveSite } from '../../site/resolve';
import type { PostgresClusterSpec, Site } from '../../site/model';
import { backupBucketOf, objectStoreOf, s3ProviderOf } from '../../site/object-store';
import { byText } from '../../core/order';
import { standbyWalPath } from '../../site/standby';

/**
 * WAL-G backup settings: what the operator configuration and the clusters' manifests add for backups (the backups
 * section itself is lib/site/backups.ts).
 */

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
    // (on the Ceph object store each cluster's manifest names its namespace's bucket, which wins:
    // clusterBackupEnvironment)
    wal_s3_bucket: backups.bucket,
    pod_environment_configmap: `${operatorNamespace}/${POD_ENVIRONMENT_CONFIGMAP}`,
    // read from each cluster's namespace: the S3 keys, created by the admin (docs/minio-backups.md);
    // on the Ceph object store the clusters' manifests reference their claim's Secret instead
    ...(backups.credentialsSecret ? { pod_environment_secret: backups.credentialsSecret } : {}),
  };
}

/** An environment variable of a Spilo pod, as the postgresql manifest's `env` takes it. */
interface SpiloEnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: { readonly secretKeyRef: { readonly name: string; readonly key: string } };
}

/** What a cluster's own manifest carries for its backups, beyond the operator's configuration. */
export interface ClusterBackup {
  /** Spilo environment of the manifest's `env`. */
  readonly env: readonly SpiloEnvVar[];
  /** `clone.s3_wal_path`: the full WAL prefix a point-in-time recovery restores from. */
  readonly cloneS3WalPath?: string;
  /** `standby.s3_wal_path`: the primary's WAL archive, in another site's S3 store, a standby replays. */
  readonly standbyS3WalPath?: string;
}

/**
 * A standby of a cluster of another site: the operator sets STANDBY_WALE_S3_PREFIX (the WAL path), STANDBY_METHOD and
 * STANDBY_WAL_BUCKET_SCOPE_PREFIX from the manifest's standby section (k8sres.go generateStandbyEnvironment); where
 * and how to read it is the manifest's env, with the STANDBY_ prefix Spilo reads (configure_spilo.py
 * write_wale_environment): the primary site's S3 endpoint, WAL-G, path-style addressing, and the keys of the
 * primary's bucket from the Secret the standby names.
 */
export function withStandby(
  backup: ClusterBackup,
  pg: PostgresClusterSpec,
  primary: { readonly site: Site; readonly cluster: PostgresClusterSpec } | undefined,
): ClusterBackup {
  const standby = pg.standby;
  if (!standby) return backup;
  if (!primary)
    throw new Error(
      `cluster '${pg.name}': standby: no cluster '${standby.cluster}' in site '${standby.site}' (npm run check says which)`,
    );
  const env: SpiloEnvVar[] = [
    ...Object.entries({
      USE_WALG_BACKUP: 'true',
      USE_WALG_RESTORE: 'true',
      AWS_S3_FORCE_PATH_STYLE: 'true',
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT: standby.s3Endpoint,
      WALG_DISABLE_S3_SSE: 'true',
    }).map(([name, value]) => ({ name: `STANDBY_${name}`, value })),
    ...['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'].map((key) => ({
      name: `STANDBY_${key}`,
      valueFrom: { secretKeyRef: { name: standby.credentialsSecret, key } },
    })),
    // the primary's archive is encrypted with its site's key: the Secret of its bucket's keys holds that key too
    ...(primary.site.postgres.backups?.encryptionKeySecret ? encryptionEnv(standby.credentialsSecret, 'STANDBY_') : []),
  ];
  return {
    ...backup,
    env: [...backup.env, ...env],
    standbyS3WalPath: standbyWalPath(standby, primary.site, primary.cluster),
  };
}

/**
 * What a cluster's own manifest adds for backups into the Ceph object store: its namespace's
 * bucket and the keys of that bucket's ObjectBucketClaim Secret (Rook writes AWS_ACCESS_KEY_ID and
 * AWS_SECRET_ACCESS_KEY), and for a point-in-time recovery the same keys (CLONE_, the source being
 * in the same namespace) and the source's full WAL prefix as `clone.s3_wal_path`. The manifest's
 * env comes before the operator's WAL settings and the pod environment, so it wins there
 * (k8sres.go generateSpiloPodEnvVars, appendEnvVars). The clone section is different: the operator
 * appends it without that check (`append(envVars, generateCloneEnvironment(...)...)`, k8sres.go:1049-1051
 * at v2.0.1, the same at v1.9.0), and without `s3_wal_path` it adds CLONE_WAL_S3_BUCKET=<wal_s3_bucket>
 * after ours, a second definition the kubelet takes (the last one wins): the global bucket, not the
 * namespace's. With `s3_wal_path` it sets CLONE_WALE_S3_PREFIX to it instead, which Spilo uses as the
 * prefix (configure_spilo.py write_wale_environment). For MinIO, whose keys come from pod_environment_secret and
 * whose bucket is the operator's, only the encryption key (encryptionEnv), as for the Ceph object store.
 */
export function clusterBackupEnvironment(site: Site, pg: PostgresClusterSpec): ClusterBackup {
  const backups = site.postgres.backups;
  if (!backups) return { env: [] };
  const secret = backups.encryptionKeySecret;
  const encryption = secret ? [...encryptionEnv(secret, ''), ...(pg.clone ? encryptionEnv(secret, 'CLONE_') : [])] : [];
  if (s3ProviderOf(site) !== 'ceph-object-store') return { env: encryption };
  const bucket = backupBucketOf(backups.bucket, clusterNamespace(pg));
  const keys = (prefix: string): SpiloEnvVar[] =>
    ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'].map((key) => ({
      name: `${prefix}${key}`,
      valueFrom: { secretKeyRef: { name: bucket, key } },
    }));
  const source = pg.clone && site.postgres.clusters.find((c) => c.name === pg.clone?.cluster);
  return {
    env: [{ name: 'WAL_S3_BUCKET', value: bucket }, ...keys(''), ...(pg.clone ? keys('CLONE_') : []), ...encryption],
    // where the source archives: Spilo's prefix with the operator's WAL_BUCKET_SCOPE_PREFIX '' and suffix /<uid>
    ...(pg.clone && source
      ? { cloneS3WalPath: `s3://${bucket}/spilo/${source.name}/${pg.clone.uid}/wal/${source.version}` }
      : {}),
  };
}

/** The key of the site's Secret that holds WAL-G's libsodium key (base64 of 32 bytes). */
const ENCRYPTION_KEY = 'WALG_LIBSODIUM_KEY';

/**
 * WAL-G's client-side encryption of a site's backups, with Spilo's `prefix` (`''` for the cluster's own archive,
 * `CLONE_` for the one a point-in-time recovery reads, `STANDBY_` for the one a standby replays): the libsodium key
 * from the site's Secret and how to read it. Spilo copies `<prefix>WALG_LIBSODIUM_KEY` and
 * `<prefix>WALG_LIBSODIUM_KEY_TRANSFORM` into WAL-G's environment (configure_spilo.py write_wale_environment,
 * walg_names, at 3.0-p1 and 4.0-p3); WAL-G then encrypts every object it uploads and decrypts every one it reads
 * (wal-g@v2.0.1 internal/fetch_helper.go DecryptBytes), and `base64` is one of its key transforms
 * (internal/crypto/libsodium/keytransform.go). The transform is no secret, but it sits beside the key: a pod gets
 * both or neither. `secret` holds the key as `WALG_LIBSODIUM_KEY`.
 */
function encryptionEnv(secret: string, prefix: '' | 'CLONE_' | 'STANDBY_'): SpiloEnvVar[] {
  return [
    { name: `${prefix}${ENCRYPTION_KEY}`, valueFrom: { secretKeyRef: { name: secret, key: ENCRYPTION_KEY } } },
    { name: `${prefix}WALG_LIBSODIUM_KEY_TRANSFORM`, value: 'base64' },
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
  const { backups } = resolveSite(site);
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
  const entries: [string, string][] = [
    ...Object.entries(s3),
    ...Object.entries(s3).map(([k, v]): [string, string] => [`CLONE_${k}`, v]),
    ['BACKUP_SCHEDULE', backups.schedule],
    ['BACKUP_NUM_TO_RETAIN', String(backups.retain)],
  ];
  return Object.fromEntries(entries.sort(([a], [b]) => byText(a, b)));
}

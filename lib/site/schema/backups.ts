import { z } from 'zod';
import { quoted } from '../schema-kit';
import { DEFAULTS } from '../defaults';

/**
 * Continuous WAL archiving and daily base backups of every Postgres cluster with WAL-G
 * (Spilo), into the site's S3 store (the MinIO tenant or the Ceph object store, object-store.ts):
 * what point-in-time recovery restores from.
 */
export const BackupSchema = z
  .strictObject({
    bucket: z
      .string()
      .describe(
        "minio: a bucket of the tenant (listed in minio.buckets). ceph-object-store: the prefix of each Postgres namespace's bucket, '<bucket>-<namespace>' (also its ObjectBucketClaim and Secret)",
      ),
    credentialsSecret: z
      .string()
      .optional()
      .describe(
        "minio: Secret in each Postgres namespace with keys AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and their CLONE_ copies (a MinIO user allowed on the bucket), never a value in git; required. ceph-object-store: none, the claims' Secrets hold the keys",
      ),
    encryptionKeySecret: z
      .string()
      .optional()
      .describe(
        "Secret in each Postgres namespace with key WALG_LIBSODIUM_KEY: 32 random bytes in base64 ('openssl rand -base64 32'), created at deploy time, never in git. WAL-G encrypts WAL and base backups with it before upload (libsodium): the S3 store holds ciphertext only. Losing it loses every backup. Default: none, backups stored in clear",
      ),
    schedule: z
      .string()
      .optional()
      .describe(`Base backup schedule (5-field cron, UTC). Default: ${quoted(DEFAULTS.backups.schedule)}`),
    retain: z
      .number()
      .optional()
      .describe(
        `Base backups kept (Spilo keeps at least this many, and those of the last as many days). Default: ${DEFAULTS.backups.retain}`,
      ),
  })
  .describe("WAL-G backups of every cluster into the site's S3 store (s3.provider). Default: no backups");
export type PostgresBackupSpec = z.infer<typeof BackupSchema>;

/** Point-in-time recovery: a new cluster restored from another one's backups, up to a moment. */
export const CloneSchema = z
  .strictObject({
    cluster: z.string().describe('Name of the source cluster (declared in this site)'),
    uid: z
      .string()
      .describe(
        "metadata.uid of the source postgresql object: its backups live under that id (kubectl get pg <name> -o jsonpath='{.metadata.uid}')",
      ),
    timestamp: z
      .string()
      .describe(
        "Recover up to just before this moment, with an explicit offset: '2026-11-24T18:00:00+00:00' (the operator refuses 'Z')",
      ),
  })
  .describe("Create this cluster by point-in-time recovery from another one's backups. Default: a new, empty cluster");

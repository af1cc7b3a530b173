import { PostgresBackupSpec } from './schema/backups';
import type { PostgresClusterSpec, Site } from './model';
import { cronProblem } from './cron';
import { isDnsSubdomain, secretNameIssues } from './names';
import { s3ProviderOf } from './object-store';
import type { SiteIssue } from './issues';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** The postgresql CRD's pattern for clone.timestamp: a numeric UTC offset is required. */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?[+-]\d{2}:\d{2}$/;

export function validateBackups(site: Site): SiteIssue[] {
  const backups = site.postgres.backups;
  if (!backups) return [];
  const issues: SiteIssue[] = [];
  if (s3ProviderOf(site) === 'minio') issues.push(...minioBackupIssues(site, backups));
  const cron = backups.schedule === undefined ? undefined : cronProblem(backups.schedule);
  if (cron)
    issues.push({
      path: 'postgres.backups.schedule',
      message: `'${backups.schedule}' is not a cron schedule: ${cron}`,
    });
  issues.push(
    ...secretNameIssues('postgres.backups.encryptionKeySecret', backups.encryptionKeySecret, 'postgres-backup-key'),
  );
  if (backups.retain !== undefined && (!Number.isInteger(backups.retain) || backups.retain < 2)) {
    issues.push({
      path: 'postgres.backups.retain',
      message: `${backups.retain} base backups: keep at least 2 (Spilo's minimum)`,
    });
  }
  return issues;
}

/** The MinIO provider's bucket and the admin's credentials Secret (the ceph-object-store's are object-store.ts's). */
function minioBackupIssues(site: Site, backups: PostgresBackupSpec): SiteIssue[] {
  const issues: SiteIssue[] = [];
  if (!site.minio) {
    issues.push({
      path: 'postgres.backups',
      message:
        "backups go to the site's MinIO tenant (s3.provider 'minio'), and this site has none: add minio (with the bucket), use s3: { provider: 'ceph-object-store' } with ceph, or remove backups",
    });
  } else if (!(site.minio.buckets ?? []).includes(backups.bucket)) {
    issues.push({
      path: 'postgres.backups.bucket',
      message: `bucket '${backups.bucket}' is not created by the tenant: add it to minio.buckets`,
    });
  }
  if (!isDnsSubdomain(backups.credentialsSecret)) {
    issues.push({
      path: 'postgres.backups.credentialsSecret',
      message: `must name the Secret holding the S3 keys (e.g. 'postgres-backup-s3'), got '${backups.credentialsSecret ?? ''}': create it with kubectl (docs/minio-backups.md)`,
    });
  }
  return issues;
}

export function validateClone(site: Site, pg: PostgresClusterSpec, path: string): SiteIssue[] {
  const clone = pg.clone;
  if (!clone) return [];
  const issues: SiteIssue[] = [];
  if (!site.postgres.backups) {
    issues.push({
      path: `${path}.clone`,
      message:
        'point-in-time recovery restores from WAL backups, and this site has none: configure postgres.backups first',
    });
  }
  const names = site.postgres.clusters.map((c) => c.name);
  if (!names.includes(clone.cluster) || clone.cluster === pg.name) {
    issues.push({
      path: `${path}.clone.cluster`,
      message: `source cluster '${clone.cluster}' is not another cluster of this site (it has ${names.join(', ')}): name the cluster whose backups to restore`,
    });
  }
  if (!UUID.test(clone.uid)) {
    issues.push({
      path: `${path}.clone.uid`,
      message: `'${clone.uid}' is not a UID: take the source's metadata.uid (kubectl get postgresql ${clone.cluster} -o jsonpath='{.metadata.uid}')`,
    });
  }
  if (!TIMESTAMP.test(clone.timestamp)) {
    issues.push({
      path: `${path}.clone.timestamp`,
      message: `'${clone.timestamp}' has no numeric time zone offset: write it like 2026-11-24T18:00:00+00:00 (the operator refuses 'Z' and local times)`,
    });
  }
  return issues;
}

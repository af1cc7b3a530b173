import type { Site } from '../../lib/site/model';
import { lab } from '../../sites/lab';
import { withSite } from './render';

/**
 * `lab` while its backups move to the current train's object store: it keeps its MinIO tier at the
 * runbook train's operator (`acceptUnsupported`, a warning: the MinIO operator is unmaintained), with
 * OIDC, KES, the audit webhook and the console exposed, every secret by reference. Tests of MinIO's
 * options, and of a site keeping MinIO on the current train, use it (docs/operations.md, "Move a site
 * to the next train").
 */
export const labOnMinio: Site = withSite(lab, (s) => {
  s.s3 = { provider: 'minio' };
  s.acceptUnsupported = ['minioOperator'];
  s.versions = { minioOperator: 'v5.0.6', minio: 'RELEASE.2023-06-23T20-26-00Z', kes: '2023-05-02T22-48-10Z' };
  s.minio = {
    rootCredentialsSecret: 'minio-root',
    buckets: ['postgres-backups'],
    openid: {
      configUrl: 'https://sso.lab.example.org/realms/lab/.well-known/openid-configuration',
      clientId: 'minio',
      clientSecret: { name: 'minio-openid', key: 'client-secret' },
    },
    kes: { configSecret: 'minio-kes-config', keyName: 'minio-default' },
    auditWebhook: {
      endpoint: 'https://audit.lab.example.org/minio',
      authToken: { name: 'minio-audit-token', key: 'token' },
    },
  };
  s.loadBalancers!.expose = { ...s.loadBalancers!.expose, minioConsole: true };
  s.postgres.backups = { ...s.postgres.backups!, credentialsSecret: 'postgres-backup-s3' };
});

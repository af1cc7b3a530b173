import { MinioChart } from '../charts/minio';
import { MinioOperatorChart } from '../charts/minio-operator';
import type { Component } from './component';

/** MinIO: the operator, then the Tenant on the s3 nodes (the Postgres backups' bucket). */
export const minio: Component = {
  name: 'minio',
  enabled: (site) => site.minio !== undefined,
  charts: (app, site) => (site.minio ? [new MinioOperatorChart(app, site), new MinioChart(app, site, site.minio)] : []),
};

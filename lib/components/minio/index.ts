import { CONSOLE_PORT, MinioChart, TENANT_LABEL } from './minio';
import { TENANT_IMPACTS } from './impacts';
import { MinioOperatorChart } from './minio-operator';
import { WAVES } from '../../constructs/argocd-sync';
import { minioPools, validateMinio } from '../../site/minio';
import { resolveSite } from '../../site/resolve';
import { providedStorageClasses } from '../../site/validate';
import type { Component } from '../component';
import { asArray, asRecord } from '../../core/records';
import type { RenderedObject } from '../../core/objects';
import { className, containerRequests, onePerHost, type Workload } from '../../core/workloads';

/** MinIO Tenant: `servers` pods per pool (the Tenant's priorityClassName is on every pool's pods). */
function fromTenant(from: RenderedObject): Workload[] {
  const spec = asRecord(from.obj.spec);
  return asArray(spec.pools)
    .map(asRecord)
    .map((pool, i) => {
      const affinity = asRecord(pool.affinity);
      return {
        from,
        label: `MinIO servers of pool ${typeof pool.name === 'string' ? pool.name : i}`,
        replicas: typeof pool.servers === 'number' ? pool.servers : 1,
        onePerNode: onePerHost(affinity),
        placement: {
          nodeSelector: pool.nodeSelector,
          nodeAffinity: affinity.nodeAffinity,
          tolerations: pool.tolerations,
        },
        requests: containerRequests(pool.resources),
        ...className(spec.priorityClassName),
      };
    });
}

/** MinIO: the operator, then the Tenant on the s3 nodes (the Postgres backups' bucket). */
export const minio: Component = {
  name: 'minio',
  summary: 'the MinIO operator, then the Tenant on the s3 nodes',
  enabledWhen: '`minio`',
  waves: { 'minio-operator': WAVES.operators, minio: WAVES.storage },
  enabled: (site) => site.minio !== undefined,
  charts: (app, site) => {
    const {
      minio,
      catalog: { versions, images },
      upstream,
    } = resolveSite(site);
    if (!minio) return [];
    return [
      new MinioOperatorChart(app, 'minio-operator', {
        version: versions.minioOperator,
        chart: upstream.charts.minioOperator,
      }),
      new MinioChart(app, 'minio', {
        minio,
        pools: minioPools(site, minio),
        images: { minio: images.minio, kes: images.kes },
      }),
    ];
  },
  workloads: { 'minio.min.io/Tenant': fromTenant },
  impacts: TENANT_IMPACTS,
  exposes: [
    {
      key: 'minioConsole',
      service: (site) => {
        const { minio } = resolveSite(site);
        return minio
          ? {
              name: `${minio.tenant}-console-external`,
              namespace: minio.namespace,
              selector: { [TENANT_LABEL]: minio.tenant },
              port: CONSOLE_PORT,
              targetPort: CONSOLE_PORT,
            }
          : { missing: 'the site has no minio: add it or drop the option' };
      },
    },
  ],
  validate: (site) => validateMinio(site, providedStorageClasses(site)),
};

import { isQuantity, parseQuantity } from '../core/quantity';
import type { Site } from './model';
import { resolveSite, storageNodes } from './resolve';
import type { SiteIssue } from './issues';
import { THIN_PROVISIONING } from './acknowledge';

/**
 * Capacity of what is stored, not only of CPU and memory: the volumes requested on Ceph's block StorageClass
 * (every Postgres instance's, every Prometheus replica's) times the pool's copies, against the raw disks of the
 * storage nodes serving it. Ceph warns at 85 % (mon_osd_nearfull_ratio) and stops writes at 95 % (full ratio), so
 * check warns from 85 % and synth refuses past 100 % unless the site acknowledges thin provisioning
 * (`acknowledge: [{ change: 'thin provisioning on rook-ceph-block', reason }]`): RBD images are thin, and a site may
 * knowingly promise more than it has.
 */
export interface StorageUse {
  readonly storageClass: string;
  /** Bytes the volumes ask for, before replication. */
  readonly requested: number;
  readonly copies: number;
  /** Bytes of the storage nodes' disks. */
  readonly raw: number;
  /** requested × copies / raw. */
  readonly ratio: number;
}

/** Ceph's mon_osd_nearfull_ratio: HEALTH_WARN from there. */
export const NEARFULL = 0.85;

const bytes = (q: string) => (isQuantity(q) ? parseQuantity(q) : 0);

/** The block StorageClass's use, when the site runs Ceph. */
export function blockStorageUse(site: Site): StorageUse | undefined {
  const { ceph, monitoring } = resolveSite(site);
  if (!ceph) return undefined;
  const storageClass = ceph.blockStorageClass;
  const pg = site.postgres.clusters
    .filter((c) => c.volume.storageClass === storageClass)
    .reduce((n, c) => n + bytes(c.volume.size) * c.numberOfInstances, 0);
  const prometheus = site.monitoring?.prometheus?.storage;
  const metrics =
    prometheus?.storageClass === storageClass ? bytes(prometheus.size) * (monitoring?.prometheusReplicas ?? 1) : 0;
  const raw = storageNodes(site)
    .withDisks.flatMap((n) => n.disks ?? [])
    .reduce((n, d) => n + bytes(d.size), 0);
  const requested = pg + metrics;
  return {
    storageClass,
    requested,
    copies: ceph.poolSize,
    raw,
    ratio: raw > 0 ? (requested * ceph.poolSize) / raw : 0,
  };
}

/** Whole GiB: disks and volumes are sized in them. */
const gib = (n: number) => `${Math.round(n / 2 ** 30)}Gi`;

/** `350Gi × 3 copies = 1050Gi of 1200Gi raw (88 %)`. */
export const storageUseText = (u: StorageUse): string =>
  `${gib(u.requested)} × ${u.copies} copies = ${gib(u.requested * u.copies)} of ${gib(u.raw)} raw (${Math.round(u.ratio * 100)} %)`;

const thinProvisioning = (storageClass: string): string => `thin provisioning on ${storageClass}`;

/** Past 100 %: refused unless the site acknowledges thin provisioning on the class, which it may keep only then. */
export function storageCapacityIssues(site: Site): SiteIssue[] {
  const use = blockStorageUse(site);
  const acknowledged = (site.acknowledge ?? []).findIndex((a) => THIN_PROVISIONING.test(a.change));
  if (
    acknowledged >= 0 &&
    (!use || use.ratio <= 1 || site.acknowledge![acknowledged].change !== thinProvisioning(use.storageClass))
  )
    return [
      {
        path: `acknowledge[${acknowledged}].change`,
        message: `'${site.acknowledge![acknowledged].change}' no longer applies (${use ? `the volumes on ${use.storageClass} need ${storageUseText(use)}` : 'the site runs no Ceph'}): remove this entry`,
      },
    ];
  if (!use || use.ratio <= 1 || acknowledged >= 0) return [];
  return [
    {
      path: 'postgres.clusters',
      message: `the volumes on ${use.storageClass} need ${storageUseText(use)}: Ceph stops writes at 95 % full; lower volume sizes or pool size, add disks to the storage nodes, or promise more than there is knowingly with acknowledge: [{ change: '${thinProvisioning(use.storageClass)}', reason: '<why>' }]`,
    },
  ];
}

import type { BootstrapSpec } from './schema/bootstrap';
import type { CephSpec } from './schema/ceph';
import type { MinioSpec } from './schema/minio';
import type { PostgresBackupSpec } from './schema/backups';
import type { ConnectionPoolerSpec, PostgresClusterSpec, ResourceAmounts, Site, SiteNode } from './model';
import type { MonitoringSpec, PostgresAlertThresholds } from './schema/monitoring';
import { nodesWithRole } from './roles';
import { catalogOf, type Catalog } from './catalog';
import { upstreamOf, type Upstream } from '../upstream';
import { byText } from '../core/order';
import { DEFAULTS } from './defaults';

/** Namespaces holding Postgres clusters, sorted. */
export function postgresNamespaces(site: Site): string[] {
  return [...new Set(site.postgres.clusters.map(clusterNamespace))].sort(byText);
}

/** The site's ceph section with its defaults applied. */
export interface ResolvedCeph extends CephSpec {
  readonly blockStorageClass: string;
  /** 3, or 1 with fewer than 3 storage nodes. */
  readonly monCount: number;
  /** 2, or 1 with a single storage node. */
  readonly mgrCount: number;
  /** 3, or the storage nodes with disks when fewer (one copy per host). */
  readonly poolSize: number;
  readonly reclaimPolicy: 'Retain' | 'Delete';
  readonly dashboard: boolean;
  readonly toolbox: boolean;
  readonly certManager: boolean;
}

/** The site's minio section with its defaults applied. */
export interface ResolvedMinio extends MinioSpec {
  /** OpenID login with the claim and scopes resolved. @default - none */
  readonly openid?: NonNullable<MinioSpec['openid']> & {
    readonly claimName: string;
    readonly scopes: readonly string[];
  };
  readonly tenant: string;
  readonly namespace: string;
  readonly autoCert: boolean;
  readonly publicMetrics: boolean;
  /**
   * The tenant's volumes' StorageClass: the one given, else minio-local (local PersistentVolumes from the inventory).
   */
  readonly storageClass: string;
  /** Without one given, synth renders the minio-local class and a local PersistentVolume per disk. */
  readonly localVolumes: boolean;
  readonly buckets: string[];
  /** The tenant's S3 endpoint inside the cluster (Service `minio`: 443 with TLS, 80 without). */
  readonly endpoint: string;
}

type ResolvedBackups = PostgresBackupSpec & { readonly schedule: string; readonly retain: number };

/** Requests and limits of a container. */
interface ResolvedResources {
  readonly requests: ResourceAmounts;
  readonly limits: ResourceAmounts;
}

/**
 * A cluster's connectionPooler section with the operator's defaults applied (maxDBConnections only when given: the
 * operator's own otherwise).
 */
export interface ResolvedPooler extends ConnectionPoolerSpec {
  readonly numberOfInstances: number;
  readonly mode: NonNullable<ConnectionPoolerSpec['mode']>;
  readonly resources: ResolvedResources;
}

/** A cluster (postgres.clusters[]) with its defaults applied. */
export interface ResolvedCluster extends PostgresClusterSpec {
  readonly namespace: string;
  readonly resources: ResolvedResources;
  readonly securityContext: { readonly runAsUser: number; readonly runAsGroup: number; readonly fsGroup: number };
  readonly enableConnectionPooler: boolean;
  readonly enableReplicaConnectionPooler: boolean;
  readonly connectionPooler: ResolvedPooler;
  readonly enableMasterLoadBalancer: boolean;
  readonly enableReplicaLoadBalancer: boolean;
}

/** A site with every default applied: what the charts, the bootstrap and the checks read. */
export interface ResolvedSite {
  /** The site's versions and images: its train's with its overrides (catalog.ts). */
  readonly catalog: Catalog;
  /** The pinned upstream files of those versions (lib/upstream.ts), listed when first read. */
  readonly upstream: Upstream;
  /** The namespaces of the clusters, sorted, each once. */
  readonly postgresNamespaces: readonly string[];
  /** The clusters, in the site's order. */
  readonly clusters: readonly ResolvedCluster[];
  readonly serviceSubnet: string;
  readonly operatorNamespace: string;
  /** Without Ceph: undefined. */
  readonly ceph?: ResolvedCeph;
  /** Without MinIO: undefined. */
  readonly minio?: ResolvedMinio;
  /** Without backups: undefined. */
  readonly backups?: ResolvedBackups;
  readonly bootstrap: Required<BootstrapSpec>;
  /** Without monitoring: undefined. */
  readonly monitoring?: { readonly prometheusReplicas: number };
}

/** The storage nodes and the ones among them with raw disks (OSDs). */
export function storageNodes(site: Site): { all: SiteNode[]; withDisks: SiteNode[] } {
  const all = nodesWithRole(site, 'storage');
  return { all, withDisks: all.filter((n) => (n.disks ?? []).length > 0) };
}

function resolveCeph(site: Site, spec: CephSpec): ResolvedCeph {
  const { all, withDisks } = storageNodes(site);
  const d = DEFAULTS.ceph;
  return {
    ...spec,
    blockStorageClass: spec.blockStorageClass ?? d.blockStorageClass,
    monCount: spec.monCount ?? (all.length >= 3 ? 3 : 1),
    mgrCount: spec.mgrCount ?? (all.length >= 2 ? 2 : 1),
    poolSize: spec.poolSize ?? Math.max(1, Math.min(3, withDisks.length)),
    reclaimPolicy: spec.reclaimPolicy ?? d.reclaimPolicy,
    dashboard: spec.dashboard ?? d.dashboard,
    toolbox: spec.toolbox ?? d.toolbox,
    certManager: spec.certManager ?? d.certManager,
  };
}

function resolveMinio(spec: MinioSpec): ResolvedMinio {
  const d = DEFAULTS.minio;
  const namespace = spec.namespace ?? d.namespace;
  const autoCert = spec.autoCert ?? d.autoCert;
  const { openid, ...rest } = spec;
  return {
    ...rest,
    ...(openid
      ? {
          openid: {
            ...openid,
            claimName: openid.claimName ?? d.openidClaimName,
            scopes: openid.scopes ?? [...d.openidScopes],
          },
        }
      : {}),
    storageClass: spec.storageClass ?? d.storageClass,
    localVolumes: spec.storageClass === undefined,
    buckets: spec.buckets ?? d.buckets,
    tenant: spec.tenant ?? d.tenant,
    namespace,
    autoCert,
    publicMetrics: spec.publicMetrics ?? d.publicMetrics,
    endpoint: `${autoCert ? 'https' : 'http'}://minio.${namespace}.svc.cluster.local`,
  };
}

const resolved = new WeakMap<Site, ResolvedSite>();

/** The site with every default applied, computed once per site object. */
export function resolveSite(site: Site): ResolvedSite {
  const known = resolved.get(site);
  if (known) return known;
  const { backups } = site.postgres;
  const catalog = catalogOf(site);
  const r: ResolvedSite = {
    catalog,
    // read on first use: validation resolves sites whose versions may name no pinned files (it refuses them)
    get upstream() {
      return upstreamOf(catalog.versions);
    },
    postgresNamespaces: postgresNamespaces(site),
    clusters: site.postgres.clusters.map(resolveCluster),
    serviceSubnet: site.kubernetes.serviceSubnet ?? DEFAULTS.serviceSubnet,
    operatorNamespace: site.postgres.operator?.namespace ?? DEFAULTS.operatorNamespace,
    ...(site.ceph ? { ceph: resolveCeph(site, site.ceph) } : {}),
    ...(site.minio ? { minio: resolveMinio(site.minio) } : {}),
    ...(backups
      ? {
          backups: {
            ...backups,
            schedule: backups.schedule ?? DEFAULTS.backups.schedule,
            retain: backups.retain ?? DEFAULTS.backups.retain,
          },
        }
      : {}),
    bootstrap: { installArgoCd: site.bootstrap?.installArgoCd ?? DEFAULTS.installArgoCd },
    ...(site.monitoring
      ? { monitoring: { prometheusReplicas: site.monitoring.prometheus?.replicas ?? DEFAULTS.prometheusReplicas } }
      : {}),
  };
  resolved.set(site, r);
  return r;
}

function resolveCluster(pg: PostgresClusterSpec): ResolvedCluster {
  const pooler = pg.connectionPooler ?? {};
  const d = DEFAULTS.pooler;
  return {
    ...pg,
    namespace: clusterNamespace(pg),
    resources: pg.resources ?? DEFAULTS.spiloResources,
    securityContext: pg.securityContext ?? DEFAULTS.spiloSecurityContext,
    enableConnectionPooler: pg.enableConnectionPooler ?? false,
    enableReplicaConnectionPooler: pg.enableReplicaConnectionPooler ?? false,
    connectionPooler: {
      ...pooler,
      numberOfInstances: pooler.numberOfInstances ?? d.numberOfInstances,
      mode: pooler.mode ?? d.mode,
      resources: pooler.resources ?? d.resources,
    },
    enableMasterLoadBalancer: pg.enableMasterLoadBalancer ?? false,
    enableReplicaLoadBalancer: pg.enableReplicaLoadBalancer ?? false,
  };
}

/** The namespace of a cluster. */
export function clusterNamespace(pg: Pick<PostgresClusterSpec, 'namespace'>): string {
  return pg.namespace ?? DEFAULTS.postgresNamespace;
}

/** The alert thresholds of one cluster: its own, else the site's, else the defaults. */
export function thresholdsOf(spec: MonitoringSpec, pg: PostgresClusterSpec): PostgresAlertThresholds {
  return { ...DEFAULTS.thresholds, ...spec.thresholds, ...pg.alerts };
}

import { App } from 'cdk8s';
import {
  CephBlockPool,
  CephCluster,
  CephClusterSpecResourcesLimits,
  CephClusterSpecResourcesRequests,
  type CephClusterSpecResources,
} from '../../../imports/ceph.rook.io';
import {
  KubeConfigMap,
  KubeDeployment,
  KubeStorageClass,
  type Container,
  type Toleration,
  type Volume,
} from '../../../imports/k8s';
import { AppChart } from '../../constructs/app-chart';
import { addSyncOptions, protectData } from '../../constructs/argocd-sync';
import { HARDENED_POD, hardenedContainer, resources } from '../../constructs/hardening';
import { upstreamObject } from '../../constructs/upstream-manifest';
import { BLOCK_POOL, ROOK_NAMESPACE, type CephResources, type DaemonResources } from '../../site/ceph';
import type { ResolvedCeph } from '../../site/resolve';
import { BLOCK_DEVICE_CLASS, S3_DEVICE_CLASS } from '../../site/object-store';
import type { SiteNode } from '../../site/model';
import { requiredNodeAffinity, requiredNodeAffinityAny, roleToleration } from '../../site/roles';
import type { Manifest, UpstreamFile } from '../../upstream';

const CEPH_CLUSTER = 'rook-ceph';
const MiB = 2 ** 20;

/** `/dev/vdb` → `vdb` (Rook's device name); stable paths (`/dev/disk/by-id/…`) stay whole. */
export function rookDeviceName(device: string): string {
  return /^\/dev\/[^/]+$/.test(device) ? device.slice('/dev/'.length) : device;
}

/** A daemon's requests (cpu, memory) and its memory limit; no CPU limit (throttling breaks heartbeats). */
function daemonResources(r: DaemonResources): CephClusterSpecResources {
  const mi = (bytes: number) => `${bytes / MiB}Mi`;
  return {
    requests: {
      cpu: CephClusterSpecResourcesRequests.fromString(`${Math.round(r.cpuRequest * 1000)}m`),
      memory: CephClusterSpecResourcesRequests.fromString(mi(r.memoryRequest)),
    },
    limits: { memory: CephClusterSpecResourcesLimits.fromString(mi(r.memoryLimit)) },
  };
}

/** ceph.conf lines Rook merges into every daemon's config (the rook-config-override ConfigMap). */
export function cephConfigOverride(sizes: CephResources): string {
  return `[mon]\nmon_memory_target = ${sizes.monMemoryTarget}\n[osd]\nosd_memory_target = ${sizes.osdMemoryTarget}\n`;
}

/**
 * The CephCluster on the storage nodes' raw disks, the replicated block pool, and the
 * `rook-ceph-block` StorageClass: the runbook's Rook section, placed and sized from the model.
 */
export interface RookCephClusterProps {
  /** The site's ceph section, resolved. */
  readonly ceph: ResolvedCeph;
  /** The daemons' sizes, from the storage nodes (cephResources). */
  readonly sizes: CephResources;
  /** The nodes whose raw disks become OSDs (osdHosts). */
  readonly osdHosts: readonly SiteNode[];
  /** The site's S3 is the Ceph object store: the s3 nodes' disks are OSDs too, of their own device class. */
  readonly objectStore: boolean;
  /** The Ceph image, and Rook's for the toolbox. */
  readonly images: { readonly ceph: string; readonly rook: string };
  /** The pinned toolbox example (toolbox.yaml). */
  readonly toolbox: UpstreamFile;
  /** The pinned RBD StorageClass example (csi/rbd/storageclass.yaml). */
  readonly blockStorageClass: UpstreamFile;
}

/**
 * The parameters of Rook's RBD StorageClass example of the pinned tag (its CSI secrets: provisioner, controller-expand,
 * node-stage, and controller-publish since v1.20, which fencing needs), on our pool, in our namespace.
 */
function rbdStorageClass(file: UpstreamFile): { provisioner: string; parameters: Record<string, string> } {
  const example = upstreamObject(file, 'StorageClass', 'rook-ceph-block') as Manifest & {
    provisioner: string;
    parameters: Record<string, string>;
  };
  const namespaces = Object.keys(example.parameters).filter((k) => k.endsWith('-secret-namespace'));
  return {
    provisioner: example.provisioner,
    parameters: {
      ...example.parameters,
      clusterID: ROOK_NAMESPACE,
      pool: BLOCK_POOL,
      // layering only: the kernel RBD client of Debian 11/12 maps it; newer features need newer kernels
      imageFeatures: 'layering',
      ...Object.fromEntries(namespaces.map((k) => [k, ROOK_NAMESPACE])),
    },
  };
}

export class RookCephClusterChart extends AppChart {
  constructor(scope: App, id: string, props: RookCephClusterProps) {
    super(scope, id, {
      namespace: ROOK_NAMESPACE,
      description: 'CephCluster on the storage nodes, block pool, StorageClass rook-ceph-block',
    });
    const { ceph, sizes, objectStore } = props;
    const toleration = roleToleration('storage');
    const deviceClass = (n: SiteNode) =>
      objectStore ? { config: { deviceClass: n.roles.includes('s3') ? S3_DEVICE_CLASS : BLOCK_DEVICE_CLASS } } : {};
    const tolerations = toleration ? [toleration] : [];

    const cluster = new CephCluster(this, 'Cluster', {
      metadata: { name: CEPH_CLUSTER, namespace: ROOK_NAMESPACE },
      spec: {
        cephVersion: { image: props.images.ceph, allowUnsupported: false },
        dataDirHostPath: '/var/lib/rook',
        skipUpgradeChecks: false,
        continueUpgradeAfterChecksEvenIfNotHealthy: false,
        waitTimeoutForHealthyOsdInMinutes: 10,
        mon: { count: ceph.monCount, allowMultiplePerNode: false },
        mgr: { count: ceph.mgrCount, allowMultiplePerNode: false, modules: [{ name: 'pg_autoscaler', enabled: true }] },
        dashboard: { enabled: ceph.dashboard, ssl: true },
        // the monitoring app renders the mgr's ServiceMonitor itself
        monitoring: { enabled: false },
        crashCollector: { disable: false },
        // the runbook's placement: every Ceph daemon on the storage nodes, tolerating their taint;
        // with the object store OSDs (and the crash collectors) also on the s3 nodes, mons and mgrs not
        placement: objectStore
          ? {
              all: { nodeAffinity: requiredNodeAffinityAny(['storage', 's3']), tolerations },
              // their own tolerations too (Rook appends them to all's): each placement reads whole
              mon: { nodeAffinity: requiredNodeAffinity('storage'), tolerations },
              mgr: { nodeAffinity: requiredNodeAffinity('storage'), tolerations },
            }
          : { all: { nodeAffinity: requiredNodeAffinity('storage'), tolerations } },
        resources: {
          mon: daemonResources(sizes.mon),
          mgr: daemonResources(sizes.mgr),
          osd: daemonResources(sizes.osd),
        },
        removeOsDsIfOutAndSafeToRemove: false,
        priorityClassNames: {
          mon: 'system-node-critical',
          osd: 'system-node-critical',
          mgr: 'system-cluster-critical',
        },
        // OSDs only on the disks of the inventory, never whatever empty disk a node happens to have
        storage: {
          useAllNodes: false,
          useAllDevices: false,
          nodes: props.osdHosts.map((n) => ({
            name: n.name,
            ...deviceClass(n),
            devices: (n.disks ?? []).map((d) => ({ name: rookDeviceName(d.device) })),
          })),
        },
        disruptionManagement: { managePodBudgets: true, osdMaintenanceTimeout: 30 },
      },
    });

    new KubeConfigMap(this, 'ConfigOverride', {
      metadata: { name: 'rook-config-override', namespace: ROOK_NAMESPACE },
      data: { config: cephConfigOverride(sizes) },
    });

    const pool = new CephBlockPool(this, 'Pool', {
      metadata: { name: BLOCK_POOL, namespace: ROOK_NAMESPACE },
      // with the object store: the storage nodes' OSDs only, never the s3 nodes' that hold the backups
      spec: {
        failureDomain: 'host',
        ...(objectStore ? { deviceClass: BLOCK_DEVICE_CLASS } : {}),
        replicated: { size: ceph.poolSize, requireSafeReplicaSize: ceph.poolSize > 1 },
      },
    });

    const storageClass = new KubeStorageClass(this, 'StorageClass', {
      metadata: { name: ceph.blockStorageClass },
      ...rbdStorageClass(props.blockStorageClass),
      reclaimPolicy: ceph.reclaimPolicy,
      allowVolumeExpansion: true,
      volumeBindingMode: 'Immediate',
    });

    for (const obj of [cluster, pool, storageClass]) protectData(obj);
    // their CRDs come with the operator app, a wave earlier
    for (const obj of [cluster, pool]) addSyncOptions(obj, 'SkipDryRunOnMissingResource=true');

    if (ceph.toolbox) this.addToolbox(props.toolbox, props.images.rook);
  }

  /**
   * rook-ceph-tools from the pinned example, hardened: `kubectl -n rook-ceph exec deploy/rook-ceph-tools -- ceph
   * status`.
   */
  private addToolbox(toolbox: UpstreamFile, rookImage: string): void {
    const upstream = upstreamObject(toolbox, 'Deployment', 'rook-ceph-tools') as Manifest & {
      spec: { template: { spec: { containers: Container[]; volumes: Volume[]; tolerations: Toleration[] } } };
    };
    const [container] = upstream.spec.template.spec.containers;
    const labels = { app: 'rook-ceph-tools' };
    new KubeDeployment(this, 'Toolbox', {
      metadata: { name: 'rook-ceph-tools', namespace: ROOK_NAMESPACE, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            securityContext: HARDENED_POD,
            containers: [
              {
                ...container,
                image: rookImage,
                resources: resources({ cpu: '10m', memory: '64Mi' }, { cpu: '500m', memory: '256Mi' }),
                securityContext: { ...hardenedContainer(2016), runAsGroup: 2016 },
                volumeMounts: [...(container.volumeMounts ?? []), { name: 'tmp', mountPath: '/tmp' }],
              },
            ],
            volumes: [...upstream.spec.template.spec.volumes, { name: 'tmp', emptyDir: {} }],
            tolerations: upstream.spec.template.spec.tolerations,
          },
        },
      },
    });
  }
}

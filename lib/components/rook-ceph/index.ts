import { RookCephClusterChart } from './rook-ceph-cluster';
import { CEPH_IMPACTS } from './impacts';
import { ROOK_OPERATOR, RookCephOperatorChart } from './rook-ceph-operator';
import { WAVES } from '../../constructs/argocd-sync';
import { cephResources, osdHosts, validateCeph } from '../../site/ceph';
import { cephObjectStoreOn } from '../../site/object-store';
import { resolveSite } from '../../site/resolve';
import { sharedNodeTolerations } from '../../site/roles';
import type { Component } from '../component';
import { asArray, asRecord } from '../../core/records';
import type { RenderedObject } from '../../core/objects';
import { className, containerRequests, type Placement, type Workload } from '../../core/workloads';

/** The app of the CephCluster, its block pool and StorageClass. */
const CLUSTER_APP = 'rook-ceph-cluster';

const MiB = 2 ** 20;
/** Rook warns below these (pkg/operator/ceph/controller/spec.go; mon.go, mgr.go, osd.go of v1.9). */
const ROOK_MINIMUM_MEMORY: Readonly<Record<string, number>> = { mon: 1024 * MiB, mgr: 512 * MiB, osd: 2048 * MiB };

/** Rook merges a daemon's placement over `all`: its nodeAffinity replaces, its tolerations add. */
function rookPlacement(placement: Record<string, unknown>, daemon: string): Placement {
  const all = asRecord(placement.all);
  const own = asRecord(placement[daemon]);
  return {
    nodeAffinity: own.nodeAffinity ?? all.nodeAffinity,
    tolerations: [...asArray(all.tolerations), ...asArray(own.tolerations)],
  };
}

/** CephCluster: mons (one per node unless allowMultiplePerNode), mgrs, and OSDs on the storage nodes' devices. */
function fromCephCluster(from: RenderedObject): Workload[] {
  const spec = asRecord(from.obj.spec);
  const placement = asRecord(spec.placement);
  const resources = asRecord(spec.resources);
  const priorityClasses = asRecord(spec.priorityClassNames);
  const daemon = (
    name: string,
    label: string,
    replicas: Workload['replicas'],
    onePerNode: boolean,
    extra: Partial<Workload> = {},
  ): Workload => ({
    from,
    label,
    replicas,
    onePerNode,
    placement: rookPlacement(placement, name),
    requests: containerRequests(resources[name]),
    minimumMemory: { bytes: ROOK_MINIMUM_MEMORY[name], source: `Rook's minimum for a ${name}` },
    ...className(priorityClasses[name] ?? priorityClasses.all),
    ...extra,
  });
  const mon = asRecord(spec.mon);
  const mgr = asRecord(spec.mgr);
  const monCount = typeof mon.count === 'number' && mon.count > 0 ? mon.count : 3;
  const mgrCount = typeof mgr.count === 'number' && mgr.count > 0 ? mgr.count : 1;
  const storage = asRecord(spec.storage);
  const perDevice = (config: unknown) =>
    Number(asRecord(config).osdsPerDevice ?? asRecord(storage.config).osdsPerDevice ?? 1);
  const nodes = asArray(storage.nodes).map(asRecord);
  const osds =
    nodes.length > 0
      ? [
          daemon('osd', 'Ceph OSDs', nodes.length, false, {
            hosts: nodes.map((n) => ({
              host: String(n.name),
              pods: Math.max(1, asArray(n.devices).length) * perDevice(n.config),
            })),
          }),
        ]
      : storage.useAllNodes === true
        ? [daemon('osd', 'Ceph OSDs', 'every-node', false)]
        : [];
  return [
    daemon('mon', 'Ceph mons', monCount, mon.allowMultiplePerNode !== true),
    daemon('mgr', 'Ceph mgrs', mgrCount, false),
    ...osds,
  ];
}

/** Rook Ceph: the operator, then the CephCluster on the storage nodes, its block pool and StorageClass. */
export const rookCeph: Component = {
  name: 'rook-ceph',
  summary: 'Rook Ceph: the operator, then the CephCluster on the storage nodes, its block pool and StorageClass',
  enabledWhen: '`ceph`',
  waves: { [ROOK_OPERATOR]: WAVES.operators, [CLUSTER_APP]: WAVES.storage },
  enabled: (site) => site.ceph !== undefined,
  charts: (app, site) => {
    const {
      ceph,
      catalog: { versions, images },
      upstream,
    } = resolveSite(site);
    if (!ceph) return [];
    return [
      new RookCephOperatorChart(app, ROOK_OPERATOR, {
        version: versions.rook,
        upstream: upstream.rook,
        image: images.rook,
        certManager: ceph.certManager,
        csiTolerations: sharedNodeTolerations(site, 'postgres'),
      }),
      new RookCephClusterChart(app, CLUSTER_APP, {
        ceph,
        sizes: cephResources(site),
        osdHosts: osdHosts(site),
        objectStore: cephObjectStoreOn(site),
        images: { ceph: images.ceph, rook: images.rook },
        toolbox: upstream.rook.toolbox,
        blockStorageClass: upstream.rook.blockStorageClass,
      }),
    ];
  },
  workloads: { 'ceph.rook.io/CephCluster': fromCephCluster },
  impacts: CEPH_IMPACTS,
  validate: validateCeph,
};

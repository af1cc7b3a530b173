import type { Site, SiteNode } from './model';
import { isQuantity, parseQuantity } from '../core/quantity';
import { nodesWithRole } from './roles';
import { resolveSite, storageNodes } from './resolve';
import { cephObjectStoreOn } from './object-store';
import type { SiteIssue } from './issues';

export const ROOK_NAMESPACE = 'rook-ceph';
/** Monitors below which one failure stops Ceph: a derived count under it is refused, an explicit one accepted. */
const SAFE_MON_COUNT = 3;
export const BLOCK_POOL = 'replicapool';

const MiB = 2 ** 20;
const GiB = 2 ** 30;

/** The nodes whose disks are OSDs: the storage nodes', and the s3 nodes' when they serve the Ceph object store. */
export function osdHosts(site: Site): SiteNode[] {
  const s3 = cephObjectStoreOn(site) ? nodesWithRole(site, 's3').filter((n) => (n.disks ?? []).length > 0) : [];
  return [...storageNodes(site).withDisks, ...s3];
}

/** Requests and limits of a Ceph daemon, in cores and bytes. */
export interface DaemonResources {
  readonly cpuRequest: number;
  readonly memoryRequest: number;
  readonly memoryLimit: number;
}

export interface CephResources {
  readonly mon: DaemonResources;
  readonly mgr: DaemonResources;
  /** Per OSD (one per disk). */
  readonly osd: DaemonResources;
  /** The OSD's cache autotuning target (`osd_memory_target`), below its memory limit. */
  readonly osdMemoryTarget: number;
  /** The mon's cache autotuning target (`mon_memory_target`, Ceph's default 2 GiB), below its memory limit. */
  readonly monMemoryTarget: number;
}

/**
 * Ceph refuses an `osd_memory_target` below `osd_memory_base` + `osd_memory_cache_min`
 * (768 MiB + 128 MiB, Pacific's options.cc `set_min(896_M)`) and keeps its 4 GiB default instead.
 */
export const CEPH_MIN_OSD_MEMORY_TARGET = 896 * MiB;
/** Target / limit: Ceph's own `osd_memory_target_cgroup_limit_ratio`, its RSS stays within 125% of the target. */
const TARGET_RATIO = 0.8;
/** The smallest memory limit an OSD can work in (1120 MiB). */
const MIN_OSD_LIMIT = CEPH_MIN_OSD_MEMORY_TARGET / TARGET_RATIO;

/**
 * Daemon sizes derived from the smallest storage node (or s3 node with OSDs: Rook sizes every OSD
 * alike), since a mon, a mgr and its OSDs may all land on it. Rook's defaults assume big nodes (an OSD targets 4 GiB);
 * the runbook's 2 GiB workers
 * get requests from a proportional share of about 65% of their memory (the rest: OS, kubelet, CSI
 * and network pods), capped at Ceph's recommended sizes on large nodes. An OSD cannot run below
 * Ceph's minimum target, so on small nodes its limit is raised above its request to fit that
 * target: the node is overcommitted and `npm run check` warns. CPU is requested, never limited:
 * throttled OSDs and mons miss heartbeats.
 */
export function cephResources(site: Site): CephResources {
  const { all } = storageNodes(site);
  const withDisks = osdHosts(site);
  const smallest = [...new Set([...all, ...withDisks])].reduce<SiteNode | undefined>(
    (min, n) => (!min || parseQuantity(n.memory) < parseQuantity(min.memory) ? n : min),
    undefined,
  );
  const memory = smallest ? parseQuantity(smallest.memory) : 4 * GiB;
  const cpu = smallest?.cpu ?? 2;
  const osdsPerNode = Math.max(1, ...withDisks.map((n) => (n.disks ?? []).length));
  const budget = memory * 0.65;
  const mib = (bytes: number, cap = Infinity) => Math.floor(Math.min(bytes, cap) / MiB) * MiB;
  const millis = (cores: number) => Math.max(0.1, Math.floor(cores * 10) / 10);
  const fixed = (cpuRequest: number, bytes: number): DaemonResources => ({
    cpuRequest,
    memoryRequest: bytes,
    memoryLimit: bytes,
  });
  const osdShare = mib((budget * 0.6) / osdsPerNode, 5 * GiB);
  const osdMemoryTarget = Math.max(CEPH_MIN_OSD_MEMORY_TARGET, mib(osdShare * TARGET_RATIO, 4 * GiB));
  const mon = fixed(millis(cpu * 0.15), mib(budget * 0.25, 2 * GiB));
  return {
    mon,
    mgr: fixed(millis(cpu * 0.1), mib(budget * 0.15, 1 * GiB)),
    osd: {
      cpuRequest: millis((cpu * 0.35) / osdsPerNode),
      memoryRequest: osdShare,
      memoryLimit: Math.max(osdShare, MIN_OSD_LIMIT),
    },
    osdMemoryTarget,
    monMemoryTarget: mib(mon.memoryLimit * TARGET_RATIO),
  };
}

/** Ceph's placement and sizing rules, checked before anything renders. */
export function validateCeph(site: Site): SiteIssue[] {
  if (!site.ceph) return [];
  const { ceph } = resolveSite(site);
  if (!ceph) return [];
  const { all, withDisks } = storageNodes(site);
  const issues: SiteIssue[] = [];
  if (all.length === 0) {
    issues.push({
      path: 'ceph',
      message: "Ceph needs nodes with role 'storage' (with raw disks): add some or remove ceph",
    });
    return issues;
  }
  site.nodes.forEach((node, i) => {
    if (node.roles.includes('storage') && (node.disks ?? []).length === 0) {
      issues.push({
        path: `nodes[${i}].disks`,
        message: `storage node '${node.name}' has no disk: list its raw devices (e.g. { device: '/dev/vdb', size: '50Gi' }) or drop the 'storage' role`,
      });
    }
    const osds = osdHosts(site).includes(node) ? new Set((node.disks ?? []).map((d) => d.device)).size : 0;
    if (osds > 0 && isQuantity(node.memory) && osds * MIN_OSD_LIMIT > parseQuantity(node.memory)) {
      issues.push({
        path: `nodes[${i}].memory`,
        message: `${node.roles.includes('storage') ? 'storage' : 's3'} node '${node.name}' has ${node.memory} for ${osds} OSD${osds === 1 ? '' : 's'}, an OSD needs at least ${MIN_OSD_LIMIT / MiB}Mi (Ceph refuses an osd_memory_target below ${CEPH_MIN_OSD_MEMORY_TARGET / MiB}Mi): give it more memory or fewer disks`,
      });
    }
  });
  if (site.ceph.monCount === undefined && ceph.monCount < SAFE_MON_COUNT) {
    // derived from the storage nodes: removing one must not silently drop the monitors below a quorum that survives a
    // failure
    issues.push({
      path: 'ceph.monCount',
      message: `${all.length} storage node(s) give ${ceph.monCount} Ceph monitor(s), below the safe floor of ${SAFE_MON_COUNT} (with fewer, one failed monitor stops all I/O): add storage nodes up to ${SAFE_MON_COUNT}, or set ceph.monCount: ${ceph.monCount} to accept it`,
    });
  } else if (!Number.isInteger(ceph.monCount) || ceph.monCount < 1 || ceph.monCount % 2 === 0) {
    issues.push({
      path: 'ceph.monCount',
      message: `${ceph.monCount} mons cannot form a majority that survives a failure: use an odd number (1, 3 or 5)`,
    });
  } else if (ceph.monCount > all.length) {
    issues.push({
      path: 'ceph.monCount',
      message: `${ceph.monCount} mons need as many storage nodes (one mon per node), the site has ${all.length}: lower monCount or add storage nodes`,
    });
  }
  if (!Number.isInteger(ceph.mgrCount) || ceph.mgrCount < 1 || ceph.mgrCount > 2) {
    issues.push({ path: 'ceph.mgrCount', message: `Rook runs 1 or 2 mgrs, not ${ceph.mgrCount}` });
  }
  if (!Number.isInteger(ceph.poolSize) || ceph.poolSize < 1) {
    issues.push({
      path: 'ceph.poolSize',
      message: `pool size ${ceph.poolSize} is not a number of copies: use 1 to ${withDisks.length}`,
    });
  } else if (ceph.poolSize > withDisks.length) {
    issues.push({
      path: 'ceph.poolSize',
      message: `pool size ${ceph.poolSize} needs as many storage nodes with disks (failure domain host), the site has ${withDisks.length}: lower poolSize or add disks`,
    });
  }
  return issues;
}

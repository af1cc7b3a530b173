import { DEFAULTS, poolerName, poolersOf } from '../site/defaults';
import { isQuantity, parseQuantity } from '../site/quantity';
import { asArray, asRecord } from '../core/records';
import { groupKind, type KubeObject, type RenderedObject } from '../core/objects';
import type { Placement } from './scheduling';

/**
 * The pods an object asks for: from a pod template (Deployment, StatefulSet, DaemonSet, Job…)
 * or from a custom resource whose operator runs pods (postgresql, CephCluster, CephObjectStore, Tenant). Kinds
 * that run nothing yield nothing, so new apps are covered as soon as they render a known kind.
 */
export interface PodResources {
  /** Cores. */
  readonly cpu: number;
  /** Bytes. */
  readonly memory: number;
}

export interface Workload {
  readonly from: RenderedObject;
  /** What the pods are, for messages: `Postgres instances of acid-test-cluster`, `Ceph mons`. */
  readonly label: string;
  /** Pods wanted, or one on every eligible node (DaemonSet). */
  readonly replicas: number | 'every-node';
  /** The pods must land on distinct nodes (required anti-affinity, one mon per node…). */
  readonly onePerNode: boolean;
  readonly placement: Placement;
  /** Pods pinned to named nodes (Ceph OSDs on storage.nodes). */
  readonly hosts?: readonly { readonly host: string; readonly pods: number }[];
  /** Requests of one pod, as declared (a missing request counts as its limit, else zero, as Kubernetes does). */
  readonly requests: PodResources;
  /** Memory one pod needs to run at all, per its upstream, when more than the request. */
  readonly minimumMemory?: { readonly bytes: number; readonly source: string };
  /** The pods' PriorityClass: the scheduler preempts lower-priority pods to place them. */
  readonly priorityClassName?: string;
}

const className = (v: unknown): { priorityClassName?: string } => (typeof v === 'string' && v !== '' ? { priorityClassName: v } : {});

const quantity = (v: unknown): number => (typeof v === 'number' ? v : isQuantity(v) ? parseQuantity(v) : 0);

/** Requests of one container: the request, else the limit (Kubernetes defaults requests to limits). */
export function containerRequests(resources: unknown): PodResources {
  const r = asRecord(resources);
  const req = asRecord(r.requests);
  const lim = asRecord(r.limits);
  return { cpu: quantity(req.cpu ?? lim.cpu), memory: quantity(req.memory ?? lim.memory) };
}

const add = (a: PodResources, b: PodResources): PodResources => ({ cpu: a.cpu + b.cpu, memory: a.memory + b.memory });
const ZERO: PodResources = { cpu: 0, memory: 0 };

/** Effective pod requests: the containers' sum, or the largest init container if larger (as the scheduler counts). */
export function podRequests(podSpec: Record<string, unknown>): PodResources {
  const sum = asArray(podSpec.containers).map((c) => containerRequests(asRecord(c).resources)).reduce(add, ZERO);
  const init = asArray(podSpec.initContainers).map((c) => containerRequests(asRecord(c).resources));
  return { cpu: Math.max(sum.cpu, ...init.map((i) => i.cpu)), memory: Math.max(sum.memory, ...init.map((i) => i.memory)) };
}

/** A required pod anti-affinity on the hostname: at most one such pod per node. */
export function onePerHost(affinity: unknown): boolean {
  return asArray(asRecord(asRecord(affinity).podAntiAffinity).requiredDuringSchedulingIgnoredDuringExecution)
    .some((t) => asRecord(t).topologyKey === 'kubernetes.io/hostname');
}

/** The pod spec of an object built from a pod template, and the replicas it asks for. */
export function podTemplateOf(obj: KubeObject): { spec: Record<string, unknown>; replicas: number | 'every-node' } | undefined {
  const spec = asRecord(obj.spec);
  const template = (s: Record<string, unknown>) => asRecord(asRecord(s.template).spec);
  switch (groupKind(obj)) {
    case '/Pod': return { spec, replicas: 1 };
    case 'apps/Deployment':
    case 'apps/StatefulSet':
    case 'apps/ReplicaSet': return { spec: template(spec), replicas: typeof spec.replicas === 'number' ? spec.replicas : 1 };
    case 'apps/DaemonSet': return { spec: template(spec), replicas: 'every-node' };
    case 'batch/Job': return { spec: template(spec), replicas: typeof spec.parallelism === 'number' ? spec.parallelism : 1 };
    case 'batch/CronJob': return { spec: template(asRecord(asRecord(spec.jobTemplate).spec)), replicas: 1 };
    default: return undefined;
  }
}

function fromPodTemplate(from: RenderedObject): Workload[] {
  const pod = podTemplateOf(from.obj);
  if (!pod) return [];
  const affinity = asRecord(pod.spec.affinity);
  return [{
    from,
    label: `pods of ${from.obj.kind} ${from.obj.metadata.name}`,
    replicas: pod.replicas,
    onePerNode: onePerHost(affinity),
    placement: { nodeSelector: pod.spec.nodeSelector, nodeAffinity: affinity.nodeAffinity, tolerations: pod.spec.tolerations },
    requests: podRequests(pod.spec),
    ...className(pod.spec.priorityClassName),
  }];
}

/**
 * Zalando postgresql: numberOfInstances Spilo pods, one per node (the operator's pod anti-affinity is on), plus sidecars;
 * and its pgbouncer poolers, which the operator places with the cluster's nodeAffinity and tolerations, one pod per node
 * per pooler (connection_pooler.go). A `connectionPooler` section without `enableConnectionPooler` starts the primary's.
 */
function fromPostgresql(from: RenderedObject): Workload[] {
  const spec = asRecord(from.obj.spec);
  const spilo = asRecord(spec.resources).requests ? containerRequests(spec.resources) : containerRequests({ requests: DEFAULTS.spiloResources.requests });
  const sidecars = asArray(spec.sidecars).map((s) => containerRequests(asRecord(s).resources)).reduce(add, ZERO);
  const placement: Placement = { nodeAffinity: spec.nodeAffinity, tolerations: spec.tolerations };
  const name = from.obj.metadata.name;
  // the operator puts it on the Spilo pods only, not the poolers (pod_priority_class_name is its deprecated spelling)
  const priority = className(spec.podPriorityClassName ?? spec.pod_priority_class_name);
  const pooler = asRecord(spec.connectionPooler);
  const poolers = poolersOf({
    enableConnectionPooler: typeof spec.enableConnectionPooler === 'boolean' ? spec.enableConnectionPooler : spec.connectionPooler !== undefined,
    enableReplicaConnectionPooler: spec.enableReplicaConnectionPooler === true,
  });
  const poolerRequests = asRecord(pooler.resources).requests ? containerRequests(pooler.resources) : containerRequests({ requests: DEFAULTS.pooler.resources.requests });
  return [
    {
      from,
      label: `Postgres instances of ${name}`,
      replicas: typeof spec.numberOfInstances === 'number' ? spec.numberOfInstances : 1,
      onePerNode: true,
      placement,
      requests: add(spilo, sidecars),
      ...priority,
    },
    ...poolers.map((role): Workload => ({
      from,
      label: `pgbouncer pods of ${poolerName(name, role)}`,
      replicas: Math.max(DEFAULTS.pooler.numberOfInstances, typeof pooler.numberOfInstances === 'number' ? pooler.numberOfInstances : 0),
      onePerNode: true,
      placement,
      requests: poolerRequests,
    })),
  ];
}

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
  const daemon = (name: string, label: string, replicas: Workload['replicas'], onePerNode: boolean, extra: Partial<Workload> = {}): Workload => ({
    from, label, replicas, onePerNode,
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
  const perDevice = (config: unknown) => Number(asRecord(config).osdsPerDevice ?? asRecord(storage.config).osdsPerDevice ?? 1);
  const nodes = asArray(storage.nodes).map(asRecord);
  const osds = nodes.length > 0
    ? [daemon('osd', 'Ceph OSDs', nodes.length, false, {
      hosts: nodes.map((n) => ({ host: String(n.name), pods: Math.max(1, asArray(n.devices).length) * perDevice(n.config) })),
    })]
    : storage.useAllNodes === true ? [daemon('osd', 'Ceph OSDs', 'every-node', false)] : [];
  return [
    daemon('mon', 'Ceph mons', monCount, mon.allowMultiplePerNode !== true),
    daemon('mgr', 'Ceph mgrs', mgrCount, false),
    ...osds,
  ];
}

/** CephObjectStore: `gateway.instances` RGW pods, placed by the gateway's placement (Rook does not merge the CephCluster's). */
function fromCephObjectStore(from: RenderedObject): Workload[] {
  const gateway = asRecord(asRecord(from.obj.spec).gateway);
  const placement = asRecord(gateway.placement);
  return [{
    from,
    label: `Ceph RGW gateways of ${from.obj.metadata.name}`,
    replicas: typeof gateway.instances === 'number' ? gateway.instances : 1,
    onePerNode: onePerHost(placement),
    placement: { nodeAffinity: placement.nodeAffinity, tolerations: placement.tolerations },
    requests: containerRequests(gateway.resources),
    ...className(gateway.priorityClassName),
  }];
}

/** MinIO Tenant: `servers` pods per pool (the Tenant's priorityClassName is on every pool's pods). */
function fromTenant(from: RenderedObject): Workload[] {
  const spec = asRecord(from.obj.spec);
  return asArray(spec.pools).map(asRecord).map((pool, i) => {
    const affinity = asRecord(pool.affinity);
    return {
      from,
      label: `MinIO servers of pool ${typeof pool.name === 'string' ? pool.name : i}`,
      replicas: typeof pool.servers === 'number' ? pool.servers : 1,
      onePerNode: onePerHost(affinity),
      placement: { nodeSelector: pool.nodeSelector, nodeAffinity: affinity.nodeAffinity, tolerations: pool.tolerations },
      requests: containerRequests(pool.resources),
      ...className(spec.priorityClassName),
    };
  });
}

/** prometheus-operator's Prometheus and Alertmanager: `replicas` servers, plus the operator's config-reloader sidecar (10m/50Mi by default). */
function fromPrometheus(from: RenderedObject): Workload[] {
  const spec = asRecord(from.obj.spec);
  const affinity = asRecord(spec.affinity);
  return [{
    from,
    label: `${from.obj.kind} servers of ${from.obj.metadata.name}`,
    replicas: typeof spec.replicas === 'number' ? spec.replicas : 1,
    onePerNode: onePerHost(affinity),
    placement: { nodeSelector: spec.nodeSelector, nodeAffinity: affinity.nodeAffinity, tolerations: spec.tolerations },
    requests: add(containerRequests(spec.resources), containerRequests({ requests: { cpu: '10m', memory: '50Mi' } })),
    ...className(spec.priorityClassName),
  }];
}

const CUSTOM: Readonly<Record<string, (from: RenderedObject) => Workload[]>> = {
  'acid.zalan.do/postgresql': fromPostgresql,
  'monitoring.coreos.com/Prometheus': fromPrometheus,
  'monitoring.coreos.com/Alertmanager': fromPrometheus,
  'ceph.rook.io/CephCluster': fromCephCluster,
  'ceph.rook.io/CephObjectStore': fromCephObjectStore,
  'minio.min.io/Tenant': fromTenant,
};

export function workloadsOf(from: RenderedObject): Workload[] {
  return CUSTOM[groupKind(from.obj)]?.(from) ?? fromPodTemplate(from);
}

/** A workload is pinned when it may not run just anywhere: a selector, an affinity or named hosts. */
export function isPinned(w: Workload): boolean {
  const affinity = asRecord(asRecord(w.placement.nodeAffinity).requiredDuringSchedulingIgnoredDuringExecution);
  return w.hosts !== undefined || Object.keys(asRecord(w.placement.nodeSelector)).length > 0 || asArray(affinity.nodeSelectorTerms).length > 0;
}

import { isQuantity, parseQuantity } from './quantity';
import { groupKind, type KubeObject, type RenderedObject } from './objects';
import { asArray, asRecord } from './records';

/** Where a pod may run, as its spec says: nodeSelector, nodeAffinity, tolerations (plain data). */
export interface Placement {
  readonly nodeSelector?: unknown;
  readonly nodeAffinity?: unknown;
  readonly tolerations?: unknown;
}

/**
 * The pods a rendered object asks for, as the placement and capacity checks model them: from a
 * pod template here, from a custom resource in its component's `workloads` (lib/components/).
 */

/** Requests of a pod or container. */
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

/** A PriorityClass name as a Workload field, or nothing for none. */
export const className = (v: unknown): { priorityClassName?: string } =>
  typeof v === 'string' && v !== '' ? { priorityClassName: v } : {};

const quantity = (v: unknown): number => (typeof v === 'number' ? v : isQuantity(v) ? parseQuantity(v) : 0);

/** Requests of one container: the request, else the limit (Kubernetes defaults requests to limits). */
export function containerRequests(resources: unknown): PodResources {
  const r = asRecord(resources);
  const req = asRecord(r.requests);
  const lim = asRecord(r.limits);
  return { cpu: quantity(req.cpu ?? lim.cpu), memory: quantity(req.memory ?? lim.memory) };
}

export const addRequests = (a: PodResources, b: PodResources): PodResources => ({
  cpu: a.cpu + b.cpu,
  memory: a.memory + b.memory,
});
export const NO_REQUESTS: PodResources = { cpu: 0, memory: 0 };

/** Effective pod requests: the containers' sum, or the largest init container if larger (as the scheduler counts). */
function podRequests(podSpec: Record<string, unknown>): PodResources {
  const sum = asArray(podSpec.containers)
    .map((c) => containerRequests(asRecord(c).resources))
    .reduce(addRequests, NO_REQUESTS);
  const init = asArray(podSpec.initContainers).map((c) => containerRequests(asRecord(c).resources));
  return {
    cpu: Math.max(sum.cpu, ...init.map((i) => i.cpu)),
    memory: Math.max(sum.memory, ...init.map((i) => i.memory)),
  };
}

/** A required pod anti-affinity on the hostname: at most one such pod per node. */
export function onePerHost(affinity: unknown): boolean {
  return asArray(asRecord(asRecord(affinity).podAntiAffinity).requiredDuringSchedulingIgnoredDuringExecution).some(
    (t) => asRecord(t).topologyKey === 'kubernetes.io/hostname',
  );
}

/** The pod spec of an object built from a pod template, and the replicas it asks for. */
export function podTemplateOf(
  obj: KubeObject,
): { spec: Record<string, unknown>; replicas: number | 'every-node' } | undefined {
  const spec = asRecord(obj.spec);
  const template = (s: Record<string, unknown>) => asRecord(asRecord(s.template).spec);
  switch (groupKind(obj)) {
    case '/Pod':
      return { spec, replicas: 1 };
    case 'apps/Deployment':
    case 'apps/StatefulSet':
    case 'apps/ReplicaSet':
      return { spec: template(spec), replicas: typeof spec.replicas === 'number' ? spec.replicas : 1 };
    case 'apps/DaemonSet':
      return { spec: template(spec), replicas: 'every-node' };
    case 'batch/Job':
      return { spec: template(spec), replicas: typeof spec.parallelism === 'number' ? spec.parallelism : 1 };
    case 'batch/CronJob':
      return { spec: template(asRecord(asRecord(spec.jobTemplate).spec)), replicas: 1 };
    default:
      return undefined;
  }
}

export function fromPodTemplate(from: RenderedObject): Workload[] {
  const pod = podTemplateOf(from.obj);
  if (!pod) return [];
  const affinity = asRecord(pod.spec.affinity);
  return [
    {
      from,
      label: `pods of ${from.obj.kind} ${from.obj.metadata.name}`,
      replicas: pod.replicas,
      onePerNode: onePerHost(affinity),
      placement: {
        nodeSelector: pod.spec.nodeSelector,
        nodeAffinity: affinity.nodeAffinity,
        tolerations: pod.spec.tolerations,
      },
      requests: podRequests(pod.spec),
      ...className(pod.spec.priorityClassName),
    },
  ];
}

/** How an operator's custom resource turns into pods, by `group/Kind` (a component's `workloads`). */
export type WorkloadModels = Readonly<Record<string, (from: RenderedObject) => Workload[]>>;

import { blockStorageUse, NEARFULL, storageUseText } from '../site/storage-capacity';
import type { Finding, SiteTree } from './findings';
import { groupKind, where, type RenderedObject } from '../core/objects';
import { eligible, schedulingNodes, type SchedulingNode } from './scheduling';
import { systemPods } from './system-pods';
import { isPinned, workloadsOf } from './workloads';
import type { Placement, PodResources, Workload } from '../core/workloads';
import { byText } from '../core/order';
import { SYSTEM_PRIORITY_CLASSES } from '../site/priority';
import { syncPlan, waves } from './sync-plan';

/**
 * Capacity per node: the requests of what is pinned there (and of the per-node system pods)
 * must fit in the node's declared cpu/memory minus a system reserve. Unpinned pods must fit in
 * what the pinned ones leave. Upstream memory minimums (Ceph daemons) give a second, warning
 * verdict: requests may fit while the daemons cannot run in them.
 */
const GiB = 2 ** 30;
const MiB = 2 ** 20;

/**
 * What the OS, kubelet and containerd keep: GKE's published allocatable formula, a public and
 * conservative estimate (kubeadm reserves nothing by default, the memory is used all the same),
 * plus the kubelet's default hard eviction threshold (memory.available < 100Mi).
 */
export function systemReserve(node: Pick<SchedulingNode, 'cpu' | 'memory'>): PodResources {
  const tiers = (amount: number, steps: readonly (readonly [number, number])[]) => {
    let left = amount;
    let reserved = 0;
    for (const [size, rate] of steps) {
      const part = Math.min(left, size);
      reserved += part * rate;
      left -= part;
    }
    return reserved;
  };
  const cpu = tiers(node.cpu, [
    [1, 0.06],
    [1, 0.01],
    [2, 0.005],
    [Infinity, 0.0025],
  ]);
  const memory =
    tiers(node.memory, [
      [4 * GiB, 0.25],
      [4 * GiB, 0.2],
      [8 * GiB, 0.1],
      [112 * GiB, 0.06],
      [Infinity, 0.02],
    ]) +
    100 * MiB;
  return { cpu, memory };
}

interface NodeLoadItem {
  readonly workload: Workload;
  readonly pods: number;
}

interface NodeLoad {
  readonly node: SchedulingNode;
  readonly allocatable: PodResources;
  readonly items: readonly NodeLoadItem[];
  /** Sum of the items' requests. */
  readonly requests: PodResources;
  /** Memory the items need to run, counting upstream minimums above their requests. */
  readonly minimumMemory: number;
}

export interface SiteLoad {
  readonly nodes: readonly NodeLoad[];
  /** Workloads the scheduler may put on any eligible node (no selector, affinity or host). */
  readonly floating: readonly Workload[];
  /** Pinned workloads whose pods the scheduler spreads over the nodes they select (not DaemonSets, not named hosts). */
  readonly spread: readonly Workload[];
  /**
   * Pinned pods no node admits (or too few nodes for pods that must be apart): they stay Pending, the placement check
   * says why.
   */
  readonly pending: readonly NodeLoadItem[];
}

const totalRequests = (items: readonly NodeLoadItem[]): PodResources =>
  items.reduce(
    (sum, i) => ({
      cpu: sum.cpu + i.pods * i.workload.requests.cpu,
      memory: sum.memory + i.pods * i.workload.requests.memory,
    }),
    { cpu: 0, memory: 0 },
  );

/** The nodes a placement admits, computed once per distinct placement (clusters of a site share theirs). */
function eligibleNodes(nodes: readonly SchedulingNode[]): (p: Placement) => readonly SchedulingNode[] {
  const memo = new Map<string, readonly SchedulingNode[]>();
  return (placement) => {
    const key = JSON.stringify(placement);
    let fits = memo.get(key);
    if (!fits) memo.set(key, (fits = nodes.filter((n) => eligible(n, placement))));
    return fits;
  };
}

/**
 * The load of every node of a site: its rendered objects plus the system pods that are not in
 * dist/. Pods pinned to named hosts and DaemonSet pods go where they must; the replicas of other
 * pinned workloads are spread as the scheduler's least-allocated scoring would: each pod on the
 * eligible node with the smallest share of its memory requested so far (at most one per node when
 * the pods must be apart), larger pods first. A cluster of 2 instances on 100 eligible nodes
 * loads 2 of them, not 100.
 */
export function siteLoad(tree: SiteTree): SiteLoad {
  const nodes = schedulingNodes(tree.site);
  const rendered = new Set(tree.objects.map((o) => `${o.obj.kind}/${o.obj.metadata.namespace}/${o.obj.metadata.name}`));
  const system = systemPods(tree.site).filter(
    (o) => !rendered.has(`${o.obj.kind}/${o.obj.metadata.namespace}/${o.obj.metadata.name}`),
  );
  const workloads = [...system, ...tree.objects].flatMap((o: RenderedObject) => workloadsOf(o));
  const order = new Map(workloads.map((w, i) => [w, i]));
  const fitsOf = eligibleNodes(nodes);
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const items = new Map(nodes.map((n) => [n, new Map<Workload, number>()]));
  const memory = new Map(nodes.map((n) => [n, 0]));
  const charge = (node: SchedulingNode, workload: Workload, pods: number) => {
    const of = items.get(node)!;
    of.set(workload, (of.get(workload) ?? 0) + pods);
    memory.set(node, memory.get(node)! + pods * workload.requests.memory);
  };
  const floating: Workload[] = [];
  const spread: Workload[] = [];
  const pending: NodeLoadItem[] = [];
  for (const w of workloads) {
    if (w.hosts)
      for (const h of w.hosts) {
        const node = byName.get(h.host);
        if (node && h.pods > 0) charge(node, w, h.pods);
      }
    else if (w.replicas === 'every-node') for (const node of fitsOf(w.placement)) charge(node, w, 1);
    // a selector every node matches (kube-prometheus' kubernetes.io/os: linux) pins nothing: the pods float
    else if (isPinned(w) && fitsOf(w.placement).length < fitsOf({ tolerations: w.placement.tolerations }).length)
      spread.push(w);
    else floating.push(w);
  }
  const share = (n: SchedulingNode) => memory.get(n)! / n.memory;
  for (const w of [...spread].sort(
    (a, b) => b.requests.memory - a.requests.memory || b.requests.cpu - a.requests.cpu,
  )) {
    const fits = fitsOf(w.placement);
    const replicas = w.replicas === 'every-node' ? 0 : w.replicas;
    const used = new Set<SchedulingNode>();
    for (let pod = 0; pod < replicas; pod++) {
      let best: SchedulingNode | undefined;
      for (const n of fits)
        if (!(w.onePerNode && used.has(n)) && (best === undefined || share(n) < share(best))) best = n;
      if (!best) {
        // more pods than nodes they may share: they stay Pending (placement reports it)
        pending.push({ workload: w, pods: replicas - pod });
        break;
      }
      charge(best, w, 1);
      used.add(best);
    }
  }
  return {
    floating,
    spread,
    pending: pending.sort((a, b) => order.get(a.workload)! - order.get(b.workload)!),
    nodes: nodes.map((node) => {
      const nodeItems = [...items.get(node)!]
        .map(([workload, pods]) => ({ workload, pods }))
        .sort((a, b) => order.get(a.workload)! - order.get(b.workload)!);
      const reserve = systemReserve(node);
      return {
        node,
        allocatable: { cpu: node.cpu - reserve.cpu, memory: node.memory - reserve.memory },
        items: nodeItems,
        requests: totalRequests(nodeItems),
        minimumMemory: nodeItems.reduce(
          (sum, i) => sum + i.pods * Math.max(i.workload.requests.memory, i.workload.minimumMemory?.bytes ?? 0),
          0,
        ),
      };
    }),
  };
}

export const cpuText = (cores: number): string =>
  cores < 1 ? `${Math.round(cores * 1000)}m` : `${Math.round(cores * 100) / 100}`;
export const memoryText = (bytes: number): string =>
  bytes >= GiB ? `${Math.round((bytes / GiB) * 100) / 100}Gi` : `${Math.round(bytes / MiB)}Mi`;

function itemsText(items: readonly NodeLoadItem[], memory: (i: NodeLoadItem) => number): string {
  return items
    .filter((i) => memory(i) > 0 || i.workload.requests.cpu > 0)
    .map(
      (i) => `${i.pods > 1 ? `${i.pods}x ` : ''}${i.workload.label} (${i.workload.from.app}) ${memoryText(memory(i))}`,
    )
    .join(', ');
}

function nodeFindings(site: string, load: NodeLoad): Finding[] {
  const { node, allocatable, requests } = load;
  const at = `${site}/node ${node.name}`;
  const size = `${node.cpu} CPU / ${memoryText(node.memory)}, allocatable ${cpuText(allocatable.cpu)} CPU / ${memoryText(allocatable.memory)} after the system reserve`;
  const findings: Finding[] = [];
  const over = [
    ...(requests.cpu > allocatable.cpu ? [`CPU requests ${cpuText(requests.cpu)}`] : []),
    ...(requests.memory > allocatable.memory ? [`memory requests ${memoryText(requests.memory)}`] : []),
  ];
  if (over.length > 0) {
    findings.push({
      check: 'capacity',
      severity: 'error',
      where: at,
      message: `${over.join(' and ')} of the pods pinned here exceed the node (${size}): ${itemsText(load.items, (i) => i.pods * i.workload.requests.memory)}; pods would stay Pending: give the node more CPU/memory, add nodes with this role, or lower the requests`,
    });
  } else if (load.minimumMemory > allocatable.memory) {
    findings.push({
      check: 'capacity',
      severity: 'warning',
      where: at,
      message: `the pods pinned here fit by their requests (${memoryText(requests.memory)}) but need at least ${memoryText(load.minimumMemory)} to run (${itemsText(load.items, (i) => i.pods * Math.max(i.workload.requests.memory, i.workload.minimumMemory?.bytes ?? 0))}; upstream minimums), more than the node has (${size}): expect OOM kills and crash loops; give the node at least ${memoryText(load.minimumMemory + node.memory - allocatable.memory)}`,
    });
  }
  return findings;
}

type Room = Map<string, { cpu: number; memory: number }>;

/**
 * Place a workload's replicas one by one on its eligible nodes (`fits`) with room, the node `rank`
 * orders first taking each (one per node when the workload spreads so), taking their requests from
 * `free`; returns the nodes used, one per placed replica.
 */
function placeReplicas(
  w: Workload,
  fits: readonly string[],
  free: Room,
  rank: (a: string, b: string) => number,
): string[] {
  const replicas = w.replicas === 'every-node' ? 0 : w.replicas;
  const used: string[] = [];
  while (used.length < replicas) {
    const room = fits
      .filter(
        (n) =>
          !(w.onePerNode && used.includes(n)) &&
          free.get(n)!.cpu >= w.requests.cpu &&
          free.get(n)!.memory >= w.requests.memory,
      )
      .sort((a, b) => rank(a, b) || byText(a, b));
    if (room.length === 0) break;
    const left = free.get(room[0])!;
    free.set(room[0], { cpu: left.cpu - w.requests.cpu, memory: left.memory - w.requests.memory });
    used.push(room[0]);
  }
  return used;
}

/**
 * Unpinned pods go where the scheduler finds room: place them one by one, largest first, on the
 * eligible node with the most memory left after the pinned pods; report the replicas that fit nowhere.
 */
function floatingFindings(site: string, load: SiteLoad): Finding[] {
  const free: Room = new Map(
    load.nodes.map((n) => [
      n.node.name,
      { cpu: n.allocatable.cpu - n.requests.cpu, memory: n.allocatable.memory - n.requests.memory },
    ]),
  );
  const findings: Finding[] = [];
  const bySize = [...load.floating].sort(
    (a, b) => b.requests.memory - a.requests.memory || b.requests.cpu - a.requests.cpu,
  );
  for (const w of bySize) {
    const replicas = w.replicas === 'every-node' ? 0 : w.replicas;
    const fits = load.nodes.filter((n) => eligible(n.node, w.placement)).map((n) => n.node.name);
    const placed = placeReplicas(w, fits, free, (a, b) => free.get(b)!.memory - free.get(a)!.memory).length;
    if (placed < replicas) {
      findings.push({
        check: 'capacity',
        severity: 'error',
        where: `${site}/${where(w.from)}`,
        message: `${w.label} request ${cpuText(w.requests.cpu)} CPU / ${memoryText(w.requests.memory)} per pod: only ${placed} of ${replicas} fit in what the pinned pods leave on the nodes they may use (${fits.length ? fits.join(', ') : 'no eligible node'}): add worker nodes or lower the requests`,
      });
    }
  }
  return findings;
}

/**
 * When each workload's pods are placed: higher priority first (the scheduler preempts pods of lower
 * priority for them, so they end up where they would be had they come first), then by sync wave
 * group (ArgoCD applies earlier waves first; what kubeadm and host-bootstrap run comes before
 * them), pinned before floating within a group, larger pods first.
 */
function turns(tree: SiteTree, load: SiteLoad): Workload[] {
  const classes = new Map(
    tree.objects
      .filter((o) => groupKind(o.obj) === 'scheduling.k8s.io/PriorityClass')
      .map((o) => [o.obj.metadata.name, Number((o.obj as { value?: unknown }).value ?? 0)]),
  );
  const priority = (w: Workload) =>
    w.priorityClassName ? (classes.get(w.priorityClassName) ?? SYSTEM_PRIORITY_CLASSES[w.priorityClassName] ?? 0) : 0;
  const group = new Map(
    waves(syncPlan(tree)).flatMap((apps, i) => apps.flatMap((a) => (a.folder ? [[a.folder, i] as const] : []))),
  );
  const groupOf = (w: Workload) =>
    w.from.app === 'kubeadm' || w.from.app === 'host-bootstrap' ? -1 : (group.get(w.from.app) ?? group.size);
  const spread = new Set(load.spread);
  const all = [...load.spread, ...load.floating];
  const index = new Map(all.map((w, i) => [w, i]));
  return all.sort(
    (a, b) =>
      priority(b) - priority(a) ||
      groupOf(a) - groupOf(b) ||
      Number(spread.has(b)) - Number(spread.has(a)) ||
      b.requests.memory - a.requests.memory ||
      b.requests.cpu - a.requests.cpu ||
      index.get(a)! - index.get(b)!,
  );
}

/**
 * The scheduler's placement in turn (see `turns`): each pod on the eligible node with room and the
 * largest share of its memory free. Reports the pinned pods that fit once placed first (the node
 * findings) but find their nodes taken by floating pods of earlier turns when they come: the
 * scheduler preempts only for a higher priority, so they would stay Pending. What floating pods
 * fit nowhere is floatingFindings' business.
 */
function orderFindings(tree: SiteTree, load: SiteLoad): Finding[] {
  const site = tree.site.name;
  const spread = new Set(load.spread);
  const free = new Map(
    load.nodes.map((n) => {
      const fixed = totalRequests(n.items.filter((i) => !spread.has(i.workload)));
      return [n.node.name, { cpu: n.allocatable.cpu - fixed.cpu, memory: n.allocatable.memory - fixed.memory }];
    }),
  );
  const allocatable = new Map(load.nodes.map((n) => [n.node.name, n.allocatable.memory]));
  // pinned pods the pinned-only model already puts on an overfull node, or on too few nodes: reported by nodeFindings
  // and placement
  const overfull = new Set(
    load.nodes
      .filter((n) => n.requests.cpu > n.allocatable.cpu || n.requests.memory > n.allocatable.memory)
      .map((n) => n.node.name),
  );
  const short = new Set(load.pending.map((i) => i.workload));
  const floatingOn = new Map<string, Workload[]>();
  const findings: Finding[] = [];
  for (const w of turns(tree, load)) {
    const replicas = w.replicas === 'every-node' ? 0 : w.replicas;
    const fits = load.nodes.filter((n) => eligible(n.node, w.placement)).map((n) => n.node.name);
    const used = placeReplicas(
      w,
      fits,
      free,
      (a, b) => free.get(b)!.memory / allocatable.get(b)! - free.get(a)!.memory / allocatable.get(a)!,
    );
    const placed = used.length;
    if (!spread.has(w)) for (const n of used) floatingOn.set(n, [...(floatingOn.get(n) ?? []), w]);
    if (placed === replicas || !spread.has(w) || short.has(w) || fits.some((n) => overfull.has(n))) continue;
    const taken = fits
      .filter((n) => floatingOn.has(n))
      .map((n) => `${n}: ${[...new Set(floatingOn.get(n)!.map((f) => `${f.label} (${f.from.app})`))].join(', ')}`);
    if (taken.length > 0)
      findings.push({
        check: 'capacity',
        severity: 'error',
        where: `${site}/${where(w.from)}`,
        message: `${w.label} request ${cpuText(w.requests.cpu)} CPU / ${memoryText(w.requests.memory)} per pod: only ${placed} of ${replicas} find room when they come (app ${w.from.app}): pods that may run on any node, of earlier sync waves and no lower priority, took it first (${taken.join('; ')}); the scheduler preempts only pods of lower priority: give these pods a PriorityClass above theirs, make the nodes dedicated, or give them more memory`,
      });
  }
  return findings;
}

/** The volumes on Ceph's block StorageClass from Ceph's nearfull ratio on (past 100 % synth refuses it). */
function storageFindings(site: SiteTree['site']): Finding[] {
  const use = blockStorageUse(site);
  if (!use || use.ratio < NEARFULL) return [];
  return [
    {
      check: 'capacity',
      severity: 'warning',
      where: `${site.name}/storage ${use.storageClass}`,
      message: `the volumes need ${storageUseText(use)}, past Ceph's nearfull ratio (${NEARFULL * 100} %, HEALTH_WARN): add disks to the storage nodes before they fill`,
    },
  ];
}

export function checkCapacity(tree: SiteTree): Finding[] {
  const load = siteLoad(tree);
  return [
    ...load.nodes.flatMap((n) => nodeFindings(tree.site.name, n)),
    ...floatingFindings(tree.site.name, load),
    ...orderFindings(tree, load),
    ...storageFindings(tree.site),
  ];
}

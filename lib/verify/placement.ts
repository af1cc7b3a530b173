import { asArray, asRecord } from '../core/records';
import type { Kube } from './kube';

/** Where one pod went: its node, or the scheduler's reason verbatim. */
export interface PodResult {
  /** `namespace/name`. */
  readonly pod: string;
  /** `StatefulSet postgres/acid-test-cluster`, `probe CephCluster rook-ceph/rook-ceph`… */
  readonly owner: string;
  readonly node?: string;
  readonly reason?: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** A workload controller that made fewer pods than it wants, and why (Pod Security denials are here). */
export interface ShortWorkload {
  readonly workload: string;
  readonly message: string;
}

type Obj = Record<string, unknown>;
const meta = (o: Obj) => asRecord(o.metadata);
const nameOf = (o: Obj) => `${String(meta(o).namespace)}/${String(meta(o).name)}`;

/**
 * PVCs never bind here (no CSI driver runs): for a claim of a StorageClass whose provisioner is not
 * `kubernetes.io/no-provisioner`, make the PersistentVolume a provisioner would (on the node the
 * scheduler selected, for WaitForFirstConsumer classes). Local PVs from dist/ bind as they are.
 */
export async function provision(kube: Kube): Promise<void> {
  const classes = new Map(
    (await kube.list('/apis/storage.k8s.io/v1/storageclasses')).map((c) => [String(meta(c).name), c]),
  );
  for (const claim of await kube.list('/api/v1/persistentvolumeclaims')) {
    const spec = asRecord(claim.spec);
    const sc = classes.get(String(spec.storageClassName));
    if (
      asRecord(claim.status).phase !== 'Pending' ||
      !sc ||
      sc.provisioner === 'kubernetes.io/no-provisioner' ||
      spec.volumeName
    )
      continue;
    const annotations = asRecord(meta(claim).annotations);
    const node = annotations['volume.kubernetes.io/selected-node'];
    if (sc.volumeBindingMode === 'WaitForFirstConsumer' && typeof node !== 'string') continue;
    const name = `pvc-${String(meta(claim).uid)}`;
    await kube.send('POST', '/api/v1/persistentvolumes', {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name, annotations: { 'pv.kubernetes.io/provisioned-by': String(sc.provisioner) } },
      spec: {
        capacity: { storage: String(asRecord(asRecord(spec.resources).requests).storage ?? '1Gi') },
        accessModes: spec.accessModes,
        storageClassName: spec.storageClassName,
        persistentVolumeReclaimPolicy: 'Delete',
        volumeMode: spec.volumeMode ?? 'Filesystem',
        claimRef: { namespace: meta(claim).namespace, name: meta(claim).name, uid: meta(claim).uid },
        hostPath: { path: `/verify/${name}` },
        ...(typeof node === 'string'
          ? {
              nodeAffinity: {
                required: {
                  nodeSelectorTerms: [
                    { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] },
                  ],
                },
              },
            }
          : {}),
      },
    });
  }
}

function ownerOf(pod: Obj, replicaSets: ReadonlyMap<string, string>): string {
  const ref = asRecord(asArray(meta(pod).ownerReferences)[0]);
  const ns = String(meta(pod).namespace);
  if (ref.kind === 'ReplicaSet')
    return replicaSets.get(`${ns}/${String(ref.name)}`) ?? `ReplicaSet ${ns}/${String(ref.name)}`;
  return ref.kind ? `${String(ref.kind)} ${ns}/${String(ref.name)}` : `Pod ${ns}/${String(meta(pod).name)}`;
}

function podResult(pod: Obj, replicaSets: ReadonlyMap<string, string>): PodResult {
  const spec = asRecord(pod.spec);
  const condition = asArray(asRecord(pod.status).conditions)
    .map(asRecord)
    .find((c) => c.type === 'PodScheduled' && c.status === 'False');
  return {
    pod: nameOf(pod),
    owner: ownerOf(pod, replicaSets),
    labels: asRecord(meta(pod).labels) as Record<string, string>,
    ...(typeof spec.nodeName === 'string' ? { node: spec.nodeName } : {}),
    ...(condition ? { reason: String(condition.message ?? condition.reason) } : {}),
  };
}

/** Controllers short of pods: wanted vs made, with their latest FailedCreate event (Pod Security denials…). */
async function shortWorkloads(kube: Kube): Promise<ShortWorkload[]> {
  const events = (await kube.list('/api/v1/events')).filter((e) => e.reason === 'FailedCreate');
  const lastFailure = (kind: string, key: string) =>
    events
      .filter(
        (e) =>
          asRecord(e.involvedObject).kind === kind &&
          `${String(asRecord(e.involvedObject).namespace)}/${String(asRecord(e.involvedObject).name)}` === key,
      )
      .map((e) => String(e.message))
      .pop();
  const short: ShortWorkload[] = [];
  const wanted = async (path: string, kind: string, want: (o: Obj) => number, have: (o: Obj) => number) => {
    for (const o of await kube.list(path)) {
      const failure = lastFailure(kind, nameOf(o));
      if (have(o) < want(o) && failure)
        short.push({ workload: `${kind} ${nameOf(o)}`, message: `${have(o)} of ${want(o)} pods created: ${failure}` });
    }
  };
  const num = (v: unknown) => (typeof v === 'number' ? v : 0);
  await wanted(
    '/apis/apps/v1/replicasets',
    'ReplicaSet',
    (o) => num(asRecord(o.spec).replicas),
    (o) => num(asRecord(o.status).replicas),
  );
  await wanted(
    '/apis/apps/v1/statefulsets',
    'StatefulSet',
    (o) => num(asRecord(o.spec).replicas ?? 1),
    (o) => num(asRecord(o.status).replicas),
  );
  await wanted(
    '/apis/apps/v1/daemonsets',
    'DaemonSet',
    (o) => num(asRecord(o.status).desiredNumberScheduled),
    (o) => num(asRecord(o.status).currentNumberScheduled),
  );
  return short;
}

/** Every Deployment/StatefulSet/DaemonSet has all its pods, each scheduled or refused by the scheduler. */
async function settled(kube: Kube, pods: readonly PodResult[], short: readonly ShortWorkload[]): Promise<boolean> {
  const num = (v: unknown, d = 0) => (typeof v === 'number' ? v : d);
  // a controller refused its pods (FailedCreate) or whose ordered pods wait on an unschedulable one is as far as it
  // goes
  const stuck = (kind: string, o: Obj) =>
    short.some(
      (w) =>
        w.workload === `${kind} ${nameOf(o)}` ||
        (kind === 'Deployment' && w.workload.startsWith(`ReplicaSet ${nameOf(o)}-`)),
    ) || pods.some((p) => p.owner === `${kind} ${nameOf(o)}` && p.reason);
  const done = async (path: string, kind: string, full: (o: Obj) => boolean) =>
    (await kube.list(path)).every(
      (o) => asRecord(o.status).observedGeneration === meta(o).generation && (full(o) || stuck(kind, o)),
    );
  const deployments = await done(
    '/apis/apps/v1/deployments',
    'Deployment',
    (d) => num(asRecord(d.status).replicas) >= num(asRecord(d.spec).replicas, 1),
  );
  const sets = await done(
    '/apis/apps/v1/statefulsets',
    'StatefulSet',
    (s) => num(asRecord(s.status).replicas) >= num(asRecord(s.spec).replicas, 1),
  );
  const daemons = await done(
    '/apis/apps/v1/daemonsets',
    'DaemonSet',
    (d) => num(asRecord(d.status).currentNumberScheduled) >= num(asRecord(d.status).desiredNumberScheduled),
  );
  return deployments && sets && daemons && pods.every((p) => p.node || p.reason);
}

export interface PlacementState {
  readonly pods: readonly PodResult[];
  readonly short: readonly ShortWorkload[];
  readonly settled: boolean;
}

async function snapshot(kube: Kube): Promise<PlacementState> {
  const replicaSets = new Map(
    (await kube.list('/apis/apps/v1/replicasets')).map((rs) => {
      const ref = asRecord(asArray(meta(rs).ownerReferences)[0]);
      return [
        nameOf(rs),
        ref.kind ? `${String(ref.kind)} ${String(meta(rs).namespace)}/${String(ref.name)}` : `ReplicaSet ${nameOf(rs)}`,
      ];
    }),
  );
  const pods = (await kube.list('/api/v1/pods'))
    .map((p) => podResult(p, replicaSets))
    .sort((a, b) => a.pod.localeCompare(b.pod));
  const short = await shortWorkloads(kube);
  return { pods, short, settled: await settled(kube, pods, short) };
}

/**
 * Provision volumes and poll until every workload's pods are scheduled or refused, and the picture
 * has stopped changing for `quietSeconds`; give up after `seconds` with what there is.
 */
export async function awaitPlacement(kube: Kube, seconds: number, quietSeconds = 3): Promise<PlacementState> {
  const deadline = Date.now() + seconds * 1000;
  let last = '';
  let since = Date.now();
  for (;;) {
    await provision(kube);
    const state = await snapshot(kube);
    const key = JSON.stringify(state);
    if (key !== last) {
      last = key;
      since = Date.now();
    }
    if (state.settled && Date.now() - since >= quietSeconds * 1000) return state;
    if (Date.now() > deadline) return { ...state, settled: false };
    await new Promise((r) => setTimeout(r, 500));
  }
}

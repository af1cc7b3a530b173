import type { SiteTree } from '../check/findings';
import type { DataPlane } from './live/data-plane';
import type { KubeObject, RenderedObject } from '../core/objects';
import { SYNC_OPTIONS } from '../core/annotations';
import { applyObject, type ObjectResult } from './apply';
import { instanceAssertions, placementAssertions, statefulSetAssertions, type Assertion } from './asserts';
import { messageOf, until, type Kube } from './kube';
import { kwokNodes } from './nodes';
import { configData, deployTimeSecrets, labelRoles, operatorSetup, type OperatorSetup } from './operator';
import { awaitPlacement, provision, type PlacementState } from './placement';
import { probes as probesOf } from './probes';
import { syncPlan, waves } from '../check/sync-plan';

/**
 * A day-2 change on the live control plane of a verify run: the cluster, synced to one rendered
 * tree, is synced to the next as ArgoCD would sync a new commit (changed and new objects in wave
 * order, removed ones pruned unless `Prune=false`), the nodes the new model adds join, the operator
 * restarts when its Deployment or ConfigMap changed (their checksum annotation restarts its pod),
 * the probes of changed custom resources are made again; then the runbook's checks run on what the
 * operator and the controllers produced. Nodes the model drops stay registered: draining a
 * machine is not a sync.
 */
export interface Day2Result {
  readonly objects: readonly ObjectResult[];
  readonly placement: PlacementState;
  readonly assertions: readonly Assertion[];
  /** Nodes that joined. */
  readonly joined: readonly string[];
  readonly operatorRestarted: boolean;
}

/** The running control plane of a verify run, for day-2 operations (lib/verify/day2.ts). */
export interface LiveSite {
  readonly kube: Kube;
  readonly dir: string;
  /** The tree the cluster was synced to. */
  readonly tree: SiteTree;
  /**
   * Stop the operator and start it with this Deployment and ConfigMap, as their checksum annotation restarts its pod.
   */
  readonly restartOperator: (setup: OperatorSetup) => Promise<void>;
  /**
   * Label the Spilo pods' roles as Patroni would (no Patroni runs); false when the live data plane runs them.
   */
  readonly fakeRoles: boolean;
  /** The live data plane, when it runs. */
  readonly plane?: DataPlane;
}

const keyOf = (o: KubeObject): string => `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
const prunable = (o: KubeObject): boolean =>
  !(o.metadata.annotations?.[SYNC_OPTIONS] ?? '').split(',').includes('Prune=false');

/** What differs between two trees: objects to apply (new or changed, in sync order) and objects to prune. */
function changes(
  from: SiteTree,
  to: SiteTree,
): { apply: { object: RenderedObject; serverSide: boolean; namespace?: string }[]; prune: KubeObject[] } {
  const before = new Map(from.objects.map((o) => [keyOf(o.obj), JSON.stringify(o.obj)]));
  const after = new Set(to.objects.map((o) => keyOf(o.obj)));
  const apply = waves(syncPlan(to))
    .flat()
    .flatMap((app) =>
      app.objects
        .filter((o) => before.get(keyOf(o.obj)) !== JSON.stringify(o.obj))
        .map((object) => ({ object, serverSide: app.serverSide, namespace: app.namespace })),
    );
  return { apply, prune: from.objects.map((o) => o.obj).filter((o) => !after.has(keyOf(o)) && prunable(o)) };
}

async function remove(live: LiveSite, obj: KubeObject): Promise<void> {
  const path = await live.kube.objectPath(obj);
  if (path) await live.kube.send('DELETE', `${path}?gracePeriodSeconds=0`);
}

/**
 * Sync the live cluster from `from` to `to`; wait up to `seconds` for the operator's and the controllers' objects to
 * match `to`.
 */
export async function syncTo(live: LiveSite, from: SiteTree, to: SiteTree, seconds = 60): Promise<Day2Result> {
  const { kube } = live;
  const known = new Set(from.site.nodes.map((n) => n.name));
  const joining = kwokNodes(to.site).filter((n) => !known.has(n.metadata.name));
  const objects: ObjectResult[] = [];
  for (const node of joining) {
    const r = await kube.send('POST', '/api/v1/nodes', node);
    if (r.status >= 300 && r.status !== 409)
      objects.push({
        where: `node ${node.metadata.name}`,
        verdict: 'rejected',
        message: messageOf(r),
        warnings: r.warnings,
      });
  }
  // as kubeadm join: a node's pods come after it is Ready and the node lifecycle controller has lifted
  // its not-ready taint, or the scheduler refuses them and placement may count that refusal as final
  const names = new Set(joining.map((n) => n.metadata.name));
  if (names.size) {
    await until(60, async () =>
      (await kube.list('/api/v1/nodes')).filter(
        (n) =>
          names.has((n.metadata as KubeObject['metadata']).name) &&
          JSON.stringify(n.status).includes('"type":"Ready","status":"True"') &&
          !JSON.stringify(n.spec ?? {}).includes('node.kubernetes.io/not-ready'),
      ).length === names.size
        ? true
        : undefined,
    );
  }
  const { apply, prune } = changes(from, to);
  for (const a of apply) objects.push(await applyObject(kube, a.object, a.serverSide, a.namespace));
  for (const obj of prune) await remove(live, obj);

  const setup = operatorSetup(to.objects);
  const previous = operatorSetup(from.objects);
  const operatorRestarted = setup !== undefined && JSON.stringify(setup) !== JSON.stringify(previous);
  if (setup && operatorRestarted) await live.restartOperator(setup);
  const config = setup ? configData(setup.configMap) : {};
  const clusters = to.objects.filter((o) => o.obj.kind === 'postgresql').map((o) => o.obj);
  for (const secret of deployTimeSecrets(config, clusters))
    await kube.send('POST', `/api/v1/namespaces/${secret.metadata.namespace}/secrets`, secret);

  // probes are pods: a changed one is deleted and made again
  const probePods = (tree: SiteTree) =>
    new Map(
      probesOf(tree.objects)
        .flatMap((p) => p.pods)
        .map((pod) => [keyOf(pod), pod]),
    );
  const oldProbes = probePods(from);
  const newProbes = probePods(to);
  for (const [key, pod] of oldProbes)
    if (JSON.stringify(newProbes.get(key)) !== JSON.stringify(pod)) await remove(live, pod);
  for (const [key, pod] of newProbes) {
    if (JSON.stringify(oldProbes.get(key)) === JSON.stringify(pod)) continue;
    await until(30, async () => ((await kube.get((await kube.objectPath(pod))!)) ? undefined : true));
    objects.push(await applyObject(kube, { site: to.site.name, app: 'verify-probes', file: '', obj: pod }, false));
  }

  const nodes = kwokNodes(to.site);
  const probes = probesOf(to.objects);
  const check = async (placement: PlacementState) => [
    ...(setup
      ? [
          ...(await statefulSetAssertions(kube, clusters, config)),
          ...(await instanceAssertions(kube, clusters, placement.pods)),
        ]
      : []),
    ...placementAssertions(placement.pods, probes, config, nodes),
  ];
  // the operator reacts to its watch events in its own time: poll until its objects match the new tree
  const settledState = await until(
    seconds,
    async () => {
      await provision(kube);
      if (setup && live.fakeRoles) await labelRoles(kube, config);
      const placement = await awaitPlacement(kube, 10, 1);
      const assertions = await check(placement);
      return assertions.every((a) => a.ok) ? { placement, assertions } : undefined;
    },
    1000,
  );
  const final =
    settledState ??
    (await (async () => {
      const placement = await awaitPlacement(kube, 10, 1);
      return { placement, assertions: await check(placement) };
    })());
  return { objects, ...final, joined: joining.map((n) => n.metadata.name), operatorRestarted };
}

/** One line per fact of a day-2 sync, as the verify report prints them. */
export function formatDay2(title: string, r: Day2Result): string {
  const rejected = r.objects.filter((o) => o.verdict === 'rejected');
  return [
    `day-2: ${title}`,
    ...r.joined.map((n) => `  joined   node ${n}`),
    ...(r.operatorRestarted ? ['  restarted postgres-operator (its Deployment or ConfigMap changed)'] : []),
    ...r.objects.filter((o) => o.verdict !== 'rejected').map((o) => `  applied  ${o.where}`),
    ...rejected.map((o) => `  REJECTED ${o.where}: ${o.message}`),
    ...r.placement.pods
      .filter((p) => !p.node)
      .map((p) => `  UNSCHEDULABLE ${p.pod} (${p.owner}): ${p.reason ?? 'not scheduled yet'}`),
    ...r.placement.short.map((s) => `  NOT CREATED ${s.workload}: ${s.message}`),
    ...r.assertions.map((a) => `  ${a.ok ? 'ok  ' : 'FAIL'} ${a.what}${a.detail ? `: ${a.detail}` : ''}`),
  ].join('\n');
}

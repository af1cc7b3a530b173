import { COMPONENTS } from '../components';
import { groupKind, type RenderedObject } from '../core/objects';
import { asArray, asRecord } from '../core/records';
import { fromPodTemplate, type Workload } from '../core/workloads';

/**
 * How each operator's custom resources turn into pods (postgresql, CephCluster, Tenant…): the
 * `workloads` of every component in the registry, whether a site enables it or not (a tree is
 * read as rendered).
 */
const MODELS = new Map(COMPONENTS.flatMap((c) => Object.entries(c.workloads ?? {})));

/**
 * The pods an object asks for: from a pod template (Deployment, StatefulSet, DaemonSet, Job…)
 * or from a custom resource whose operator runs pods, as its component models them. Kinds
 * that run nothing yield nothing, so new apps are covered as soon as they render a known kind.
 */
export function workloadsOf(from: RenderedObject): Workload[] {
  return MODELS.get(groupKind(from.obj))?.(from) ?? fromPodTemplate(from);
}

/** A workload is pinned when it may not run just anywhere: a selector, an affinity or named hosts. */
export function isPinned(w: Workload): boolean {
  const affinity = asRecord(asRecord(w.placement.nodeAffinity).requiredDuringSchedulingIgnoredDuringExecution);
  return (
    w.hosts !== undefined ||
    Object.keys(asRecord(w.placement.nodeSelector)).length > 0 ||
    asArray(affinity.nodeSelectorTerms).length > 0
  );
}

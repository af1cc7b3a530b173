import type { ApiObject } from 'cdk8s';
import { SYNC_OPTIONS, SYNC_WAVE } from '../core/annotations';
import { byText } from '../core/order';

/**
 * ArgoCD v2.7 per-resource sync options (argocd.argoproj.io/sync-options) and waves.
 * Per-resource annotations rather than app-wide options: app-wide ServerSideApply had open bugs in 2.7.
 */
export type SyncOption =
  /** data-bearing objects: neither a prune nor an Application deletion may remove them */
  | 'Prune=false'
  | 'Delete=false'
  /** CRDs too big for the last-applied annotation of client-side apply (argo-cd #8128) */
  | 'ServerSideApply=true'
  /** CRs whose CRD another Application installs: skip the first sync's dry run */
  | 'SkipDryRunOnMissingResource=true';

/** Ordered waves: what must exist before what (PITFALLS.md). */
export const WAVES = {
  /** argocd-cm: the health checks the waves of the Applications wait on */
  settings: -4,
  project: -3,
  crds: -2,
  operators: -1,
  storage: 0,
  workloads: 1,
  /** what writes into the workloads' namespaces (monitors, rules, Prometheus' Roles): siblings of one wave race */
  monitors: 2,
} as const;

export function addSyncOptions(obj: ApiObject, ...options: SyncOption[]): void {
  const { annotations } = obj.metadata.toJson() as { annotations?: Record<string, string> };
  const current = annotations?.[SYNC_OPTIONS];
  const merged = new Set([...(current ? current.split(',') : []), ...options]);
  obj.metadata.addAnnotation(SYNC_OPTIONS, [...merged].sort(byText).join(','));
}

/** Never pruned, never deleted with its Application: Postgres data, Ceph pools, volumes. */
export function protectData(obj: ApiObject): void {
  addSyncOptions(obj, 'Prune=false', 'Delete=false');
}

export function setSyncWave(obj: ApiObject, wave: number): void {
  obj.metadata.addAnnotation(SYNC_WAVE, String(wave));
}

import { asArray, asRecord } from '../core/records';
import { type KubeObject, type RenderedObject } from '../core/objects';
import type { SiteTree } from './findings';
import { systemPods } from './system-pods';
import { SYNC_OPTIONS, SYNC_WAVE } from '../core/annotations';
import { catalogOf } from '../site/catalog';
import type { Site } from '../site/model';
import { ARGOCD_NAMESPACE } from '../site/gitops';
import { loadUpstreamYaml, upstreamOf } from '../upstream';

/**
 * How ArgoCD would sync a site's dist/: what host-bootstrap installs first, then the root
 * Application's folder, then every other Application by sync wave (then name), each applying
 * its folder by resource wave, kind order and name, as ArgoCD v2.7's gitops-engine does.
 */
export interface AppSync {
  readonly app: string;
  /** The dist/<site>/ folder it syncs, when its source is one. */
  readonly folder?: string;
  /** The app-of-apps: it syncs the folder holding the Applications, before any of them. */
  readonly root: boolean;
  readonly wave: number;
  readonly objects: readonly RenderedObject[];
  /** `ServerSideApply=true` in the Application's syncOptions. */
  readonly serverSide: boolean;
  /** The Application's destination namespace: namespaced objects without one land there. */
  readonly namespace?: string;
  /** `CreateNamespace=true`: the namespace, with the managedNamespaceMetadata labels and annotations. */
  readonly createNamespace?: KubeObject;
  /** Why the Application's objects are not in dist/ (a Helm chart source): they cannot be verified. */
  readonly notRendered?: string;
}

/** gitops-engine's kind order within a wave (pkg/sync/sync_tasks.go); other kinds come after. */
const KIND_ORDER = [
  'Namespace',
  'NetworkPolicy',
  'ResourceQuota',
  'LimitRange',
  'PodSecurityPolicy',
  'PodDisruptionBudget',
  'ServiceAccount',
  'Secret',
  'SecretList',
  'ConfigMap',
  'StorageClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleList',
  'ClusterRoleBinding',
  'ClusterRoleBindingList',
  'Role',
  'RoleList',
  'RoleBinding',
  'RoleBindingList',
  'Service',
  'DaemonSet',
  'Pod',
  'ReplicationController',
  'ReplicaSet',
  'Deployment',
  'HorizontalPodAutoscaler',
  'StatefulSet',
  'Job',
  'CronJob',
  'IngressClass',
  'Ingress',
  'APIService',
];

const waveOf = (obj: KubeObject): number => Number(obj.metadata.annotations?.[SYNC_WAVE] ?? 0);
const kindRank = (obj: KubeObject): number =>
  KIND_ORDER.includes(obj.kind) ? KIND_ORDER.indexOf(obj.kind) : KIND_ORDER.length;

export function syncOrder(objects: readonly RenderedObject[]): RenderedObject[] {
  return [...objects].sort(
    (a, b) =>
      waveOf(a.obj) - waveOf(b.obj) ||
      kindRank(a.obj) - kindRank(b.obj) ||
      a.obj.kind.localeCompare(b.obj.kind) ||
      a.obj.metadata.name.localeCompare(b.obj.metadata.name),
  );
}

/** A per-object sync option (`ServerSideApply=true` in argocd.argoproj.io/sync-options). */
export const hasSyncOption = (obj: KubeObject, option: string): boolean =>
  (obj.metadata.annotations?.[SYNC_OPTIONS] ?? '').split(',').includes(option);

/** The kubeadm pods of lib/check/system-pods.ts made complete enough for the API server (selector, labels, image). */
function runnable(obj: KubeObject): KubeObject {
  const spec = asRecord(obj.spec);
  const template = asRecord(spec.template);
  const labels = { 'verify.pg-gitops/system-pod': obj.metadata.name };
  const podSpec = asRecord(template.spec);
  const containers = asArray(podSpec.containers).map((c) => ({
    image: `registry.k8s.io/${String(asRecord(c).name)}`,
    ...asRecord(c),
  }));
  return {
    ...obj,
    spec: {
      ...spec,
      selector: { matchLabels: labels },
      template: { ...template, metadata: { labels }, spec: { ...podSpec, containers } },
    },
  };
}

/** What exists before ArgoCD's first sync: the kubeadm and Flannel pods and ArgoCD's own CRDs and namespace. */
export function bootstrapObjects(site: Site): RenderedObject[] {
  const upstream = upstreamOf(catalogOf(site).versions);
  const from = (app: string, objs: readonly KubeObject[]) =>
    objs.map((obj) => ({ site: site.name, app, file: '', obj }));
  const argocd = [
    upstream.argocd.applicationCrd,
    upstream.argocd.appProjectCrd,
    upstream.argocd.applicationSetCrd,
  ].flatMap((f) => loadUpstreamYaml(f) as KubeObject[]);
  return [
    ...from('host-bootstrap', loadUpstreamYaml(upstream.flannel) as KubeObject[]),
    ...systemPods(site)
      .filter((p) => p.app === 'kubeadm')
      .map((p) => ({ ...p, obj: runnable(p.obj) })),
    ...from('argocd-install', [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ARGOCD_NAMESPACE } },
      ...argocd,
    ]),
  ];
}

function applicationSync(tree: SiteTree, app: KubeObject, rootFolder: string | undefined): AppSync {
  const spec = asRecord(app.spec);
  const source = asRecord(spec.source);
  const policy = asRecord(spec.syncPolicy);
  const options = asArray(policy.syncOptions).map(String);
  const namespace =
    typeof asRecord(spec.destination).namespace === 'string' ? String(asRecord(spec.destination).namespace) : undefined;
  const prefix = `dist/${tree.site.name}/`;
  const path = typeof source.path === 'string' ? source.path : undefined;
  const folder = path?.startsWith(prefix) ? path.slice(prefix.length) : undefined;
  const managed = asRecord(policy.managedNamespaceMetadata);
  return {
    app: app.metadata.name,
    folder,
    root: folder !== undefined && folder === rootFolder,
    wave: waveOf(app),
    objects: folder === undefined ? [] : syncOrder(tree.objects.filter((o) => o.app === folder)),
    serverSide: options.includes('ServerSideApply=true'),
    namespace,
    ...(options.includes('CreateNamespace=true') && namespace
      ? {
          createNamespace: {
            apiVersion: 'v1',
            kind: 'Namespace',
            metadata: {
              name: namespace,
              labels: asRecord(managed.labels) as Record<string, string>,
              annotations: asRecord(managed.annotations) as Record<string, string>,
            },
          },
        }
      : {}),
    ...(folder === undefined
      ? {
          notRendered: `its source is ${path ? `the path ${path}, outside ${prefix}` : `the Helm chart ${String(source.chart)} ${String(source.targetRevision)} of ${String(source.repoURL)}`}: not rendered into dist/, so not verified`,
        }
      : {}),
  };
}

/** The Applications of the site's argocd folder, root first, then by wave and name. */
export function syncPlan(tree: SiteTree): AppSync[] {
  const found = tree.objects.filter((o) => o.obj.kind === 'Application' && o.obj.apiVersion.startsWith('argoproj.io/'));
  const applications = found.map((o) => applicationSync(tree, o.obj, found[0]?.app));
  return [
    ...applications.filter((a) => a.root),
    ...applications.filter((a) => !a.root).sort((a, b) => a.wave - b.wave || a.app.localeCompare(b.app)),
  ];
}

/** Folders of dist/<site>/ that no Application syncs: ArgoCD would never apply them. */
export function unsyncedFolders(tree: SiteTree, plan: readonly AppSync[]): string[] {
  const synced = new Set(plan.map((a) => a.folder));
  return [...new Set(tree.objects.map((o) => o.app))].filter((f) => !synced.has(f)).sort();
}

/** The plan in sync groups: the root Application alone, then one group per wave. */
export function waves(plan: readonly AppSync[]): AppSync[][] {
  const groups: AppSync[][] = [];
  for (const a of plan) {
    const last = groups[groups.length - 1];
    if (last && !last[0].root && last[0].wave === a.wave) last.push(a);
    else groups.push([a]);
  }
  return groups;
}

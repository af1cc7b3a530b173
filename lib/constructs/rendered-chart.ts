import { asArray, asRecord } from '../core/records';
import type { Manifest } from '../upstream';
import { SYNC_WAVE } from '../core/annotations';
import { HARDENED_POD, RESTRICTED_CONTAINER } from './hardening';

/**
 * Our patches over upstream objects (a chart rendered at import time, pinned manifests): the
 * plain data is copied, never changed in place, since every site shares the parsed pin.
 */
type Data = Record<string, unknown>;

/** Kinds that are not namespaced, among those upstream charts render. */
const CLUSTER_SCOPED = new Set([
  'APIService',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'MutatingWebhookConfiguration',
  'Namespace',
  'PodSecurityPolicy',
  'PriorityClass',
  'StorageClass',
  'ValidatingWebhookConfiguration',
]);

/**
 * A chart's object in the release namespace: charts that leave `metadata.namespace` to `helm install`
 * (MinIO's) render without one, and an object without a namespace lands in the Application's default.
 */
export function inNamespace(m: Manifest, namespace: string): Manifest {
  if (CLUSTER_SCOPED.has(m.kind) || m.metadata.namespace) return m;
  return { ...m, metadata: { ...m.metadata, namespace } };
}

/**
 * How ArgoCD runs Helm hooks (argo-cd docs/user-guide/helm.md#helm-hooks): written as ArgoCD's own, so the rendered
 * file says what happens.
 */
const HOOK_PHASES: Readonly<Record<string, string>> = {
  'pre-install': 'PreSync',
  'pre-upgrade': 'PreSync',
  'post-install': 'PostSync',
  'post-upgrade': 'PostSync',
};
const HOOK_POLICIES: Readonly<Record<string, string>> = {
  'before-hook-creation': 'BeforeHookCreation',
  'hook-succeeded': 'HookSucceeded',
  'hook-failed': 'HookFailed',
};

function mapList(value: string, table: Readonly<Record<string, string>>, what: string, m: Manifest): string {
  return [
    ...new Set(
      value.split(',').map((v) => {
        const mapped = table[v.trim()];
        if (!mapped)
          throw new Error(
            `${m.kind} ${m.metadata.name}: Helm ${what} '${v}' has no ArgoCD equivalent: leave the object out or map it in lib/constructs/rendered-chart.ts`,
          );
        return mapped;
      }),
    ),
  ]
    .sort()
    .join(',');
}

/** helm.sh/hook annotations as ArgoCD's hook, hook-delete-policy and (from the hook weight) sync-wave annotations. */
export function argoHook(m: Manifest): Manifest {
  const annotations = asRecord(m.metadata.annotations) as Record<string, string>;
  const hook = annotations['helm.sh/hook'];
  if (hook === undefined) return m;
  const {
    'helm.sh/hook': _h,
    'helm.sh/hook-delete-policy': policy,
    'helm.sh/hook-weight': weight,
    ...rest
  } = annotations;
  return {
    ...m,
    metadata: {
      ...m.metadata,
      annotations: {
        ...rest,
        'argocd.argoproj.io/hook': mapList(hook, HOOK_PHASES, 'hook', m),
        ...(policy
          ? { 'argocd.argoproj.io/hook-delete-policy': mapList(policy, HOOK_POLICIES, 'hook-delete-policy', m) }
          : {}),
        ...(weight ? { [SYNC_WAVE]: weight } : {}),
      },
    },
  };
}

/** Where a kind keeps its pod template, or undefined when it has none. */
function podSpecPath(kind: string): string[] | undefined {
  switch (kind) {
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
    case 'Job':
      return ['spec', 'template', 'spec'];
    case 'CronJob':
      return ['spec', 'jobTemplate', 'spec', 'template', 'spec'];
    default:
      return undefined;
  }
}

/** Requests and limits as upstream data writes them (quantities as strings). */
export interface PlainResources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

export interface PodPatch {
  /**
   * Requests and limits by container name, over upstream's: a container upstream gives no limits must be listed.
   * @default - upstream's
   */
  readonly resources?: Readonly<Record<string, PlainResources>>;
  /** The pod's user, for an image whose own user is not numeric (runAsNonRoot needs one). @default - upstream's */
  readonly runAsUser?: number;
  /** Mount an emptyDir at /tmp, for a read-only root filesystem whose program writes there. @default false */
  readonly writableTmp?: boolean;
  /** Arguments to rewrite per container (an image in a flag, for a mirror). */
  readonly args?: (container: string, args: readonly string[]) => string[];
}

/**
 * An upstream workload hardened to pass Pod Security `restricted` and the house policy (no
 * privilege escalation, every capability dropped, RuntimeDefault seccomp, non-root, read-only
 * root filesystem), our resources set: upstream's own security settings (its user, group) are kept
 * beneath ours. Throws when a container has no resources here, so a new upstream container is seen.
 */
export function hardenWorkload(m: Manifest, patch: PodPatch): Manifest {
  const path = podSpecPath(m.kind);
  if (!path) throw new Error(`${m.kind} ${m.metadata.name} has no pod template to harden`);
  const copy = structuredClone(m) as Manifest;
  const pod = path.reduce<Data>((at, key) => asRecord(at[key]), copy as Data);
  const own = asRecord(pod.securityContext);
  pod.securityContext = {
    ...own,
    ...HARDENED_POD,
    ...(patch.runAsUser === undefined ? {} : { runAsUser: patch.runAsUser }),
  };
  const containers = [...asArray(pod.initContainers), ...asArray(pod.containers)].map(asRecord);
  for (const c of containers) {
    const name = String(c.name);
    const upstream = asRecord(c.resources);
    const resources = patch.resources?.[name];
    if (!resources && !upstream.limits)
      throw new Error(
        `${m.kind} ${m.metadata.name}: container '${name}' has no limits upstream and none in its PodPatch: set its resources`,
      );
    c.securityContext = { ...asRecord(c.securityContext), ...structuredClone(RESTRICTED_CONTAINER) };
    // upstream's other requests (ephemeral-storage) stay
    if (resources)
      c.resources = {
        requests: { ...asRecord(upstream.requests), ...resources.requests },
        limits: { ...asRecord(upstream.limits), ...resources.limits },
      };
    if (patch.args && c.args) c.args = patch.args(name, asArray(c.args).map(String));
    if (patch.writableTmp) c.volumeMounts = [...asArray(c.volumeMounts), { name: 'tmp', mountPath: '/tmp' }];
  }
  if (patch.writableTmp) pod.volumes = [...asArray(pod.volumes), { name: 'tmp', emptyDir: {} }];
  return copy;
}

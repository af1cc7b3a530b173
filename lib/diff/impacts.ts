import { dataNamespaces, isDataBearing, isProtected } from '../core/data-bearing';
import { describe, groupKind, type KubeObject } from '../core/objects';
import {
  addressLost,
  field,
  is,
  plural,
  sourceRanges,
  sources,
  type ChangeContext,
  type Impact,
  type ImpactRule,
} from '../core/impact';
import { objectRef } from '../site/acknowledge';
import { COMPONENTS } from '../components';

/**
 * What a change does once ArgoCD syncs it (lib/core/impact.ts): the rules of every kind here (removals, moves,
 * protection, Services' addresses, StorageClasses, pod templates), and those each component contributes for the kinds
 * it renders (`Component.impacts`), in registry order, between them.
 */

const dataRemoval: ImpactRule = (c) => {
  if (c.action !== 'remove' || !isDataBearing(c.before!, dataNamespaces(c.site.before))) return [];
  const what = describe(c.before!);
  return [
    {
      level: 'destructive',
      ack: `delete ${objectRef(c.before!)}`,
      message: isProtected(c.before!)
        ? `${what} holds data and is removed from git: ArgoCD will not prune it (Prune=false,Delete=false) and leaves it running unmanaged; whoever deletes it deletes its data`
        : `${what} holds data and ArgoCD will prune it: its data is deleted`,
    },
  ];
};

const protectionDropped: ImpactRule = (c) =>
  c.action === 'change' && isProtected(c.before!) && !isProtected(c.after!)
    ? [
        {
          level: 'destructive',
          ack: `unprotect ${objectRef(c.after!)}`,
          message: `loses Prune=false,Delete=false: from now on a removal or an Application deletion deletes its data`,
        },
      ]
    : [];

const crdRemoval: ImpactRule = (c) =>
  c.action === 'remove' && groupKind(c.before!) === 'apiextensions.k8s.io/CustomResourceDefinition'
    ? [
        {
          level: isProtected(c.before!) ? 'disruptive' : 'destructive',
          ...(isProtected(c.before!) ? {} : { ack: `delete ${objectRef(c.before!)}` }),
          message: `deleting CRD ${c.before!.metadata.name} deletes every ${String(field(c.before, 'spec.names.kind'))} in the cluster${isProtected(c.before!) ? ' (ArgoCD will not prune it: Prune=false)' : ''}`,
        },
      ]
    : [];

const applicationRemoval: ImpactRule = (c) =>
  c.action === 'remove' && groupKind(c.before!) === 'argoproj.io/Application'
    ? [
        {
          level: 'disruptive',
          message: `ArgoCD deletes Application ${c.before!.metadata.name} and, through its finalizer, every object it manages except those marked Delete=false`,
        },
      ]
    : [];

const namespaceRemoval: ImpactRule = (c) =>
  c.action === 'remove' &&
  groupKind(c.before!) === '/Namespace' &&
  !isDataBearing(c.before!, dataNamespaces(c.site.before))
    ? [
        {
          level: 'disruptive',
          message: `deleting namespace ${c.before!.metadata.name} deletes everything in it, including objects this repository does not render`,
        },
      ]
    : [];

/** Between Applications the old one prunes the object and the new one creates it, unless it is protected. */
const moved: ImpactRule = (c) => {
  if (c.action !== 'change' || c.apps.before === c.apps.after) return [];
  const move = `moves from Application ${c.apps.before} to ${c.apps.after}`;
  if (isProtected(c.before!))
    return [
      {
        level: 'info',
        message: `${move}: ${c.apps.before} leaves it in place (Prune=false) and ${c.apps.after} adopts it`,
      },
    ];
  return [
    isDataBearing(c.before!, dataNamespaces(c.site.before))
      ? {
          level: 'destructive',
          ack: `move ${objectRef(c.before!)} to ${c.apps.after}`,
          message: `${move}: ${c.apps.before} prunes it, deleting its data, before ${c.apps.after} recreates it empty`,
        }
      : {
          level: 'disruptive',
          message: `${move}: ${c.apps.before} prunes it and ${c.apps.after} recreates it, a short gap`,
        },
  ];
};

/** A Service that becomes (or stops being) a LoadBalancer gets (or loses) an address of MetalLB's pool. */
const serviceAddresses: ImpactRule = (c) => {
  if (!is(c, '/Service')) return [];
  const lb = (o: KubeObject | undefined) => field(o, 'spec.type') === 'LoadBalancer';
  if (c.action === 'remove')
    return lb(c.before) ? [addressLost(`Service ${c.before!.metadata.namespace}/${c.before!.metadata.name}`)] : [];
  const name = `Service ${c.after!.metadata.namespace}/${c.after!.metadata.name}`;
  if (lb(c.after) && !lb(c.before))
    return [
      {
        level: 'info',
        message: `${name} gets an external address from the load balancer pool, ${sources(c.after, 'spec.loadBalancerSourceRanges')}`,
      },
    ];
  if (lb(c.before) && !lb(c.after)) return [addressLost(name)];
  return lb(c.after) ? sourceRanges(c, [name], 'spec.loadBalancerSourceRanges') : [];
};

/** Kubernetes forbids updates to a StorageClass other than its metadata and allowVolumeExpansion. */
const storageClassUpdate: ImpactRule = (c) => {
  if (c.action !== 'change' || !is(c, 'storage.k8s.io/StorageClass')) return [];
  const immutable = c.fields
    .filter((f) => !f.path.startsWith('metadata.') && f.path !== 'allowVolumeExpansion')
    .map((f) => f.path);
  return immutable.length
    ? [
        {
          level: 'refused',
          message: `StorageClass ${c.after!.metadata.name}: ${immutable.join(', ')} cannot be updated, the sync fails; existing volumes keep their settings anyway: delete the StorageClass by hand (its volumes stay) and let ArgoCD recreate it`,
        },
      ]
    : [];
};

/** Any pod template change restarts the pods of a Deployment, StatefulSet or DaemonSet. */
const podTemplate: ImpactRule = (c) => {
  const kinds = ['apps/Deployment', 'apps/StatefulSet', 'apps/DaemonSet'];
  if (
    c.action !== 'change' ||
    !kinds.includes(groupKind(c.after!)) ||
    !c.fields.some((f) => f.path.startsWith('spec.template.'))
  )
    return [];
  const replicas =
    groupKind(c.after!) === 'apps/DaemonSet'
      ? "every node's pod"
      : plural(Number(field(c.after, 'spec.replicas') ?? 1), 'pod');
  return [
    field(c.after, 'spec.strategy.type') === 'Recreate'
      ? {
          level: 'disruptive',
          message: `pod template changed: ${replicas} stopped then recreated (strategy Recreate): a short outage of ${c.after!.metadata.name}`,
        }
      : { level: 'info', message: `pod template changed: rolling restart of ${replicas}` },
  ];
};

const BEFORE: readonly ImpactRule[] = [
  moved,
  dataRemoval,
  protectionDropped,
  crdRemoval,
  applicationRemoval,
  namespaceRemoval,
];
const AFTER: readonly ImpactRule[] = [serviceAddresses, storageClassUpdate, podTemplate];
const IMPACT_RULES: readonly ImpactRule[] = [...BEFORE, ...COMPONENTS.flatMap((c) => c.impacts ?? []), ...AFTER];

export function impactsOf(c: ChangeContext): Impact[] {
  return IMPACT_RULES.flatMap((rule) => rule(c));
}

import type { Site, SiteNode } from './model';
import type { Taint } from '../core/taints';
import { NODE_ROLES, type NodeRole } from './schema/roles';

/** A node label as `key=value`. */
export interface NodeLabel {
  readonly key: string;
  readonly value: string;
}

/**
 * The labels each role puts on a node at kubeadm join, and that the charts select on.
 * These are the runbook's labels: never type them anywhere else.
 */
export const ROLE_LABELS: Readonly<Record<Exclude<NodeRole, 'control-plane'>, NodeLabel>> = {
  storage: { key: 'role', value: 'storage-node' },
  postgres: { key: 'postgres-operator', value: 'enabled' },
  s3: { key: 'role', value: 's3-node' },
};

export function roleLabel(role: Exclude<NodeRole, 'control-plane'>): NodeLabel {
  return ROLE_LABELS[role];
}

/** The labels a node gets from its roles (the control plane's come from kubeadm). */
export function nodeLabels(node: SiteNode): NodeLabel[] {
  return node.roles.filter((r): r is Exclude<NodeRole, 'control-plane'> => r !== 'control-plane').map(roleLabel);
}

export function nodesWithRole(site: Site, role: NodeRole): SiteNode[] {
  return site.nodes.filter((n) => n.roles.includes(role));
}

/** A required nodeAffinity selecting the nodes that carry a role's label. */
export function requiredNodeAffinity(role: Exclude<NodeRole, 'control-plane'>) {
  const label = roleLabel(role);
  return {
    requiredDuringSchedulingIgnoredDuringExecution: {
      nodeSelectorTerms: [{ matchExpressions: [{ key: label.key, operator: 'In', values: [label.value] }] }],
    },
  };
}

/** A required nodeAffinity selecting the nodes of any of the roles (one term per role: terms are ORed). */
export function requiredNodeAffinityAny(roles: readonly Exclude<NodeRole, 'control-plane'>[]) {
  return {
    requiredDuringSchedulingIgnoredDuringExecution: {
      nodeSelectorTerms: roles.map(
        (r) => requiredNodeAffinity(r).requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0],
      ),
    },
  };
}

/**
 * Taints a role puts on a node at join; whatever runs there must tolerate them. Only storage
 * nodes are dedicated (the runbook's Rook placement tolerates `storage-node`): the operators,
 * Prometheus and ArgoCD need untainted workers to land on. The data services of the s3 and
 * postgres nodes outrank them instead (lib/site/priority.ts, docs/scheduling.md).
 */
const ROLE_TAINTS: Readonly<Partial<Record<NodeRole, Taint>>> = {
  storage: { key: 'storage-node', effect: 'NoSchedule' },
};

export function nodeTaints(node: SiteNode): Taint[] {
  return node.roles.flatMap((r) => (ROLE_TAINTS[r] ? [ROLE_TAINTS[r]] : []));
}

/** kubeadm's own taint of control-plane nodes (the `master` one is gone since 1.25). */
export const CONTROL_PLANE_TAINT: Taint = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };

/**
 * Every taint a node registers with: its roles' taints, plus kubeadm's control-plane taint
 * unless the control plane also has a workload role (host-bootstrap then joins it untainted).
 */
export function registeredTaints(node: SiteNode): Taint[] {
  const dedicatedControlPlane = node.roles.every((r) => r === 'control-plane');
  return [...(dedicatedControlPlane ? [CONTROL_PLANE_TAINT] : []), ...nodeTaints(node)];
}

/** The toleration matching a role's taint (operator Exists, as the runbook's Rook placement). */
export interface RoleToleration {
  readonly key: string;
  readonly operator: 'Exists';
  readonly effect: Taint['effect'];
}
export function roleToleration(role: NodeRole): RoleToleration | undefined {
  const taint = ROLE_TAINTS[role];
  return taint ? { key: taint.key, operator: 'Exists', effect: taint.effect } : undefined;
}

/**
 * Tolerations for the taints that other roles put on the nodes of `role`: a node that is both
 * `postgres` and `storage` keeps the storage taint (general workloads stay off it), so the pods
 * pinned to `role` (Spilo, its poolers, the Ceph CSI node plugin that mounts their volumes)
 * tolerate it there. Empty when no node of `role` is tainted by another role.
 */
export function sharedNodeTolerations(site: Site, role: NodeRole): RoleToleration[] {
  const others = new Set(nodesWithRole(site, role).flatMap((n) => n.roles.filter((r) => r !== role)));
  return NODE_ROLES.filter((r) => others.has(r)).flatMap((r) => roleToleration(r) ?? []);
}

import type { NodeRole, Site, SiteNode } from './model';

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

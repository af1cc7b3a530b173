import type { Site } from '../site/model';
import { parseQuantity } from '../core/quantity';
import { nodeLabels, registeredTaints } from '../site/roles';
import { asArray, asRecord } from '../core/records';
import { byText } from '../core/order';
import type { Taint } from '../core/taints';
import type { Placement } from '../core/workloads';

/**
 * The scheduler's view of the site's nodes (labels, taints, size) and of a pod's placement
 * (nodeSelector, required nodeAffinity, tolerations), to evaluate selectors against the model
 * without a cluster.
 */
export interface SchedulingNode {
  readonly name: string;
  readonly roles: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly Taint[];
  /** Cores. */
  readonly cpu: number;
  /** Bytes. */
  readonly memory: number;
}

export function schedulingNodes(site: Site): SchedulingNode[] {
  return site.nodes.map((node) => {
    const controlPlane = node.roles.includes('control-plane');
    const labels: Record<string, string> = {
      // set by the kubelet on every node
      'kubernetes.io/hostname': node.name,
      'kubernetes.io/os': 'linux',
      ...(controlPlane
        ? { 'node-role.kubernetes.io/control-plane': '', 'node.kubernetes.io/exclude-from-external-load-balancers': '' }
        : {}),
      ...Object.fromEntries(nodeLabels(node).map((l) => [l.key, l.value])),
    };
    return {
      name: node.name,
      roles: node.roles,
      labels,
      taints: registeredTaints(node),
      cpu: node.cpu,
      memory: parseQuantity(node.memory),
    };
  });
}

/** Where a pod may run, as in a PodSpec (or a custom resource's equivalent fields). */

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function matchesExpression(value: string | undefined, expr: Record<string, unknown>): boolean {
  const values = asArray(expr.values).map(String);
  switch (expr.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
      return value !== undefined && Number(value) > Number(values[0]);
    case 'Lt':
      return value !== undefined && Number(value) < Number(values[0]);
    default:
      return false;
  }
}

/** One NodeSelectorTerm: every matchExpressions (labels) and matchFields (metadata.name) entry holds. */
function matchesTerm(node: SchedulingNode, term: Record<string, unknown>): boolean {
  const labels = asArray(term.matchExpressions)
    .map(asRecord)
    .every((e) => matchesExpression(node.labels[String(e.key)], e));
  const fields = asArray(term.matchFields)
    .map(asRecord)
    .every((e) => matchesExpression(e.key === 'metadata.name' ? node.name : undefined, e));
  return labels && fields;
}

/** nodeSelector and required nodeAffinity (terms are ORed; no terms = no constraint). */
export function selects(node: SchedulingNode, placement: Placement): boolean {
  const selector = Object.entries(asRecord(placement.nodeSelector)).every(([k, v]) => node.labels[k] === str(v));
  const required = asRecord(asRecord(placement.nodeAffinity).requiredDuringSchedulingIgnoredDuringExecution);
  const terms = asArray(required.nodeSelectorTerms).map(asRecord);
  return selector && (terms.length === 0 || terms.some((t) => matchesTerm(node, t)));
}

export function tolerates(tolerations: unknown, taint: Taint): boolean {
  return asArray(tolerations)
    .map(asRecord)
    .some((t) => {
      const keyMatches = t.key === undefined || t.key === '' ? t.operator === 'Exists' : t.key === taint.key;
      const valueMatches = t.operator === 'Exists' || (str(t.value) ?? '') === (taint.value ?? '');
      const effectMatches = t.effect === undefined || t.effect === '' || t.effect === taint.effect;
      return keyMatches && valueMatches && effectMatches;
    });
}

/** Taints that keep the pod off the node (PreferNoSchedule only discourages). */
function untoleratedTaints(node: SchedulingNode, placement: Placement): Taint[] {
  return node.taints.filter((t) => t.effect !== 'PreferNoSchedule' && !tolerates(placement.tolerations, t));
}

export function eligible(node: SchedulingNode, placement: Placement): boolean {
  return selects(node, placement) && untoleratedTaints(node, placement).length === 0;
}

export const taintText = (t: Taint): string => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`;

/** Why the nodes a placement leaves out are left out, e.g. `3 nodes have untolerated taint storage-node:NoSchedule`. */
export function explainRejections(nodes: readonly SchedulingNode[], placement: Placement): string {
  const selected = nodes.filter((n) => selects(n, placement));
  const tainted = new Map<string, string[]>();
  for (const n of selected) {
    for (const t of untoleratedTaints(n, placement))
      tainted.set(taintText(t), [...(tainted.get(taintText(t)) ?? []), n.name]);
  }
  const parts = [`${selected.length} of ${nodes.length} nodes match its node selector/affinity`];
  for (const [taint, names] of [...tainted].sort(([a], [b]) => byText(a, b)))
    parts.push(`${names.join(', ')} ${names.length === 1 ? 'has' : 'have'} the untolerated taint ${taint}`);
  return parts.join('; ');
}

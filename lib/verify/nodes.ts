import type { KubeObject } from '../core/objects';
import { systemReserve } from '../check/capacity';
import { nodeRegistration } from '../bootstrap/kubeadm';
import type { Site, SiteNode } from '../site/model';
import { parseQuantity } from '../core/quantity';

/**
 * The kubelet reports its root filesystem as ephemeral-storage; the site model has no root disk
 * size, so every node registers this much (the static check does not count ephemeral storage either).
 */
const ASSUMED_EPHEMERAL_STORAGE = '100Gi';

/** kwok fakes the kubelet of every node carrying this annotation. */
export const KWOK_ANNOTATION = { 'kwok.x-k8s.io/node': 'fake' } as const;

/** Labels every kubelet sets on its node, and kubeadm's mark of a control-plane node. */
function systemLabels(node: SiteNode): Record<string, string> {
  return {
    'kubernetes.io/hostname': node.name,
    'kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux',
    'beta.kubernetes.io/arch': 'amd64',
    ...(node.roles.includes('control-plane')
      ? { 'node-role.kubernetes.io/control-plane': '', 'node.kubernetes.io/exclude-from-external-load-balancers': '' }
      : {}),
  };
}

/**
 * A site node as its kubeadm join registers it: the name, the `node-labels` and taints of its
 * JoinConfiguration (host-bootstrap's own renderer), capacity from the model and allocatable after
 * the system reserve `npm run check` assumes (lib/check/capacity.ts).
 */
export function kwokNode(node: SiteNode): KubeObject {
  const registration = nodeRegistration(node);
  const labels = (registration.kubeletExtraArgs['node-labels'] ?? '')
    .split(',')
    .filter(Boolean)
    .map((l): [string, string] => {
      const [key, value] = l.split('=');
      return [key, value];
    });
  const memory = parseQuantity(node.memory);
  const reserve = systemReserve({ cpu: node.cpu, memory });
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: registration.name,
      annotations: { ...KWOK_ANNOTATION },
      labels: { ...systemLabels(node), ...Object.fromEntries(labels) },
    },
    spec: { taints: registration.taints.map((t) => ({ key: t.key, effect: t.effect })) },
    status: {
      capacity: {
        cpu: String(node.cpu),
        memory: String(memory),
        pods: '110',
        'ephemeral-storage': ASSUMED_EPHEMERAL_STORAGE,
      },
      allocatable: {
        cpu: `${Math.floor((node.cpu - reserve.cpu) * 1000)}m`,
        memory: String(Math.floor(memory - reserve.memory)),
        pods: '110',
        'ephemeral-storage': ASSUMED_EPHEMERAL_STORAGE,
      },
      addresses: [
        { type: 'InternalIP', address: node.address },
        { type: 'Hostname', address: node.name },
      ],
    },
  };
}

export const kwokNodes = (site: Site): KubeObject[] => site.nodes.map(kwokNode);

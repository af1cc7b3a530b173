import { catalogOf } from '../site/catalog';
import type { Site } from '../site/model';
import { loadUpstreamYaml, upstreamOf } from '../upstream';
import type { KubeObject, RenderedObject } from '../core/objects';
import { CONTROL_PLANE_TAINT } from '../site/roles';

/**
 * Pods every kubeadm cluster runs that are not in dist/ (kubeadm installs them, host-bootstrap
 * applies Flannel), so that capacity counts them on the nodes they land on. Flannel comes from
 * the pinned kube-flannel.yml; the kubeadm ones are kubeadm 1.26's own requests.
 */
const controlPlanePods: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  // static pods, one set per control-plane node: etcd 100m/100Mi, kube-apiserver 250m, controller-manager 200m,
  // scheduler 100m
  metadata: { name: 'kubeadm-static-pods', namespace: 'kube-system' },
  spec: {
    template: {
      spec: {
        nodeSelector: { 'node-role.kubernetes.io/control-plane': '' },
        tolerations: [{ key: CONTROL_PLANE_TAINT.key, operator: 'Exists', effect: CONTROL_PLANE_TAINT.effect }],
        containers: [
          { name: 'etcd', resources: { requests: { cpu: '100m', memory: '100Mi' } } },
          { name: 'kube-apiserver', resources: { requests: { cpu: '250m' } } },
          { name: 'kube-controller-manager', resources: { requests: { cpu: '200m' } } },
          { name: 'kube-scheduler', resources: { requests: { cpu: '100m' } } },
        ],
      },
    },
  },
};

const coreDns: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'coredns', namespace: 'kube-system' },
  spec: {
    replicas: 2,
    template: {
      spec: {
        tolerations: [
          { key: 'CriticalAddonsOnly', operator: 'Exists' },
          { key: CONTROL_PLANE_TAINT.key, effect: CONTROL_PLANE_TAINT.effect },
        ],
        priorityClassName: 'system-cluster-critical',
        containers: [
          { name: 'coredns', resources: { requests: { cpu: '100m', memory: '70Mi' }, limits: { memory: '170Mi' } } },
        ],
      },
    },
  },
};

export function systemPods(site: Site): RenderedObject[] {
  const flannel = loadUpstreamYaml(upstreamOf(catalogOf(site).versions).flannel).filter(
    (m) => m.kind === 'DaemonSet',
  ) as KubeObject[];
  return [
    ...[controlPlanePods, coreDns].map((obj) => ({ site: site.name, app: 'kubeadm', file: '', obj })),
    ...flannel.map((obj) => ({ site: site.name, app: 'host-bootstrap', file: '', obj })),
  ];
}

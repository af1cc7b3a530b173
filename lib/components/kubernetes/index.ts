import { flannelManifests } from '../../bootstrap/flannel';
import { KUBERNETES_REGISTRY } from '../../bootstrap/kubeadm';
import { kubeVipManifest } from '../../bootstrap/kube-vip';
import { imagesOf } from '../../core/images';
import { validateBootstrap } from '../../site/bootstrap';
import { minorOf } from '../../core/versions';
import { validateControlPlaneVip } from '../../site/control-plane';
import { catalogOf, type Catalog } from '../../site/catalog';
import type { Component, ComponentImage } from '../component';

/** What kubeadm pulls for the control plane of a Kubernetes version (`kubeadm config images list`). */
function kubeadmImages(catalog: Catalog, version: string): string[] {
  const minor = minorOf(version);
  const pick = (byMinor: Readonly<Record<string, string>>, what: string) => {
    const tag = byMinor[minor];
    if (tag === undefined)
      throw new Error(
        `no ${what} image pinned for Kubernetes ${minor}: add it to ${what} in lib/site/trains/${catalog.train.name}.ts`,
      );
    return tag;
  };
  return [
    ...['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kube-proxy'].map(
      (c) => `${KUBERNETES_REGISTRY}/${c}:v${version}`,
    ),
    `${KUBERNETES_REGISTRY}/etcd:${pick(catalog.versions.etcd, 'etcd')}`,
    `${KUBERNETES_REGISTRY}/coredns/coredns:${pick(catalog.versions.coredns, 'coredns')}`,
    `${KUBERNETES_REGISTRY}/pause:${pick(catalog.versions.pause, 'pause')}`,
  ];
}

/**
 * The cluster itself, which the host bootstrap installs (host-bootstrap/, not dist/): kubeadm's
 * control plane, kube-vip in front of several control planes, Flannel. It renders no chart.
 */
export const kubernetes: Component = {
  name: 'kubernetes',
  summary: 'kubeadm, kube-vip and Flannel on the nodes (host-bootstrap/, no Application)',
  enabledWhen: 'always',
  // host-bootstrap/, not dist/: no Application
  waves: {},
  enabled: () => true,
  charts: () => [],
  validate: (site) => [...validateBootstrap(site), ...validateControlPlaneVip(site)],
  images: (site) => {
    const catalog = catalogOf(site);
    const uses =
      (usedBy: string) =>
      (image: string): ComponentImage => ({ image, usedBy });
    return [
      ...kubeadmImages(catalog, site.kubernetes.version).map(uses('kubeadm')),
      ...(kubeVipManifest(site) ? [catalog.images.kubeVip].map(uses('kube-vip')) : []),
      ...flannelManifests(site)
        .flatMap((m) => imagesOf(m))
        .map(({ image }) => uses('flannel')(image)),
    ];
  },
};

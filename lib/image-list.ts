import { load } from 'js-yaml';
import { argoCdInstallImages } from './bootstrap/argocd';
import { flannelManifests } from './bootstrap/flannel';
import { KUBERNETES_REGISTRY } from './bootstrap/kubeadm';
import { imagesOf } from './images';
import { kubeVipManifest } from './bootstrap/kube-vip';
import { bootstrapOf, kubernetesMinorOf } from './site/bootstrap';
import type { Site } from './site/model';
import { catalogOf, type Catalog } from './site/catalog';
import { renderManifests } from './synth/render';
import { byText } from './order';

/** One image a site needs, and what needs it (`dist/<app>`, `kubeadm`, `flannel`, `argocd install`). */
export interface NeededImage {
  readonly image: string;
  readonly usedBy: readonly string[];
}

/** What kubeadm pulls for the control plane of a Kubernetes version (`kubeadm config images list`). */
function kubeadmImages(catalog: Catalog, version: string): string[] {
  const minor = kubernetesMinorOf(version);
  const pick = (byMinor: Readonly<Record<string, string>>, what: string) => {
    const tag = byMinor[minor];
    if (tag === undefined) throw new Error(`no ${what} image pinned for Kubernetes ${minor}: add it to ${what} in lib/site/trains/${catalog.train.name}.ts`);
    return tag;
  };
  return [
    ...['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kube-proxy'].map((c) => `${KUBERNETES_REGISTRY}/${c}:v${version}`),
    `${KUBERNETES_REGISTRY}/etcd:${pick(catalog.versions.etcd, 'etcd')}`,
    `${KUBERNETES_REGISTRY}/coredns/coredns:${pick(catalog.versions.coredns, 'coredns')}`,
    `${KUBERNETES_REGISTRY}/pause:${pick(catalog.versions.pause, 'pause')}`,
  ];
}

/**
 * Every image a site's cluster pulls, as upstream references (a mirror holds copies under the
 * same names): the rendered manifests', kubeadm's, Flannel's and ArgoCD's install manifest's.
 */
export function siteImages(site: Site): NeededImage[] {
  const upstream: Site = { ...site, mirrors: undefined };
  const uses = new Map<string, Set<string>>();
  const add = (image: string, user: string) => uses.set(image, (uses.get(image) ?? new Set()).add(user));
  for (const [file, yaml] of renderManifests(upstream)) {
    const obj = load(yaml) as { kind?: string };
    if (obj.kind !== 'CustomResourceDefinition') imagesOf(obj).forEach(({ image }) => add(image, `dist/${file.split('/')[0]}`));
  }
  kubeadmImages(catalogOf(site), site.kubernetes.version).forEach((image) => add(image, 'kubeadm'));
  if (kubeVipManifest(upstream)) add(catalogOf(site).images.kubeVip, 'kube-vip');
  flannelManifests(upstream).flatMap((m) => imagesOf(m)).forEach(({ image }) => add(image, 'flannel'));
  if (bootstrapOf(site).installArgoCd) {
    argoCdInstallImages().forEach((image) => add(image, 'argocd install'));
  }
  return [...uses].map(([image, users]) => ({ image, usedBy: [...users].sort(byText) })).sort((a, b) => byText(a.image, b.image));
}

import type { Site, SiteNode } from './model';
import type { SiteIssue } from './issues';
import { catalogOf, pauseImage } from './catalog';
import { minorNumber, minorOf } from '../core/versions';
import { validateDebian } from './debian';
import { validatePackageVersion } from './kubernetes-packages';

/** The Kubernetes release whose kubelet, kubeadm and kubectl a node installs (they always go together). */
export function nodeKubernetesVersion(site: Site, node: SiteNode): string {
  return node.kubeletVersion ?? site.kubernetes.version;
}

/** The first control-plane node runs `kubeadm init`; the others join it as control planes. */
export function initNode(site: Site): SiteNode | undefined {
  return site.nodes.find((n) => n.roles.includes('control-plane'));
}

/**
 * What the cloud-init needs from the catalog (a known Debian release with its cloud-init schema), and the version skew
 * kubeadm would only meet on
 * the node (after the packages are installed), refused here instead.
 */
export function validateBootstrap(site: Site): SiteIssue[] {
  const issues: SiteIssue[] = [...validateDebian(site), ...validatePackageVersion(site)];
  const catalog = catalogOf(site);
  const file = `lib/site/trains/${catalog.train.name}.ts`;
  const versions = new Map<string, string>([['kubernetes.version', site.kubernetes.version]]);
  site.nodes.forEach((node, i) => {
    if (node.kubeletVersion !== undefined) versions.set(`nodes[${i}].kubeletVersion`, node.kubeletVersion);
  });
  for (const [path, version] of versions) {
    if (!/^\d+\.\d+\.\d+$/.test(version)) continue; // validateSite reports it
    if (catalog.versions.kubernetesPackages[version] === undefined) {
      const train = `add '${version}': '${version}-1.1' to kubernetesPackages in ${file}`;
      const fix =
        path === 'kubernetes.version'
          ? `set kubernetes.packageVersion: '${version}-1.1' (this site only), or ${train} (every site of the train)`
          : train;
      issues.push({
        path,
        message: `Kubernetes ${version} has no pinned Debian packages on train ${catalog.train.name} (pinned: ${Object.keys(catalog.versions.kubernetesPackages).join(', ')}): ${fix}, after checking it with 'apt-cache madison kubeadm'`,
      });
    } else if (pauseImage(catalog, minorOf(version)) === undefined) {
      issues.push({
        path,
        message: `Kubernetes ${minorOf(version)} has no pinned sandbox image: add its pause tag ('kubeadm config images list') to pause in ${file}`,
      });
    }
  }
  // kubeadm is installed with the kubelet, at the node's version: a kubelet the skew policy allows
  // would still bring a kubeadm that init or join must not use
  const cluster = site.kubernetes.version;
  site.nodes.forEach((node, i) => {
    const v = node.kubeletVersion;
    if (v === undefined || v === cluster) return;
    const path = `nodes[${i}].kubeletVersion`;
    if (node.roles.includes('control-plane')) {
      issues.push({
        path,
        message: `control-plane node '${node.name}' would install kubeadm and kubelet ${v} but run a ${cluster} control plane (kubernetes.version): a control-plane node runs one version; remove kubeletVersion or set it to ${cluster}`,
      });
    } else if (minorNumber(v) < minorNumber(cluster)) {
      // a newer kubelet is refused by validateSite
      issues.push({
        path,
        message: `node '${node.name}' would join with kubeadm ${v}, but kubeadm join must be the minor that created the cluster (${minorOf(cluster)}): join at ${cluster} (remove kubeletVersion) and upgrade nodes later with 'kubeadm upgrade node'`,
      });
    }
  });
  return issues;
}

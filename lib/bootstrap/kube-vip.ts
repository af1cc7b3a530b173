import { dump } from 'js-yaml';
import { controlPlaneVip } from '../site/control-plane';
import { siteImage } from '../site/mirrors';
import type { Site } from '../site/model';
import { catalogOf } from '../site/catalog';
import { bootstrapPath, ADMIN_KUBECONFIG } from './step';

/**
 * The control plane's virtual IP, served by kube-vip v0.6.2 as a static Pod on every control-plane
 * node (ARP, leader election): kubeadm's `controlPlaneEndpoint` when it is an address no node has.
 * The Pod is what `kube-vip manifest pod --interface <if> --address <vip> --controlplane --arp
 * --leaderElection` emits at v0.6.2 (TRAINS.md: image, NET_ADMIN/NET_RAW, admin.conf at the same
 * path, hostAlias kubernetes → 127.0.0.1, hostNetwork, `vip_cidr`), without `--services`
 * (MetalLB serves LoadBalancer Services), with the image through the site's mirror and pulled
 * IfNotPresent (upstream emits Always: an air-gapped node must start it from its cache).
 */
export const STATIC_POD_DIR = '/etc/kubernetes/manifests';
export const KUBE_VIP_MANIFEST = `${STATIC_POD_DIR}/kube-vip.yaml`;
/** Where a joining control plane keeps the manifest until `kubeadm join` is done (join wants an empty manifests folder). */
export const KUBE_VIP_STAGED = bootstrapPath('kube-vip.yaml');

export function kubeVipPod(site: Site, vip: { address: string; port: number }, iface: string): Record<string, unknown> {
  const env: Record<string, string> = {
    vip_arp: 'true',
    port: String(vip.port),
    vip_interface: iface,
    vip_cidr: '32',
    cp_enable: 'true',
    cp_namespace: 'kube-system',
    vip_ddns: 'false',
    vip_leaderelection: 'true',
    vip_leaseduration: '5',
    vip_renewdeadline: '3',
    vip_retryperiod: '1',
    address: vip.address,
  };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'kube-vip', namespace: 'kube-system' },
    spec: {
      containers: [{
        name: 'kube-vip',
        image: siteImage(site.mirrors, catalogOf(site).images.kubeVip),
        imagePullPolicy: 'IfNotPresent',
        args: ['manager'],
        env: Object.entries(env).map(([name, value]) => ({ name, value })),
        securityContext: { capabilities: { add: ['NET_ADMIN', 'NET_RAW'] } },
        volumeMounts: [{ mountPath: ADMIN_KUBECONFIG, name: 'kubeconfig' }],
      }],
      hostAliases: [{ hostnames: ['kubernetes'], ip: '127.0.0.1' }],
      hostNetwork: true,
      volumes: [{ name: 'kubeconfig', hostPath: { path: ADMIN_KUBECONFIG } }],
    },
  };
}

/** The kube-vip static Pod of a site with a virtual IP, as YAML; undefined without one. */
export function kubeVipManifest(site: Site): string | undefined {
  const vip = controlPlaneVip(site);
  const iface = site.kubernetes.vipInterface;
  return vip && iface ? dump(kubeVipPod(site, vip, iface), { lineWidth: -1, noRefs: true }) : undefined;
}

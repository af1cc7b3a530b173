import { dump } from 'js-yaml';
import { controlPlaneVip } from '../site/control-plane';
import { siteImage } from '../site/mirrors';
import type { Site } from '../site/model';
import { catalogOf } from '../site/catalog';
import { bootstrapPath, ADMIN_KUBECONFIG } from './step';
import { majorOf, minorNumber } from '../core/versions';

/**
 * The control plane's virtual IP, served by kube-vip (the catalog's kubeVip) as a static Pod on every control-plane
 * node (ARP, leader election): kubeadm's `controlPlaneEndpoint` when it is an address no node has.
 * The Pod is what `kube-vip manifest pod --interface <if> --address <vip> --controlplane --arp
 * --leaderElection` emits at v0.6.2 (TRAINS.md: image, NET_ADMIN/NET_RAW, admin.conf at the same
 * path, hostAlias kubernetes → 127.0.0.1, hostNetwork, `vip_cidr`), without `--services`
 * (MetalLB serves LoadBalancer Services), with the image through the site's mirror and pulled
 * IfNotPresent (upstream emits Always: an air-gapped node must start it from its cache).
 * kube-vip v1.x differs in one place, kubeVipFlavour: `vip_subnet` replaces `vip_cidr` (v1.2.3 fails fast
 * without it), `vip_nodename` from the node, every other capability dropped (config_generator.go of v1.2.3).
 */
const STATIC_POD_DIR = '/etc/kubernetes/manifests';
export const KUBE_VIP_MANIFEST = `${STATIC_POD_DIR}/kube-vip.yaml`;
/**
 * Where a joining control plane keeps the manifest until `kubeadm join` is done (join wants an empty manifests folder).
 */
export const KUBE_VIP_STAGED = bootstrapPath('kube-vip.yaml');

/**
 * kubeadm's super-admin.conf: from 1.29 admin.conf has no rights until `kubeadm init` has bound it, so kube-vip reads
 * this one during init (kube-vip#684).
 */
export const SUPER_ADMIN_KUBECONFIG = '/etc/kubernetes/super-admin.conf';

/** What the pinned kube-vip's `manifest pod` emits differently per major (TRAINS.md, kube-vip row). */
function kubeVipFlavour(version: string) {
  const v1 = majorOf(version) >= 1;
  return v1
    ? { subnetEnv: 'vip_subnet', nodeName: true, capabilities: { add: ['NET_ADMIN', 'NET_RAW'], drop: ['ALL'] } }
    : { subnetEnv: 'vip_cidr', nodeName: false, capabilities: { add: ['NET_ADMIN', 'NET_RAW'] } };
}

/**
 * Whether the first control plane's kube-vip reads super-admin.conf during `kubeadm init` (Kubernetes
 * >= 1.29; raw…/kube-vip/website/main/content/docs/installation/static.md:146); the init script points it
 * back at admin.conf once the cluster is up.
 */
export const kubeVipNeedsSuperAdmin = (site: Site): boolean =>
  minorNumber(site.kubernetes.version) >= minorNumber('1.29');

/** @param kubeconfig the host file kube-vip authenticates with (mounted at admin.conf's path) */
function kubeVipPod(
  site: Site,
  vip: { address: string; port: number },
  iface: string,
  kubeconfig = ADMIN_KUBECONFIG,
): Record<string, unknown> {
  const flavour = kubeVipFlavour(catalogOf(site).versions.kubeVip);
  const env: Record<string, string> = {
    vip_arp: 'true',
    port: String(vip.port),
    vip_interface: iface,
    [flavour.subnetEnv]: '32',
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
      containers: [
        {
          name: 'kube-vip',
          image: siteImage(site.mirrors, catalogOf(site).images.kubeVip),
          imagePullPolicy: 'IfNotPresent',
          args: ['manager'],
          env: [
            ...Object.entries(env).map(([name, value]) => ({ name, value })),
            ...(flavour.nodeName
              ? [{ name: 'vip_nodename', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }]
              : []),
          ],
          securityContext: { capabilities: flavour.capabilities },
          volumeMounts: [{ mountPath: ADMIN_KUBECONFIG, name: 'kubeconfig' }],
        },
      ],
      hostAliases: [{ hostnames: ['kubernetes'], ip: '127.0.0.1' }],
      hostNetwork: true,
      volumes: [{ name: 'kubeconfig', hostPath: { path: kubeconfig } }],
    },
  };
}

/** The kube-vip static Pod of a site with a virtual IP, as YAML (reading `kubeconfig`); undefined without one. */
export function kubeVipManifest(site: Site, kubeconfig = ADMIN_KUBECONFIG): string | undefined {
  const vip = controlPlaneVip(site);
  const iface = site.kubernetes.vipInterface;
  return vip && iface ? dump(kubeVipPod(site, vip, iface, kubeconfig), { lineWidth: -1, noRefs: true }) : undefined;
}

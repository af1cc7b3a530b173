import { dump } from 'js-yaml';
import { resolveSite } from '../site/resolve';
import type { Site, SiteNode } from '../site/model';
import { parseEndpoint } from '../site/network';
import { nodeLabels, nodesWithRole, registeredTaints } from '../site/roles';
import { initNode } from '../site/bootstrap';
import { CONTROL_PLANE_METRICS, LOOPBACK_BIND_ADDRESS } from '../site/control-plane-metrics';
import { bashScript, file, type WriteFile } from './cloud-config';
import { CONTAINERD_SOCKET } from './containerd';
import { placeholder } from './secrets';
import {
  COMPONENT_HARDENING,
  ENCRYPTION_CONFIG,
  KUBELET_HARDENING,
  apiServerHardening,
  controlPlaneFiles,
} from './control-plane-hardening';
import { ADMIN_KUBECONFIG, type BootstrapStep } from './step';
import {
  KUBE_VIP_MANIFEST,
  KUBE_VIP_STAGED,
  SUPER_ADMIN_KUBECONFIG,
  kubeVipManifest,
  kubeVipNeedsSuperAdmin,
} from './kube-vip';

import type { Taint } from '../core/taints';
import { isRecord } from '../core/records';
import { minorNumber } from '../core/versions';

/**
 * The kubeadm configuration (kubeadm.k8s.io) and kubelet.config.k8s.io/v1beta1, the fields we set.
 * One `kubeadm init|join --config` per node, as Cluster API's kubeadm bootstrap does.
 */
export const KUBEADM_CONFIG = '/run/kubeadm/kubeadm.yaml';

/**
 * The kubeadm config API the node's kubeadm (the site's Kubernetes minor) reads and writes:
 * "v1.27: only v1beta3 config [...] v1.31: v1beta3 read-only, writes only v1beta4 config"
 * (kubernetes@v1.36.5:cmd/kubeadm/app/util/config/common.go:75-76). kubeadm 1.36 still reads v1beta3,
 * with a warning ("deprecated API spec", common.go:89-99; "v1beta3 is deprecated in favor of v1beta4
 * and will be removed in a future release, 1.34 or later", app/apis/kubeadm/v1beta3/doc.go:25), so a
 * minor that has v1beta4 gets v1beta4.
 */
export type KubeadmApi = 'kubeadm.k8s.io/v1beta3' | 'kubeadm.k8s.io/v1beta4';
export function kubeadmApiOf(kubernetesVersion: string): KubeadmApi {
  return minorNumber(kubernetesVersion) >= minorNumber('1.31') ? 'kubeadm.k8s.io/v1beta4' : 'kubeadm.k8s.io/v1beta3';
}

interface APIEndpoint {
  readonly advertiseAddress: string;
  readonly bindPort: number;
}

export interface NodeRegistration {
  readonly name: string;
  readonly criSocket: string;
  /** Flags of this kubelet; `node-labels` here is how a node gets its role labels at join. */
  readonly kubeletExtraArgs: Readonly<Record<string, string>>;
  /** The complete list: kubeadm adds none when it is set (an empty list means untainted). */
  readonly taints: readonly Taint[];
}

interface BootstrapToken {
  readonly token: string;
  readonly ttl: string;
  readonly groups: readonly string[];
  readonly usages: readonly string[];
}

interface InitConfiguration {
  readonly apiVersion: KubeadmApi;
  readonly kind: 'InitConfiguration';
  readonly bootstrapTokens: readonly BootstrapToken[];
  /** Only with more than one control plane: encrypts the certificates `--upload-certs` shares. */
  readonly certificateKey?: string;
  readonly localAPIEndpoint: APIEndpoint;
  readonly nodeRegistration: NodeRegistration;
  /** The node's patches of its static Pods (controlPlanePatches). */
  readonly patches?: { readonly directory: string };
}

interface ClusterConfiguration {
  readonly apiVersion: KubeadmApi;
  readonly kind: 'ClusterConfiguration';
  readonly clusterName: string;
  readonly kubernetesVersion: string;
  readonly controlPlaneEndpoint: string;
  readonly networking: { readonly podSubnet: string; readonly serviceSubnet: string };
  /** Air-gapped sites: the control plane images (and the pause image) from the mirror's copy of registry.k8s.io. */
  readonly imageRepository?: string;
  /** kubeadm drops the `coredns/` path segment under a custom imageRepository: keep the mirror's layout. */
  readonly dns?: { readonly imageRepository: string };
  /** Encryption at rest, the audit log, no profiling (lib/bootstrap/control-plane-hardening.ts). */
  readonly apiServer: ReturnType<typeof apiServerHardening>;
  /** No profiling, bound to loopback (monitored sites: each control plane's patch binds its own address). */
  readonly controllerManager: { readonly extraArgs: Readonly<Record<string, string>> };
  readonly scheduler: { readonly extraArgs: Readonly<Record<string, string>> };
}

type KubeletConfiguration = {
  readonly apiVersion: 'kubelet.config.k8s.io/v1beta1';
  readonly kind: 'KubeletConfiguration';
  /** containerd's runc runs with SystemdCgroup = true: both sides must agree. */
  readonly cgroupDriver: 'systemd';
} & typeof KUBELET_HARDENING;

interface JoinConfiguration {
  readonly apiVersion: KubeadmApi;
  readonly kind: 'JoinConfiguration';
  readonly discovery: {
    readonly bootstrapToken: {
      readonly apiServerEndpoint: string;
      readonly token: string;
      readonly caCertHashes: readonly string[];
    };
  };
  readonly nodeRegistration: NodeRegistration;
  /** Set on the control-plane nodes after the first one. */
  readonly controlPlane?: { readonly localAPIEndpoint: APIEndpoint; readonly certificateKey: string };
  /** The node's patches of its static Pods (controlPlanePatches). */
  readonly patches?: { readonly directory: string };
}

const API_PORT = 6443;
/** Where kubeadm pulls the control plane images from by default. */
export const KUBERNETES_REGISTRY = 'registry.k8s.io';

function endpointOf(site: Site): string {
  const e = parseEndpoint(site.kubernetes.controlPlaneEndpoint);
  if (!e)
    throw new Error(`kubernetes.controlPlaneEndpoint '${site.kubernetes.controlPlaneEndpoint}' is not host[:port]`);
  return `${e.host}:${e.port}`;
}

/** More than one control plane: the first uploads its certificates for the others. */
function sharesCertificates(site: Site): boolean {
  return nodesWithRole(site, 'control-plane').length > 1;
}

/**
 * Role labels and taints set by the kubelet as it registers (no `kubectl label` afterwards).
 */
export function nodeRegistration(node: SiteNode): NodeRegistration {
  const labels = nodeLabels(node).map((l) => `${l.key}=${l.value}`);
  return {
    name: node.name,
    criSocket: `unix://${CONTAINERD_SOCKET}`,
    kubeletExtraArgs: { 'node-ip': node.address, ...(labels.length > 0 ? { 'node-labels': labels.join(',') } : {}) },
    taints: registeredTaints(node),
  };
}

/** The bootstrap token's lifetime: the uploaded control-plane certificates expire after 2 hours too. */
const BOOTSTRAP_TOKEN_TTL = '2h0m0s';

/** The controller manager's and the scheduler's flags: no profiling, bound to loopback (CIS 1.3.2, 1.3.7, 1.4.1, 1.4.2). */
function controlPlaneComponents(): Pick<ClusterConfiguration, 'controllerManager' | 'scheduler'> {
  const flags = { extraArgs: { ...COMPONENT_HARDENING, 'bind-address': LOOPBACK_BIND_ADDRESS } };
  return { controllerManager: flags, scheduler: flags };
}

/** Where each control plane keeps its kubeadm patches. */
export const KUBEADM_PATCHES = '/etc/kubernetes/patches';

/**
 * On a monitored site, each control plane binds its scheduler and controller manager to its own address, not to
 * every address (kube-prometheus' kubeadm advice) nor to loopback, which Prometheus cannot reach: a kubeadm JSON patch
 * of their static Pods (`<component>+json.yaml` in the patches directory of its Init/JoinConfiguration) appends
 * `--bind-address=<node>` after kubeadm's 127.0.0.1 (the last value of a flag wins) and points the liveness and
 * startup probes, which kubeadm aims at 127.0.0.1, at the same address. The ClusterConfiguration is shared by all
 * control planes, so only a patch can carry a node's address. Checked by kubeadm itself
 * (test/control-plane-hardening.test.ts: `kubeadm init phase control-plane --dry-run`).
 */
function controlPlanePatches(site: Site, node: SiteNode): WriteFile[] {
  if (!site.monitoring || !node.roles.includes('control-plane')) return [];
  const patch = [
    { op: 'add', path: '/spec/containers/0/command/-', value: `--bind-address=${node.address}` },
    ...['livenessProbe', 'startupProbe'].map((probe) => ({
      op: 'replace',
      path: `/spec/containers/0/${probe}/httpGet/host`,
      value: node.address,
    })),
  ];
  return CONTROL_PLANE_METRICS.map(({ component }) =>
    file(`${KUBEADM_PATCHES}/${component}+json.yaml`, dump(patch, { lineWidth: -1, noRefs: true }), '0600'),
  );
}

const patchesOf = (site: Site, node: SiteNode) =>
  controlPlanePatches(site, node).length > 0 ? { patches: { directory: KUBEADM_PATCHES } } : {};

/** The first control plane's documents: init, the cluster, and its kubelets' configuration. */
function initDocuments(site: Site, node: SiteNode): [InitConfiguration, ClusterConfiguration, KubeletConfiguration] {
  return [
    {
      apiVersion: kubeadmApiOf(site.kubernetes.version),
      kind: 'InitConfiguration',
      bootstrapTokens: [
        {
          token: placeholder('token'),
          // long enough for the other nodes' first boot, as long as the uploaded certificates live; later joins
          // use a new token ('kubeadm token create', docs/operations.md)
          ttl: BOOTSTRAP_TOKEN_TTL,
          groups: ['system:bootstrappers:kubeadm:default-node-token'],
          usages: ['signing', 'authentication'],
        },
      ],
      ...(sharesCertificates(site) ? { certificateKey: placeholder('certificateKey') } : {}),
      localAPIEndpoint: { advertiseAddress: node.address, bindPort: API_PORT },
      nodeRegistration: nodeRegistration(node),
      ...patchesOf(site, node),
    },
    {
      apiVersion: kubeadmApiOf(site.kubernetes.version),
      kind: 'ClusterConfiguration',
      clusterName: site.name,
      kubernetesVersion: `v${site.kubernetes.version}`,
      controlPlaneEndpoint: endpointOf(site),
      networking: { podSubnet: site.kubernetes.podSubnet, serviceSubnet: resolveSite(site).serviceSubnet },
      ...(site.mirrors
        ? {
            imageRepository: `${site.mirrors.registry}/${KUBERNETES_REGISTRY}`,
            dns: { imageRepository: `${site.mirrors.registry}/${KUBERNETES_REGISTRY}/coredns` },
          }
        : {}),
      apiServer: apiServerHardening(),
      ...controlPlaneComponents(),
    },
    {
      apiVersion: 'kubelet.config.k8s.io/v1beta1',
      kind: 'KubeletConfiguration',
      cgroupDriver: 'systemd',
      ...KUBELET_HARDENING,
    },
  ];
}

function joinDocument(site: Site, node: SiteNode): JoinConfiguration {
  return {
    apiVersion: kubeadmApiOf(site.kubernetes.version),
    kind: 'JoinConfiguration',
    discovery: {
      bootstrapToken: {
        apiServerEndpoint: endpointOf(site),
        token: placeholder('token'),
        caCertHashes: [placeholder('caCertHash')],
      },
    },
    nodeRegistration: nodeRegistration(node),
    ...(node.roles.includes('control-plane')
      ? {
          controlPlane: {
            localAPIEndpoint: { advertiseAddress: node.address, bindPort: API_PORT },
            certificateKey: placeholder('certificateKey'),
          },
        }
      : {}),
    ...patchesOf(site, node),
  };
}

/** The fields v1beta4 turned from a string map into a list of `{name, value}` (they may repeat a flag). */
const ARGUMENT_MAPS = new Set(['kubeletExtraArgs', 'extraArgs']);

/**
 * A document as its apiVersion spells it. The one difference in the fields we set: v1beta4 (1.31)
 * replaced "the existing string/string extra argument maps with structured extra arguments that support
 * duplicates [...] `APIServer.ExtraArgs`, `ControllerManager.ExtraArgs`, `Scheduler.ExtraArgs`,
 * `Etcd.Local.ExtraArgs`. Also [...] `NodeRegistrationOptions.KubeletExtraArgs`"
 * (kubernetes@v1.36.5:cmd/kubeadm/app/apis/kubeadm/v1beta4/doc.go:45-47). Its other changes (timeouts,
 * validity periods, extraEnvs...) are fields we leave at kubeadm's defaults.
 */
function inApiVersion(document: object): object {
  if (!('apiVersion' in document) || document.apiVersion !== 'kubeadm.k8s.io/v1beta4') return document;
  const convert = (value: unknown, key: string): unknown => {
    if (!isRecord(value)) return value;
    if (ARGUMENT_MAPS.has(key)) return Object.entries(value).map(([name, v]) => ({ name, value: v }));
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convert(v, k)]));
  };
  return convert(document, '') as object;
}

function renderKubeadmConfig(documents: readonly object[]): string {
  return documents.map((d) => dump(inApiVersion(d), { lineWidth: -1, noRefs: true })).join('---\n');
}

/** `kubeadm init` on the first control-plane node, `kubeadm join` on every other node. */
export function kubeadmStep(site: Site, node: SiteNode): BootstrapStep {
  const init = initNode(site)?.name === node.name;
  const command = init
    ? // the token and the certificate key stay out of the output, which cloud-init keeps in a log file
      `kubeadm init --config "$config"${sharesCertificates(site) ? ' --upload-certs --skip-certificate-key-print' : ''} --skip-token-print`
    : 'kubeadm join --config "$config"';
  // the virtual IP: kube-vip starts with the first control plane's static Pods, so kubeadm init
  // reaches the API through it; a joining control plane adds it once joined (join wants an empty
  // manifests folder, and kube-vip reads the admin.conf that join writes)
  // (on >= 1.29 the first one reads super-admin.conf until init has bound admin.conf, then admin.conf)
  const superAdmin = init && kubeVipNeedsSuperAdmin(site);
  const vip = node.roles.includes('control-plane')
    ? kubeVipManifest(site, superAdmin ? SUPER_ADMIN_KUBECONFIG : ADMIN_KUBECONFIG)
    : undefined;
  const vipFiles = vip ? [file(init ? KUBE_VIP_MANIFEST : KUBE_VIP_STAGED, vip, '0600')] : [];
  const afterJoin = vip && !init ? [`install -m 0600 ${KUBE_VIP_STAGED} ${KUBE_VIP_MANIFEST}`] : [];
  const afterInit =
    vip && superAdmin
      ? [`sed -i 's#path: ${SUPER_ADMIN_KUBECONFIG}#path: ${ADMIN_KUBECONFIG}#' ${KUBE_VIP_MANIFEST}`]
      : [];
  return {
    name: init ? '40-kubeadm-init.sh' : '40-kubeadm-join.sh',
    files: [
      file(KUBEADM_CONFIG, renderKubeadmConfig(init ? initDocuments(site, node) : [joinDocument(site, node)]), '0600'),
      ...(node.roles.includes('control-plane') ? controlPlaneFiles() : []),
      ...controlPlanePatches(site, node),
      ...vipFiles,
    ],
    script: bashScript(
      `${init ? 'Initialise the cluster' : 'Join the cluster'} with the kubeadm config cloud-init wrote (no phase skipped).`,
      [
        `config=${KUBEADM_CONFIG}`,
        'if [ -f /etc/kubernetes/kubelet.conf ]; then',
        '  echo "this node is already part of a cluster: nothing to do"',
        '  exit 0',
        'fi',
        `if grep -q '<KUBEADM_' "$config"${node.roles.includes('control-plane') ? ` ${ENCRYPTION_CONFIG}` : ''}; then`,
        `  echo "$config still holds placeholders: boot the node with the user-data of 'npm run host-config', not host-bootstrap/" >&2`,
        '  exit 1',
        'fi',
        command,
        ...afterInit,
        ...afterJoin,
      ],
    ),
  };
}

import { stringify } from 'smol-toml';
import { kubernetesMinorOf, nodeKubernetesVersion } from '../site/bootstrap';
import type { Site, SiteNode } from '../site/model';
import { pauseImage } from '../site/versions';
import { bashScript, file } from './cloud-config';
import { bootstrapPath, type BootstrapStep } from './step';

export const CONTAINERD_SOCKET = '/run/containerd/containerd.sock';
/** The CRI plugin's table in a version 2 config. */
export const CRI_PLUGIN = 'io.containerd.grpc.v1.cri';

/** The part of containerd's version 2 config (`containerd config default`) the kubelet depends on. */
export interface ContainerdConfig {
  readonly version: 2;
  readonly root: string;
  readonly state: string;
  /** Empty: containerd.io ships a config with `disabled_plugins = ["cri"]`, which kubeadm cannot use. */
  readonly disabled_plugins: readonly string[];
  readonly grpc: { readonly address: string };
  readonly plugins: {
    readonly [CRI_PLUGIN]: {
      /** Must be the pause image kubeadm expects, or the kubelet and containerd disagree on the sandbox. */
      readonly sandbox_image: string;
      readonly cni: { readonly bin_dir: string; readonly conf_dir: string };
      readonly containerd: {
        readonly default_runtime_name: 'runc';
        readonly snapshotter: 'overlayfs';
        readonly runtimes: {
          readonly runc: {
            readonly runtime_type: 'io.containerd.runc.v2';
            /** The kubelet's cgroup driver is systemd (KubeletConfiguration): a mismatch crash-loops etcd and the API server. */
            readonly options: { readonly SystemdCgroup: true };
          };
        };
      };
    };
  };
}

/**
 * The whole /etc/containerd/config.toml (containerd fills the keys not written with its defaults).
 * The runbook's crash loop ("malformed header") was containerd on cgroupfs under a systemd kubelet.
 */
export function containerdConfig(site: Site, node: SiteNode): ContainerdConfig {
  const minor = kubernetesMinorOf(nodeKubernetesVersion(site, node));
  const sandbox = pauseImage(minor);
  if (sandbox === undefined) throw new Error(`no pause image pinned for Kubernetes ${minor}: add it to pause in lib/site/versions.ts`);
  return {
    version: 2,
    root: '/var/lib/containerd',
    state: '/run/containerd',
    disabled_plugins: [],
    grpc: { address: CONTAINERD_SOCKET },
    plugins: {
      [CRI_PLUGIN]: {
        sandbox_image: sandbox,
        cni: { bin_dir: '/opt/cni/bin', conf_dir: '/etc/cni/net.d' },
        containerd: {
          default_runtime_name: 'runc',
          snapshotter: 'overlayfs',
          runtimes: { runc: { runtime_type: 'io.containerd.runc.v2', options: { SystemdCgroup: true } } },
        },
      },
    },
  };
}

const STAGED_CONFIG = bootstrapPath('containerd-config.toml');

/**
 * Written beside the scripts, installed after the package: a file already at
 * /etc/containerd/config.toml would make dpkg stop at its conffile prompt (and cloud-init 20.4
 * has no write_files.defer to write it after the packages).
 */
export function configureContainerdStep(site: Site, node: SiteNode): BootstrapStep {
  return {
    name: '30-configure-containerd.sh',
    files: [file(STAGED_CONFIG, stringify(containerdConfig(site, node)))],
    script: bashScript('Our containerd config (CRI on, systemd cgroups, kubeadm\'s pause image), live before kubeadm runs.', [
      `install -m 0644 ${STAGED_CONFIG} /etc/containerd/config.toml`,
      'systemctl restart containerd',
    ]),
  };
}

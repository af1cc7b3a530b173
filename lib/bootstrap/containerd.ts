import { stringify } from 'smol-toml';
import { kubernetesMinorOf, nodeKubernetesVersion } from '../site/bootstrap';
import type { Site, SiteNode } from '../site/model';
import { PUBLIC_REGISTRIES, siteImage, type MirrorSpec } from '../site/mirrors';
import { catalogOf, pauseImage } from '../site/catalog';
import { bashScript, file, type WriteFile } from './cloud-config';
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
      /** Air-gapped sites: per-registry mirror settings in `<config_path>/<registry>/hosts.toml`. */
      readonly registry?: { readonly config_path: string };
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
  const catalog = catalogOf(site);
  const sandbox = pauseImage(catalog, minor);
  if (sandbox === undefined) throw new Error(`no pause image pinned for Kubernetes ${minor}: add it to pause in lib/site/trains/${catalog.train.name}.ts`);
  return {
    version: 2,
    root: '/var/lib/containerd',
    state: '/run/containerd',
    disabled_plugins: [],
    grpc: { address: CONTAINERD_SOCKET },
    plugins: {
      [CRI_PLUGIN]: {
        sandbox_image: siteImage(site.mirrors, sandbox),
        cni: { bin_dir: '/opt/cni/bin', conf_dir: '/etc/cni/net.d' },
        ...(site.mirrors ? { registry: { config_path: REGISTRY_HOSTS_DIR } } : {}),
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
const REGISTRY_HOSTS_DIR = '/etc/containerd/certs.d';

/**
 * hosts.toml of each public registry, sending its pulls to the site's mirror (`<mirror>/<registry>/…`):
 * images we do not render (kubeadm's, ArgoCD's install manifest, upstream charts) come from the mirror too.
 * No `server` line: the public registry stays the implicit last resort, named only by the directory.
 */
export function registryHosts(mirrors: MirrorSpec): WriteFile[] {
  const [host, ...path] = mirrors.registry.split('/');
  return PUBLIC_REGISTRIES.map((registry) => file(`${REGISTRY_HOSTS_DIR}/${registry}/hosts.toml`, stringify({
    // override_path: the URL's path is the registry API root of this registry's copies
    host: { [`https://${[host, 'v2', ...path, registry].join('/')}`]: { capabilities: ['pull', 'resolve'], override_path: true } },
  })));
}

/**
 * Written beside the scripts, installed after the package: a file already at
 * /etc/containerd/config.toml would make dpkg stop at its conffile prompt (and cloud-init 20.4
 * has no write_files.defer to write it after the packages).
 */
export function configureContainerdStep(site: Site, node: SiteNode): BootstrapStep {
  return {
    name: '30-configure-containerd.sh',
    files: [file(STAGED_CONFIG, stringify(containerdConfig(site, node))), ...(site.mirrors ? registryHosts(site.mirrors) : [])],
    script: bashScript('Our containerd config (CRI on, systemd cgroups, kubeadm\'s pause image), live before kubeadm runs.', [
      `install -m 0644 ${STAGED_CONFIG} /etc/containerd/config.toml`,
      'systemctl restart containerd',
    ]),
  };
}

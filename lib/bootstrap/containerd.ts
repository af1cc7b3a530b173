import { stringify } from 'smol-toml';
import { nodeKubernetesVersion } from '../site/bootstrap';
import { majorOf, minorOf } from '../core/versions';
import type { Site, SiteNode } from '../site/model';
import { PUBLIC_REGISTRIES, siteImage, type MirrorSpec } from '../site/mirrors';
import { catalogOf, pauseImage } from '../site/catalog';
import { bashScript, file, type WriteFile } from './cloud-config';
import { bootstrapPath, type BootstrapStep } from './step';

export const CONTAINERD_SOCKET = '/run/containerd/containerd.sock';
/** The CRI plugin's table in a version 2 config (containerd 1.x). */
const CRI_PLUGIN = 'io.containerd.grpc.v1.cri';
/** Version 3 (containerd 2.x) splits it: images, and the runtime (docs/cri/config.md of containerd v2.3.2). */
const CRI_IMAGES_PLUGIN = 'io.containerd.cri.v1.images';
const CRI_RUNTIME_PLUGIN = 'io.containerd.cri.v1.runtime';

/**
 * runc through the v2 shim; the kubelet's cgroup driver is systemd (KubeletConfiguration): a mismatch crash-loops etcd
 * and the API server.
 */
interface RuntimeSettings {
  readonly default_runtime_name: 'runc';
  readonly runtimes: {
    readonly runc: {
      readonly runtime_type: 'io.containerd.runc.v2';
      readonly options: { readonly SystemdCgroup: true };
    };
  };
}

/** What both config versions start with. */
interface ConfigBase {
  readonly root: string;
  readonly state: string;
  /** Empty: containerd.io ships a config with `disabled_plugins = ["cri"]`, which kubeadm cannot use. */
  readonly disabled_plugins: readonly string[];
  readonly grpc: { readonly address: string };
}

/** The part of containerd 1.x's version 2 config (`containerd config default`) the kubelet depends on. */
interface ContainerdConfigV2 extends ConfigBase {
  readonly version: 2;
  readonly plugins: {
    readonly [CRI_PLUGIN]: {
      /** Must be the pause image kubeadm expects, or the kubelet and containerd disagree on the sandbox. */
      readonly sandbox_image: string;
      readonly cni: { readonly bin_dir: string; readonly conf_dir: string };
      /** Air-gapped sites: per-registry mirror settings in `<config_path>/<registry>/hosts.toml`. */
      readonly registry?: { readonly config_path: string };
      readonly containerd: RuntimeSettings & { readonly snapshotter: 'overlayfs' };
    };
  };
}

/**
 * The same settings in containerd 2.x's version 3 config: the sandbox image is a pinned image, CNI takes `bin_dirs`
 * (since 2.1).
 */
interface ContainerdConfigV3 extends ConfigBase {
  readonly version: 3;
  readonly plugins: {
    readonly [CRI_IMAGES_PLUGIN]: {
      readonly snapshotter: 'overlayfs';
      readonly pinned_images: { readonly sandbox: string };
      readonly registry?: { readonly config_path: string };
    };
    readonly [CRI_RUNTIME_PLUGIN]: {
      readonly cni: { readonly bin_dirs: readonly string[]; readonly conf_dir: string };
      readonly containerd: RuntimeSettings;
    };
  };
}

type ContainerdConfig = ContainerdConfigV2 | ContainerdConfigV3;

const RUNTIME: RuntimeSettings = {
  default_runtime_name: 'runc',
  runtimes: { runc: { runtime_type: 'io.containerd.runc.v2', options: { SystemdCgroup: true } } },
};
const CNI_BIN = '/opt/cni/bin';
const CNI_CONF = '/etc/cni/net.d';

/**
 * The config version of a containerd.io package: 3 from containerd 2.0 on (version 2 still loads there, migrated at
 * every start).
 */
const containerdConfigVersion = (containerdPackage: string): 2 | 3 => (majorOf(containerdPackage) >= 2 ? 3 : 2);

/**
 * The whole /etc/containerd/config.toml (containerd fills the keys not written with its defaults),
 * in the format of the catalog's containerd: the one place the two versions differ.
 * The runbook's crash loop ("malformed header") was containerd on cgroupfs under a systemd kubelet.
 */
function containerdConfig(site: Site, node: SiteNode): ContainerdConfig {
  const minor = minorOf(nodeKubernetesVersion(site, node));
  const catalog = catalogOf(site);
  const pause = pauseImage(catalog, minor);
  if (pause === undefined)
    throw new Error(
      `no pause image pinned for Kubernetes ${minor}: add it to pause in lib/site/trains/${catalog.train.name}.ts`,
    );
  const sandbox = siteImage(site.mirrors, pause);
  const registry = site.mirrors ? { registry: { config_path: REGISTRY_HOSTS_DIR } } : {};
  const base: ConfigBase = {
    root: '/var/lib/containerd',
    state: '/run/containerd',
    disabled_plugins: [],
    grpc: { address: CONTAINERD_SOCKET },
  };
  if (containerdConfigVersion(catalog.versions.containerdPackage) === 3) {
    return {
      version: 3,
      ...base,
      plugins: {
        [CRI_IMAGES_PLUGIN]: { snapshotter: 'overlayfs', pinned_images: { sandbox }, ...registry },
        [CRI_RUNTIME_PLUGIN]: { cni: { bin_dirs: [CNI_BIN], conf_dir: CNI_CONF }, containerd: RUNTIME },
      },
    };
  }
  return {
    version: 2,
    ...base,
    plugins: {
      [CRI_PLUGIN]: {
        sandbox_image: sandbox,
        cni: { bin_dir: CNI_BIN, conf_dir: CNI_CONF },
        ...registry,
        containerd: { ...RUNTIME, snapshotter: 'overlayfs' },
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
function registryHosts(mirrors: MirrorSpec): WriteFile[] {
  const [host, ...path] = mirrors.registry.split('/');
  return PUBLIC_REGISTRIES.map((registry) =>
    file(
      `${REGISTRY_HOSTS_DIR}/${registry}/hosts.toml`,
      stringify({
        // override_path: the URL's path is the registry API root of this registry's copies
        host: {
          [`https://${[host, 'v2', ...path, registry].join('/')}`]: {
            capabilities: ['pull', 'resolve'],
            override_path: true,
          },
        },
      }),
    ),
  );
}

/**
 * Written beside the scripts, installed after the package: a file already at
 * /etc/containerd/config.toml would make dpkg stop at its conffile prompt (and cloud-init 20.4
 * has no write_files.defer to write it after the packages).
 */
export function configureContainerdStep(site: Site, node: SiteNode): BootstrapStep {
  return {
    name: '30-configure-containerd.sh',
    files: [
      file(STAGED_CONFIG, stringify(containerdConfig(site, node))),
      ...(site.mirrors ? registryHosts(site.mirrors) : []),
    ],
    script: bashScript(
      "Our containerd config (CRI on, systemd cgroups, kubeadm's pause image), live before kubeadm runs.",
      [`install -m 0644 ${STAGED_CONFIG} /etc/containerd/config.toml`, 'systemctl restart containerd'],
    ),
  };
}

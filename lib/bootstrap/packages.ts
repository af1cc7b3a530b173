import { nodeKubernetesVersion } from '../site/bootstrap';
import { minorOf } from '../core/versions';
import { siteUrl } from '../site/mirrors';
import type { Site, SiteNode } from '../site/model';
import { catalogOf, type Catalog } from '../site/catalog';
import { debianRelease, type DebianRelease } from '../site/debian';
import { bashScript, shq } from './cloud-config';
import { hostExtras } from './role-extras';
import type { BootstrapStep } from './step';

/** An apt repository trusted through its own keyring (`signed-by`), not apt's global trust. */
export interface AptRepository {
  readonly name: string;
  /** Where the (ASCII-armored) signing key is downloaded from at boot. */
  readonly keyUrl: string;
  /** Full fingerprint of the primary key: any other key is refused. */
  readonly fingerprint: string;
  readonly keyring: string;
  /** The repository's base URL. */
  readonly url: string;
  /** What follows the URL on the `deb` line. */
  readonly suite: string;
}

/**
 * Docker's Debian repository, for containerd.io (docs.docker.com/engine/install/debian): one suite per Debian codename.
 */
export function dockerRepository(debian: DebianRelease): AptRepository {
  return {
    name: 'docker',
    keyUrl: 'https://download.docker.com/linux/debian/gpg',
    fingerprint: '9DC858229FC7DD38854AE2D88D81803C0EBFCD88',
    keyring: '/etc/apt/keyrings/docker.gpg',
    url: 'https://download.docker.com/linux/debian',
    suite: `${debian.codename} stable`,
  };
}

/** pkgs.k8s.io: one repository per Kubernetes minor, all signed by one key (apt.kubernetes.io is gone). */
function kubernetesRepository(catalog: Catalog, minor: string): AptRepository {
  return {
    name: 'kubernetes',
    keyUrl: `https://pkgs.k8s.io/core:/stable:/${catalog.versions.kubernetesKeyRepository}/deb/Release.key`,
    fingerprint: 'DE15B14486CD377B9E876E1A234654DA9A296436',
    keyring: '/etc/apt/keyrings/kubernetes.gpg',
    url: `https://pkgs.k8s.io/core:/stable:/v${minor}/deb/`,
    suite: '/',
  };
}

/** Debian packages a node installs at their pinned version, then holds (`name=version`). */
function pinnedPackages(site: Site, node: SiteNode): Readonly<Record<string, string>> {
  const { versions } = catalogOf(site);
  const kubernetes = versions.kubernetesPackages[nodeKubernetesVersion(site, node)];
  return { 'containerd.io': versions.containerdPackage, kubelet: kubernetes, kubeadm: kubernetes, kubectl: kubernetes };
}

/** Debian's own packages the script needs first: to fetch keys, and the role's extras (lvm2). */
function basePackages(node: SiteNode): string[] {
  return ['ca-certificates', 'curl', 'gnupg', ...hostExtras(node).packages];
}

/** The repositories, then containerd.io and kubelet/kubeadm/kubectl, pinned and held. */
export function installPackagesStep(site: Site, node: SiteNode): BootstrapStep {
  const { debian } = catalogOf(site).versions;
  const release = debianRelease(site);
  if (release === undefined)
    throw new Error(`Debian '${debian}' has no entry in DEBIAN_RELEASES (validateSite refuses it)`);
  const repositories = [
    dockerRepository(release),
    kubernetesRepository(catalogOf(site), minorOf(nodeKubernetesVersion(site, node))),
  ];
  const pinned = pinnedPackages(site, node);
  return {
    name: '20-install-packages.sh',
    files: [],
    script: bashScript(
      `containerd.io from Docker's repository and kubelet, kubeadm, kubectl from pkgs.k8s.io,
each repository trusted through its own keyring (signed-by), each package pinned and held,
for Debian ${debian} (${release.codename}), the release of the site's train: refused on any other.`,
      [
        'export DEBIAN_FRONTEND=noninteractive',
        `codename="$(awk -F= '$1 == "VERSION_CODENAME" { print $2 }' /etc/os-release)"`,
        `if [ "$codename" != ${shq(release.codename)} ]; then`,
        `  echo "this node runs Debian '$codename', not Debian ${debian} (${release.codename}), the release of the site's train: install Debian ${debian} on it, or set the site's versions.debian" >&2`,
        '  exit 1',
        'fi',
        '# wait for an apt run of the first boot (unattended-upgrades) instead of failing on its lock',
        'apt_get() { apt-get -o DPkg::Lock::Timeout=600 -y "$@"; }',
        'apt_get update',
        `apt_get install --no-install-recommends ${basePackages(node).join(' ')}`,
        '',
        '# fetch_key URL KEYRING FINGERPRINT: the repository key, refused unless it is the pinned one',
        'fetch_key() {',
        '  curl -fsSL --retry 5 "$1" | gpg --dearmor --yes -o "$2"',
        `  if [ "$(gpg --show-keys --with-colons "$2" | awk -F: '$1 == "fpr" { print $10; exit }')" != "$3" ]; then`,
        '    echo "the key at $1 is not $3: refusing it" >&2',
        '    rm -f "$2"',
        '    exit 1',
        '  fi',
        '  chmod 0644 "$2"',
        '}',
        'install -m 0755 -d /etc/apt/keyrings',
        ...repositories.map((r) => `fetch_key ${shq(siteUrl(site.mirrors, r.keyUrl))} ${r.keyring} ${r.fingerprint}`),
        ...repositories.map(
          (r) =>
            `echo "deb [signed-by=${r.keyring}] ${siteUrl(site.mirrors, r.url)} ${r.suite}" >/etc/apt/sources.list.d/${r.name}.list`,
        ),
        'apt_get update',
        `apt_get install ${Object.entries(pinned)
          .map(([name, version]) => `${name}=${version}`)
          .join(' ')}`,
        `apt-mark hold ${Object.keys(pinned).join(' ')}`,
      ],
    ),
  };
}

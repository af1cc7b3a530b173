import type { Site } from './model';
import type { SiteIssue } from './issues';
import { catalogOf } from './catalog';
import type { Evidence } from './trains/train';

/** A Debian release the nodes may run (a train's `debian`), and what the host bootstrap takes from it. */
export interface DebianRelease extends Evidence {
  /** `VERSION_CODENAME` of /etc/os-release, and the suite of Docker's repository (`deb … <codename> stable`). */
  readonly codename: string;
  /** The cloud-config schema (`cloudInitSchema`) its user-data is validated against: see docs/host-bootstrap.md. */
  readonly cloudInitSchema: string;
}

/**
 * The Debian releases the host bootstrap knows: the rule of which release goes with which
 * cloud-init schema lives here only. Both are stable releases Docker publishes containerd.io for
 * (docs.docker.com/engine/install/debian); pkgs.k8s.io packages are the same on every release.
 */
export const DEBIAN_RELEASES: Readonly<Record<string, DebianRelease>> = {
  '12': {
    codename: 'bookworm',
    cloudInitSchema: '22.4.2',
    source: '../shared/upstream/TRAINS.md, canonical/cloud-init row',
    quote: '22.4.2 (what Debian 12 ships: `cloud-init 22.4.2-1+deb12u4`)',
  },
  '13': {
    codename: 'trixie',
    // trixie's own cloud-init is not verified offline and no schema of it is mirrored: the newest mirrored
    // one, with the user-data kept to what cloud-init 20.4.1 already has (docs/host-bootstrap.md)
    cloudInitSchema: '26.2',
    source: 'docker/docs#22635 (content/manuals/engine/install/debian.md); debian.org/News/2025/20250809',
    quote: 'Debian Trixie 13 [in the versions Docker Engine installs on]; Debian 13 "trixie" released on 9 August 2025',
  },
};

/** The Debian release of a site's nodes (its train's `debian`, or its override), undefined when unknown. */
export function debianRelease(site: Site): DebianRelease | undefined {
  return DEBIAN_RELEASES[catalogOf(site).versions.debian];
}

const known = (): string =>
  Object.entries(DEBIAN_RELEASES)
    .map(([n, r]) => `'${n}' (${r.codename})`)
    .join(', ');

/**
 * A release the host bootstrap does not know, or a cloud-init schema that is not the one of the
 * release: refused at the field the site set (`versions.debian`, `versions.cloudInitSchema`), or at
 * `release` when the train itself pins them (a test keeps every train coherent).
 */
export function validateDebian(site: Site): SiteIssue[] {
  const catalog = catalogOf(site);
  const { debian, cloudInitSchema } = catalog.versions;
  const set = (key: 'debian' | 'cloudInitSchema'): boolean => catalog.overridden.includes(key);
  const file = `lib/site/trains/${catalog.train.name}.ts`;
  const release = DEBIAN_RELEASES[debian];
  if (release === undefined) {
    return [
      {
        path: set('debian') ? 'versions.debian' : 'release',
        message: `Debian '${debian}' is not a release the host bootstrap knows (known: ${known()}): use one of them${set('debian') ? '' : ` as debian in ${file}`}, or add it to DEBIAN_RELEASES in lib/site/debian.ts with its codename and cloud-init schema`,
      },
    ];
  }
  if (cloudInitSchema === release.cloudInitSchema) return [];
  const path = set('debian') ? 'versions.debian' : set('cloudInitSchema') ? 'versions.cloudInitSchema' : 'release';
  const other = Object.entries(DEBIAN_RELEASES).find(([, r]) => r.cloudInitSchema === cloudInitSchema);
  return [
    {
      path,
      message: `Debian ${debian} (${release.codename}) nodes have their user-data validated against the cloud-init ${release.cloudInitSchema} schema, not ${cloudInitSchema} (${release.source}): set versions: { cloudInitSchema: '${release.cloudInitSchema}' }${other ? ` or versions: { debian: '${other[0]}' }` : ''}${path === 'release' ? ` (or fix ${file})` : ''}`,
    },
  ];
}

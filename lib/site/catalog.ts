import type { Site } from './model';
import { DEFAULT_TRAIN, TRAINS } from './trains';
import type { Train, TrainImages, TrainVersions, VersionKey } from './trains/train';

/** A site's resolved versions: its train's, with the site's overrides applied, and the images built from them. */
export interface Catalog {
  readonly train: Train;
  readonly versions: TrainVersions;
  readonly images: TrainImages;
  /** The versions the site overrides, sorted as the train lists them. */
  readonly overridden: readonly VersionKey[];
}

const resolved = new WeakMap<Site, Catalog>();

/** The train a site names (`release`), the default one when it names none. */
function trainOf(site: Pick<Site, 'release'>): Train {
  return (site.release === undefined ? undefined : TRAINS[site.release]) ?? DEFAULT_TRAIN;
}

/** The train's Kubernetes packages, with the site's own patch release (`kubernetes.packageVersion`) added. */
function kubernetesPackages(site: Site, train: Train): TrainVersions['kubernetesPackages'] {
  const { version, packageVersion } = site.kubernetes;
  const pinned = train.versions.kubernetesPackages;
  return packageVersion === undefined ? pinned : { ...pinned, [version]: packageVersion };
}

/**
 * The catalog of a site, resolved once per site object: every chart, the bootstrap, the image
 * list and the checks read their versions here, never from a train directly.
 */
export function catalogOf(site: Site): Catalog {
  const known = resolved.get(site);
  if (known) return known;
  const train = trainOf(site);
  const overrides = site.versions ?? {};
  const versions: TrainVersions = {
    ...train.versions,
    ...overrides,
    kubernetesPackages: kubernetesPackages(site, train),
  };
  const overridden = (Object.keys(train.versions) as VersionKey[]).filter(
    (k) => overrides[k] !== undefined && overrides[k] !== train.versions[k],
  );
  const catalog: Catalog = { train, versions, images: train.images(versions), overridden };
  resolved.set(site, catalog);
  return catalog;
}

/** The sandbox image of a Kubernetes minor (`1.26`), or undefined when the catalog pins none. */
export function pauseImage(catalog: Catalog, minor: string): string | undefined {
  const tag = catalog.versions.pause[minor];
  return tag === undefined ? undefined : `registry.k8s.io/pause:${tag}`;
}

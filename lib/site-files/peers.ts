import type { Site } from '../site/model';
import { sitesDir } from './load';
import { loadSites } from './validated';

/**
 * Every site of sites/, read once per process: what a site's rendering needs to know of the others (a hub of the
 * sites it manages, a standby of its primary, a site's report of its fleet). Rendering a site still depends only on
 * files under sites/, which the synth stamp keys (lib/synth/stamp.ts).
 */
const cache = new Map<string, readonly Site[]>();

export function peerSites(dir: string = sitesDir()): readonly Site[] {
  let sites = cache.get(dir);
  if (!sites) {
    sites = loadSites(dir);
    cache.set(dir, sites);
  }
  return sites;
}

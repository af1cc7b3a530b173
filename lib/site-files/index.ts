import type { Site } from '../site/model';
import { loadSites } from './validated';

/**
 * Every site of this repository (sites/), validated, in name order: for tests. Programs call loadSites() so that a bad
 * site is reported, not thrown at import.
 */
export const SITES: readonly Site[] = loadSites();

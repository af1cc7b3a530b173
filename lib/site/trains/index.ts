import { RUNBOOK_2023 } from './runbook-2023';
import type { Train } from './train';

/** Every train, by name: what a site's `release` may name. */
export const TRAINS: Readonly<Record<string, Train>> = { [RUNBOOK_2023.name]: RUNBOOK_2023 };
export const TRAIN_NAMES = Object.keys(TRAINS) as [string, ...string[]];

/**
 * The train whose upstream files are in imports/ (lib/upstream.ts): pinned files are global until
 * imports are kept per train, and a site's train is the default one when it names none.
 */
export const DEFAULT_TRAIN = RUNBOOK_2023;

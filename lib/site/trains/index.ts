import { CURRENT } from './current';
import { RUNBOOK_2023 } from './runbook-2023';
import type { Train } from './train';

/**
 * Every train, by name, oldest first: what a site's `release` may name. `npm run import` imports every train's files.
 */
export const TRAINS: Readonly<Record<string, Train>> = { [RUNBOOK_2023.name]: RUNBOOK_2023, [CURRENT.name]: CURRENT };
export const TRAIN_NAMES = Object.keys(TRAINS) as [string, ...string[]];

/**
 * The train of a site that names none (`release` absent): the runbook's, which the typed classes in imports/ are
 * generated from.
 */
export const DEFAULT_TRAIN = RUNBOOK_2023;

import type { Site } from '../site/model';
import { lab } from './lab';
import { poc } from './poc';

/** Every site this repository renders, in output order. */
export const SITES: readonly Site[] = [poc, lab];

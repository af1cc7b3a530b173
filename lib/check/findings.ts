import type { Site } from '../site/model';
import type { RenderedObject } from '../core/objects';

/** error fails `npm run check`; warning and note are printed only. */
type Severity = 'error' | 'warning' | 'note';

export interface Finding {
  readonly check: string;
  readonly severity: Severity;
  /** `<site>/<app>: <Kind> <ns>/<name>`, `<site>/node <name>`, or a file path. */
  readonly where: string;
  readonly message: string;
}

/** A site's model and its rendered objects: what every check of the output reads. */
export interface SiteTree {
  readonly site: Site;
  readonly objects: readonly RenderedObject[];
}

/** A check over one site's rendered tree. */
export type SiteCheck = (tree: SiteTree) => Finding[];

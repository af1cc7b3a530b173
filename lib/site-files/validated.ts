import type { Site } from '../site/model';
import { SiteValidationError, type SiteIssue } from '../site/issues';
import { validateSite } from '../components/validate';
import { discoverSites, readSiteInput, sitesDir, type SiteFile } from './load';
import { locateIssues } from './locate';

/**
 * The pipeline's first step: a site file read (lib/site-files/load.ts returns data) and validated (the site schema,
 * the site-wide rules, each component's), so that nothing renders from a site with a problem.
 */

/** The site described by a file, validated; throws a SiteValidationError with every problem. */
export function readSite(site: SiteFile): Site {
  return readSiteText(site, undefined);
}

/** As readSite, from `contents` (an edited version of the file) when given. */
export function readSiteText(site: SiteFile, contents: string | undefined): Site {
  const { input, text } = readSiteInput(site, contents);
  const issues: SiteIssue[] = validateSite(input);
  const name = (input as { name?: unknown } | null)?.name;
  if (issues.length === 0 && name !== site.name) {
    issues.push({
      path: 'name',
      message: `'${String(name)}' is not the name of its file ${site.file}: a site's name is its file's, rename one of them`,
    });
  }
  if (issues.length > 0)
    throw new SiteValidationError(
      site.name,
      locateIssues(issues, input, text === undefined ? undefined : { file: site.file, text }),
      site.file,
    );
  return input as Site;
}

/** Every site of a folder, validated. */
export function loadSites(dir: string = sitesDir()): Site[] {
  return discoverSites(dir).map(readSite);
}

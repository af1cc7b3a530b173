/**
 * `npm run report [-- --site <name>]`: regenerate only docs/sites/<site>/README.md (synth
 * writes it too, with dist/): nodes by role and placement, capacity, ArgoCD waves, versions.
 */
import { parseArgs } from 'node:util';
import { selectSites } from '../main';
import { renderSiteReport } from '../lib/report/site-report';
import { SiteValidationError, validateSite } from '../lib/site/validate';
import { renderManifests } from '../lib/synth/render';
import { writeSiteTrees } from '../lib/synth/write-tree';

function main(): void {
  const { values } = parseArgs({ options: { site: { type: 'string', multiple: true } } });
  for (const site of selectSites(values.site ?? [])) {
    const issues = validateSite(site);
    if (issues.length > 0) throw new SiteValidationError(site.name, issues);
    const [s] = writeSiteTrees('.', site.name, [{ root: 'docs/sites', files: renderSiteReport(site, renderManifests(site)) }]);
    console.log(`docs/sites/${site.name}/README.md (${s.written ? 'written' : 'unchanged'})`);
  }
}

try {
  main();
} catch (e) {
  console.error(`report failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(2);
}

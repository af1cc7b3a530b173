/**
 * `npm run report [-- --site <name>]`: regenerate only docs/sites/<site>/README.md (synth
 * writes it too, with dist/): nodes by role and placement, capacity, ArgoCD waves, versions.
 */
import { cliCommand, collect, runCli, type CliSpec } from '../lib/cli';
import { renderSiteReport } from '../lib/report/site-report';
import { renderManifests } from '../lib/synth/render';
import { writeSiteTrees } from '../lib/synth/write-tree';
import { selectSites } from '../main';

const SPEC: CliSpec = {
  script: 'report',
  summary: 'Regenerate docs/sites/<site>/README.md only (npm run synth writes it too).',
  exitCodes: { 1: 'a site is unknown or invalid' },
  failure: { prefix: 'report failed: ', code: 1 },
};

const cmd = cliCommand(SPEC).option(
  '-s, --site <name>',
  'only this site (repeatable); default: every site of sites/',
  collect,
);

runCli<{ site?: string[] }>(SPEC, cmd, ({ site: names }) => {
  for (const site of selectSites(names ?? [])) {
    const [s] = writeSiteTrees('.', site.name, [
      { root: 'docs/sites', files: renderSiteReport(site, renderManifests(site)) },
    ]);
    console.log(`docs/sites/${site.name}/README.md (${s.written ? 'written' : 'unchanged'})`);
  }
});

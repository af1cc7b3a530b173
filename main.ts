/**
 * `npm run synth [-- --site <name> ...]`: validate the sites, render every tree in memory,
 * then write them. Nothing is written unless every selected site is valid and renders.
 */
import { parseArgs } from 'node:util';
import { SITES } from './lib/sites';
import { SiteValidationError, validateSite } from './lib/site/validate';
import { renderSiteManifests, type FileTree } from './lib/synth/render';
import { writeTree } from './lib/synth/write-tree';
import { renderHostBootstrap } from './lib/bootstrap/host-bootstrap';
import { renderSiteReport } from './lib/report/site-report';
import type { Site } from './lib/site/model';

interface RenderedSite {
  readonly site: Site;
  readonly trees: readonly { readonly root: string; readonly files: FileTree }[];
}

export function selectSites(names: readonly string[]): Site[] {
  if (names.length === 0) return [...SITES];
  return names.map((name) => {
    const site = SITES.find((s) => s.name === name);
    if (!site) throw new Error(`unknown site '${name}': use one of ${SITES.map((s) => s.name).join(', ')}`);
    return site;
  });
}

export function renderSites(sites: readonly Site[]): RenderedSite[] {
  for (const site of sites) {
    const issues = validateSite(site);
    if (issues.length > 0) throw new SiteValidationError(site.name, issues);
  }
  return sites.map((site) => {
    const { files, objects } = renderSiteManifests(site);
    return {
      site,
      trees: [
        { root: 'dist', files },
        { root: 'host-bootstrap', files: renderHostBootstrap(site) },
        { root: 'docs/sites', files: renderSiteReport(site, files, objects) },
      ],
    };
  });
}

function main(): void {
  const { values } = parseArgs({ options: { site: { type: 'string', multiple: true, short: 's' } } });
  const started = performance.now();
  const rendered = renderSites(selectSites(values.site ?? []));
  for (const { site, trees } of rendered) {
    for (const { root, files } of trees) {
      const s = writeTree(root, site.name, files);
      const apps = new Set([...files.keys()].filter((f) => f.includes('/')).map((f) => f.split('/')[0])).size;
      console.log(`${root}/${site.name}: ${apps > 0 ? `${apps} apps, ` : ''}${files.size} files (${s.written} written, ${s.unchanged} unchanged, ${s.removed} removed)`);
    }
  }
  console.log(`synth: ${rendered.length} site(s) in ${Math.round(performance.now() - started)} ms`);
}

/** The CLI: scripts/synth.cjs runs it from the bundle. */
export function run(): void {
  try {
    main();
  } catch (e) {
    console.error(`synth failed, nothing was written:\n${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}

if (require.main === module) run();

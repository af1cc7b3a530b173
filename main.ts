/**
 * `npm run synth [-- --site <name> ...]`: validate the sites, render every tree in memory,
 * then write them. Nothing is written unless every selected site is valid and renders; each
 * site's trees then switch together (lib/synth/write-tree.ts).
 */
import { parseArgs } from 'node:util';
import { SITES } from './lib/sites';
import { SiteValidationError, validateSite } from './lib/site/validate';
import { renderSiteManifests, type FileTree } from './lib/synth/render';
import { pruneSites, recoverTrees, TREE_ROOTS, TreeWriteError, writeSiteTrees, type TreeWrite, type WriteStats } from './lib/synth/write-tree';
import { renderHostBootstrap } from './lib/bootstrap/host-bootstrap';
import { renderSiteReport } from './lib/report/site-report';
import type { Site } from './lib/site/model';

interface RenderedSite {
  readonly site: Site;
  readonly trees: readonly TreeWrite[];
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
        { root: TREE_ROOTS[0], files },
        { root: TREE_ROOTS[1], files: renderHostBootstrap(site) },
        { root: TREE_ROOTS[2], files: renderSiteReport(site, files, objects) },
      ],
    };
  });
}

/** A failure after some sites were written: says which were and which were not. */
class PartialWrite extends Error {}

function treeLine(root: string, site: string, files: FileTree, s: WriteStats): string {
  const apps = new Set([...files.keys()].filter((f) => f.includes('/')).map((f) => f.split('/')[0])).size;
  return `${root}/${site}: ${apps > 0 ? `${apps} apps, ` : ''}${files.size} files (${s.written} written, ${s.unchanged} unchanged, ${s.removed} removed)`;
}

function main(): void {
  const { values } = parseArgs({ options: { site: { type: 'string', multiple: true, short: 's' } } });
  const started = performance.now();
  for (const line of recoverTrees('.', TREE_ROOTS)) console.log(line);
  const rendered = renderSites(selectSites(values.site ?? []));
  const done: string[] = [];
  for (const { site, trees } of rendered) {
    let stats: WriteStats[];
    try {
      stats = writeSiteTrees('.', site.name, trees);
    } catch (e) {
      if (!(e instanceof TreeWriteError)) throw e;
      const rest = rendered.map((r) => r.site.name).filter((n) => n !== site.name && !done.includes(n));
      throw new PartialWrite([
        e.message,
        `written: ${[...done, ...(e.switched ? [site.name] : [])].join(', ') || 'none'}`,
        `not written: ${[...(e.switched ? [] : [site.name]), ...rest].join(', ') || 'none'}`,
      ].join('\n'));
    }
    trees.forEach((t, i) => console.log(treeLine(t.root, site.name, t.files, stats[i])));
    done.push(site.name);
  }
  for (const line of pruneSites('.', TREE_ROOTS, new Set(SITES.map((s) => s.name)))) console.log(line);
  console.log(`synth: ${rendered.length} site(s) in ${Math.round(performance.now() - started)} ms`);
}

/** The CLI: scripts/synth.cjs runs it from the bundle. */
export function run(): void {
  try {
    main();
  } catch (e) {
    const text = e instanceof Error ? e.message : String(e);
    console.error(e instanceof PartialWrite ? `synth failed while writing:\n${text}` : `synth failed, nothing was written:\n${text}`);
    process.exit(1);
  }
}

if (require.main === module) run();

/**
 * `npm run synth [-- --site <name> ...]`: validate the sites, render every tree in memory,
 * then write them. Nothing is written unless every selected site is valid and renders; each
 * site's trees then switch together (lib/synth/write-tree.ts).
 */
import { cliCommand, collect, runCli, type CliSpec } from './lib/cli';
import { discoverSites } from './lib/site-files/load';
import { readSite } from './lib/site-files/validated';
import { SiteValidationError } from './lib/site/issues';
import { acknowledgementIssues } from './lib/site/acknowledge';
import { locateIssues } from './lib/site-files/locate';
import { validateSite } from './lib/components/validate';
import { compatibilityWarnings } from './lib/site/compatibility';
import { renderSiteManifests } from './lib/synth/render';
import { freshTrees, inputsKey, writeStamp } from './lib/synth/stamp';
import {
  pruneSites,
  recoverTrees,
  TREE_ROOTS,
  TreeWriteError,
  writeSiteTrees,
  type TreeWrite,
  type WriteStats,
} from './lib/synth/write-tree';
import { renderHostBootstrap } from './lib/bootstrap/host-bootstrap';
import { renderSiteReport } from './lib/report/site-report';
import type { Site } from './lib/site/model';

interface RenderedSite {
  readonly site: Site;
  /** ArgoCD Applications of the site (dist/<site>/argocd, the root app-of-apps included; not a hub's fleet apps): one per dist/ folder or upstream source. */
  readonly applications: number;
  readonly trees: readonly TreeWrite[];
}

/** The named sites of sites/ (every one when none is named), read and validated. */
export function selectSites(names: readonly string[]): Site[] {
  const files = discoverSites();
  if (files.length === 0) throw new Error('no site under sites/: write one with npm run new-site -- <name>');
  for (const name of names) {
    if (!files.some((f) => f.name === name))
      throw new Error(`unknown site '${name}': use one of ${files.map((f) => f.name).join(', ')}`);
  }
  return files.filter((f) => names.length === 0 || names.includes(f.name)).map(readSite);
}

export function renderSites(sites: readonly Site[]): RenderedSite[] {
  for (const site of sites) {
    const issues = validateSite(site);
    if (issues.length > 0) throw new SiteValidationError(site.name, locateIssues(issues, site));
    for (const warning of compatibilityWarnings(site))
      process.stderr.write(`warning: site '${site.name}': ${warning}\n`);
  }
  return sites.map((site) => {
    const { files, objects } = renderSiteManifests(site);
    // an acknowledgement whose change the site no longer makes must go (lib/site/acknowledge.ts)
    const stale = acknowledgementIssues(
      site.acknowledge,
      objects.map((r) => r.obj),
    );
    if (stale.length > 0) throw new SiteValidationError(site.name, stale);
    return {
      site,
      applications: objects.filter(
        (r) => r.app === 'argocd' && r.obj.kind === 'Application' && r.obj.apiVersion.startsWith('argoproj.io/'),
      ).length,
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

function treeLine(root: string, site: string, files: number, s: WriteStats, applications: number): string {
  const apps = root === TREE_ROOTS[0] ? `${applications} Applications, ` : '';
  return `${root}/${site}: ${apps}${files} files (${s.written} written, ${s.unchanged} unchanged, ${s.removed} removed)`;
}

/** @param sources the key of the sources the running bundle was built from (absent: render every site) */
function synth(names: readonly string[], sources?: string): void {
  const started = performance.now();
  for (const line of recoverTrees('.', TREE_ROOTS)) console.log(line);
  // a site whose inputs and trees are as the last synth left them is neither read nor rendered again
  const key = sources ? inputsKey('.', sources) : undefined;
  const all = discoverSites().map((f) => f.name);
  // in sites/ order; an unknown name goes on to selectSites, which names the known ones
  const selected =
    names.length > 0 ? [...all.filter((n) => names.includes(n)), ...names.filter((n) => !all.includes(n))] : all;
  const fresh = new Map(selected.map((name) => [name, key ? freshTrees('.', name, key, TREE_ROOTS) : undefined]));
  const stale = selected.filter((name) => !fresh.get(name));
  const rendered = new Map((stale.length > 0 ? renderSites(selectSites(stale)) : []).map((r) => [r.site.name, r]));
  const done: string[] = [];
  for (const name of selected) {
    const kept = fresh.get(name);
    if (kept) {
      TREE_ROOTS.forEach((root, i) =>
        console.log(
          treeLine(root, name, kept.files[i], { written: 0, unchanged: kept.files[i], removed: 0 }, kept.applications),
        ),
      );
      continue;
    }
    const { site, applications, trees } = rendered.get(name)!;
    let stats: WriteStats[];
    try {
      stats = writeSiteTrees('.', site.name, trees);
    } catch (e) {
      if (!(e instanceof TreeWriteError)) throw e;
      const rest = selected.filter((n) => n !== site.name && !done.includes(n) && !fresh.get(n));
      throw new PartialWrite(
        [
          e.message,
          `written: ${[...done, ...(e.switched ? [site.name] : [])].join(', ') || 'none'}`,
          `not written: ${[...(e.switched ? [] : [site.name]), ...rest].join(', ') || 'none'}`,
        ].join('\n'),
      );
    }
    trees.forEach((t, i) => console.log(treeLine(t.root, site.name, t.files.size, stats[i], applications)));
    if (key) writeStamp('.', site.name, key, trees, applications);
    done.push(site.name);
  }
  for (const line of pruneSites('.', TREE_ROOTS, new Set(discoverSites().map((f) => f.name)))) console.log(line);
  console.log(`synth: ${selected.length} site(s) in ${Math.round(performance.now() - started)} ms`);
}

/** What synth prints when it fails: whether anything was written, then why. */
export function synthFailure(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return e instanceof PartialWrite
    ? `synth failed while writing:\n${text}`
    : `synth failed, nothing was written:\n${text}`;
}

const SPEC: CliSpec = {
  script: 'synth',
  summary:
    'Validate the sites of sites/ (every problem with its field path), then render them into dist/, host-bootstrap/ and docs/sites/. Nothing is written unless every selected site is valid and renders; folders of removed sites are pruned.',
  exitCodes: {
    1: 'a site is invalid, unknown or does not render (nothing was written), or writing failed (the message says which sites were written)',
  },
  failure: { prefix: '', code: 1 },
};

/** The CLI: scripts/synth.cjs runs it from the bundle. */
export function run(argv: readonly string[] = process.argv.slice(2), sources?: string): void {
  const cmd = cliCommand(SPEC).option(
    '-s, --site <name>',
    'render only this site (repeatable); default: every site of sites/',
    collect,
  );
  runCli<{ site?: string[] }>(
    SPEC,
    cmd,
    ({ site }) => {
      try {
        synth(site ?? [], sources);
      } catch (e) {
        throw new Error(synthFailure(e), { cause: e });
      }
    },
    argv,
  );
}

if (require.main === module) run();

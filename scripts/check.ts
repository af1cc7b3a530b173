/**
 * `npm run check [-- --site <name>] [--no-secrets] [--base <rev>]`: checks that dist/, host-bootstrap/ and
 * docs/sites/ are what the sites render now (fresh), validates the rendered dist/ against the pinned schemas, the
 * site model (placement, capacity) and the house policy, and scans for secrets (the files a site's check reads, or
 * every tracked file; results kept by content); with --base, checks what the change since that revision does
 * (lib/check/gate.ts: refused and unacknowledged data-endangering changes, upgrade paths). One report, a progress line
 * per phase on stderr; exits 1 on any error.
 */
import { cliCommand, collect, runCli, type CliSpec } from '../lib/cli';
import type { Finding } from '../lib/check/findings';
import { readTrees } from '../lib/core/file-tree';
import { freshnessFindings } from '../lib/check/fresh-sites';
import { SITE_CHECKS, checkTrees, formatFindings } from '../lib/check/run';
import { checkFleet } from '../lib/check/fleet';
import { changedFiles, scanSecrets, trackedFiles } from '../lib/check/secret-scan';
import { phase } from '../lib/check/progress';
import { discoverSites } from '../lib/site-files/load';
import { loadSites } from '../lib/site-files/validated';
import { REPORT, reportsOnDisk, treeAtRevision, treeOnDisk } from '../lib/diff/git';
import { upgradePaths } from '../lib/diff/upgrade-paths';
import { diffTrees } from '../lib/diff/semantic';
import { gateFindings } from '../lib/check/gate';
import { PROJECT_ROOT } from '../lib/upstream';

const SPEC: CliSpec = {
  script: 'check',
  summary:
    'Check that the rendered trees are fresh, check dist/ (schemas, placement, capacity, policy), scan for secrets; with --base, what the change does.',
  exitCodes: {
    1: 'a check found an error (the report says which)',
    3: 'the check could not run (no rendered site, an invalid site)',
  },
  failure: { prefix: 'check failed: ', code: 3 },
};

const cmd = cliCommand(SPEC)
  .option('-s, --site <name>', 'check only this site (repeatable); default: every site of sites/ and dist/', collect)
  .option('--no-secrets', 'skip the secret scan')
  .option(
    '--base <rev>',
    "also check what changed since this revision: refused changes, data or quorum endangered without the site's acknowledgement, upgrade paths",
  );

runCli<{ site?: string[]; secrets: boolean; base?: string }>(SPEC, cmd, ({ site: sites, secrets, base }) => {
  const known = discoverSites().map((f) => f.name);
  for (const name of sites ?? [])
    if (!known.includes(name)) throw new Error(`unknown site '${name}': use one of ${known.join(', ')}`);
  const findings: Finding[] = [];
  const checks: string[] = [];
  const fresh = phase('fresh', () => freshnessFindings(PROJECT_ROOT, sites ?? []));
  findings.push(...fresh);
  checks.push('fresh');
  const trees = phase('read dist/', () => readTrees(`${PROJECT_ROOT}/dist`));
  const selected = new Map([...trees].filter(([name]) => !sites || sites.includes(name)));
  const models = loadSites();
  const siteFindings = phase(Object.keys(SITE_CHECKS).join(', '), () => checkTrees(models, selected));
  findings.push(...siteFindings);
  checks.push(
    ...['tree', ...Object.keys(SITE_CHECKS)].filter(
      (c) => c !== 'tree' || siteFindings.some((f) => f.check === 'tree'),
    ),
  );
  // the fleet's rules span sites: every site of sites/, whichever are selected
  findings.push(...checkFleet(models));
  checks.push('fleet');
  if (secrets) {
    const files = sites ? changedFiles(PROJECT_ROOT, sites) : trackedFiles(PROJECT_ROOT);
    findings.push(...phase(`secrets (${files.length} files)`, () => scanSecrets(PROJECT_ROOT, files)));
    checks.push('secrets');
  }
  if (base !== undefined) {
    const ofSelected = (tree: Map<string, string>) =>
      new Map([...tree].filter(([path]) => selected.has(path.split('/')[0])));
    const dist = phase(`read dist/ at ${base}`, () => ({
      before: ofSelected(treeAtRevision(PROJECT_ROOT, base)),
      after: ofSelected(treeOnDisk(PROJECT_ROOT)),
    }));
    findings.push(
      ...phase(`what the change since ${base} does`, () =>
        gateFindings(
          diffTrees(dist.before, dist.after),
          models.filter((m) => selected.has(m.name)),
          base,
        ),
      ),
    );
    checks.push('gate');
    const steps = phase(`upgrade paths since ${base}`, () =>
      upgradePaths(
        { before: treeAtRevision(PROJECT_ROOT, base, 'docs/sites', REPORT), after: reportsOnDisk(PROJECT_ROOT) },
        dist,
      ).filter((s) => selected.has(s.site)),
    );
    findings.push(
      ...steps.map((s): Finding => ({
        check: 'upgrade',
        severity: s.refused ? 'error' : 'note',
        where: s.site,
        message: s.message,
      })),
    );
    checks.push('upgrade');
  }
  console.log(
    `checked ${[...selected.keys()].join(', ')} (${[...selected.values()].reduce((n, t) => n + t.size, 0)} files)`,
  );
  console.log(formatFindings(findings, checks));
  process.exitCode = findings.some((f) => f.severity === 'error') ? 1 : 0;
});

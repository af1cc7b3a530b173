/**
 * `npm run check [-- --site <name>] [--no-secrets] [--base <rev>]`: validates what `npm run synth` rendered
 * (dist/) against the pinned schemas, the site model (placement, capacity) and the house policy,
 * and scans the tracked files for secrets; with --base, checks each site's upgrade path from that
 * revision (lib/diff/upgrade-paths.ts). One report; exits 1 on any error.
 */
import { cliCommand, collect, runCli, type CliSpec } from '../lib/cli';
import type { Finding } from '../lib/check/findings';
import { readTrees } from '../lib/core/file-tree';
import { SITE_CHECKS, checkTrees, formatFindings } from '../lib/check/run';
import { scanSecrets, trackedFiles } from '../lib/check/secret-scan';
import { loadSites } from '../lib/site-files/load';
import { REPORT, reportsOnDisk, treeAtRevision, treeOnDisk } from '../lib/diff/git';
import { upgradePaths } from '../lib/diff/upgrade-paths';
import { PROJECT_ROOT } from '../lib/upstream';

const SPEC: CliSpec = {
  script: 'check',
  summary: 'Check the rendered dist/ (schemas, placement, capacity, policy) and scan the tracked files for secrets.',
  exitCodes: {
    1: 'a check found an error (the report says which)',
    3: 'the check could not run (no rendered site, an invalid site)',
  },
  failure: { prefix: 'check failed: ', code: 3 },
};

const cmd = cliCommand(SPEC)
  .option('-s, --site <name>', 'check only this rendered site (repeatable); default: every folder of dist/', collect)
  .option('--no-secrets', 'skip the secret scan')
  .option(
    '--base <rev>',
    "also check each site's upgrade path from this revision (a skipped Kubernetes or Rook minor, a downgrade)",
  );

runCli<{ site?: string[]; secrets: boolean; base?: string }>(SPEC, cmd, ({ site: sites, secrets, base }) => {
  const trees = readTrees(`${PROJECT_ROOT}/dist`);
  for (const name of sites ?? [])
    if (!trees.has(name))
      throw new Error(`no rendered site '${name}' under dist/: rendered are ${[...trees.keys()].join(', ')}`);
  const selected = new Map([...trees].filter(([name]) => !sites || sites.includes(name)));

  const findings: Finding[] = checkTrees(loadSites(), selected);
  const checks = ['tree', ...Object.keys(SITE_CHECKS)].filter(
    (c) => c !== 'tree' || findings.some((f) => f.check === 'tree'),
  );
  if (secrets) {
    findings.push(...scanSecrets(PROJECT_ROOT, trackedFiles(PROJECT_ROOT)));
    checks.push('secrets');
  }
  if (base !== undefined) {
    const steps = upgradePaths(
      { before: treeAtRevision(PROJECT_ROOT, base, 'docs/sites', REPORT), after: reportsOnDisk(PROJECT_ROOT) },
      { before: treeAtRevision(PROJECT_ROOT, base), after: treeOnDisk(PROJECT_ROOT) },
    ).filter((s) => selected.has(s.site));
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

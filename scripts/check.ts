/**
 * `npm run check [-- --site <name>] [--no-secrets]`: validates what `npm run synth` rendered
 * (dist/) against the pinned schemas, the site model (placement, capacity) and the house policy,
 * and scans the tracked files for secrets. One report; exits 1 on any error.
 */
import { cliCommand, collect, runCli, type CliSpec } from '../lib/cli';
import type { Finding } from '../lib/check/findings';
import { readTrees } from '../lib/check/objects';
import { SITE_CHECKS, checkTrees, formatFindings } from '../lib/check/run';
import { scanSecrets, trackedFiles } from '../lib/check/secret-scan';
import { loadSites } from '../lib/sites/load';
import { PROJECT_ROOT } from '../lib/upstream';

const SPEC: CliSpec = {
  script: 'check',
  summary: 'Check the rendered dist/ (schemas, placement, capacity, policy) and scan the tracked files for secrets.',
  exitCodes: { 1: 'a check found an error (the report says which)', 3: 'the check could not run (no rendered site, an invalid site)' },
  failure: { prefix: 'check failed: ', code: 3 },
};

const cmd = cliCommand(SPEC)
  .option('-s, --site <name>', 'check only this rendered site (repeatable); default: every folder of dist/', collect)
  .option('--no-secrets', 'skip the secret scan');

runCli<{ site?: string[]; secrets: boolean }>(SPEC, cmd, ({ site: sites, secrets }) => {
  const trees = readTrees(`${PROJECT_ROOT}/dist`);
  for (const name of sites ?? []) if (!trees.has(name)) throw new Error(`no rendered site '${name}' under dist/: rendered are ${[...trees.keys()].join(', ')}`);
  const selected = new Map([...trees].filter(([name]) => !sites || sites.includes(name)));

  const findings: Finding[] = checkTrees(loadSites(), selected);
  const checks = ['tree', ...Object.keys(SITE_CHECKS)].filter((c) => c !== 'tree' || findings.some((f) => f.check === 'tree'));
  if (secrets) {
    findings.push(...scanSecrets(PROJECT_ROOT, trackedFiles(PROJECT_ROOT)));
    checks.push('secrets');
  }
  console.log(`checked ${[...selected.keys()].join(', ')} (${[...selected.values()].reduce((n, t) => n + t.size, 0)} files)`);
  console.log(formatFindings(findings, checks));
  process.exitCode = findings.some((f) => f.severity === 'error') ? 1 : 0;
});

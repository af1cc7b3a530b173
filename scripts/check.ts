/**
 * `npm run check [-- --site <name>] [--no-secrets]`: validates what `npm run synth` rendered
 * (dist/) against the pinned schemas, the site model (placement, capacity) and the house policy,
 * and scans the tracked files for secrets. One report; exits 1 on any error.
 */
import { parseArgs } from 'node:util';
import { SITES } from '../lib/sites';
import type { Finding } from '../lib/check/findings';
import { readTrees } from '../lib/check/objects';
import { SITE_CHECKS, checkTrees, formatFindings } from '../lib/check/run';
import { scanSecrets, trackedFiles } from '../lib/check/secret-scan';
import { PROJECT_ROOT } from '../lib/upstream';

function main(): void {
  const { values } = parseArgs({ options: { site: { type: 'string', multiple: true }, 'no-secrets': { type: 'boolean' } } });
  const trees = readTrees(`${PROJECT_ROOT}/dist`);
  for (const name of values.site ?? []) if (!trees.has(name)) throw new Error(`no rendered site '${name}' under dist/: rendered are ${[...trees.keys()].join(', ')}`);
  const selected = new Map([...trees].filter(([name]) => !values.site || values.site.includes(name)));

  const findings: Finding[] = checkTrees(SITES, selected);
  const checks = ['tree', ...Object.keys(SITE_CHECKS)].filter((c) => c !== 'tree' || findings.some((f) => f.check === 'tree'));
  if (!values['no-secrets']) {
    findings.push(...scanSecrets(PROJECT_ROOT, trackedFiles(PROJECT_ROOT)));
    checks.push('secrets');
  }
  console.log(`checked ${[...selected.keys()].join(', ')} (${[...selected.values()].reduce((n, t) => n + t.size, 0)} files)`);
  console.log(formatFindings(findings, checks));
  process.exitCode = findings.some((f) => f.severity === 'error') ? 1 : 0;
}

try {
  main();
} catch (e) {
  console.error(`check failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(2);
}

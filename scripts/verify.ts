/**
 * `npm run verify [-- --site <name>] [--build] [--keep]`: apply each rendered site to a throwaway
 * control plane of its Kubernetes version (etcd, kube-apiserver, kube-controller-manager,
 * kube-scheduler, kwok nodes shaped like the site's) with the real Zalando operator, and report
 * what the real components accept, admit and place. Exits 1 when anything is refused.
 */
import { parseArgs } from 'node:util';
import { readTrees, parseTree } from '../lib/check/objects';
import { SITES } from '../lib/sites';
import { PROJECT_ROOT } from '../lib/upstream';
import { build, componentsFor, isBuilt } from '../lib/verify/components';
import { missingComponents } from '../lib/verify/control-plane';
import { formatReport } from '../lib/verify/report';
import { verifySite } from '../lib/verify/run';

const HELP = `usage: npm run verify [-- --site <name>]... [--build] [--keep]

Applies dist/<site>/ to a throwaway Kubernetes control plane on loopback, as ArgoCD would, and
reports per object (accepted or the API server's rejection), per pod (its node or the
scheduler's reason), the Zalando operator's output and the runbook's checks. Exits 0 only when
everything was accepted, admitted and placed.

  --site <name>  verify only this site (repeatable; default: every site under dist/)
  --build        build the pinned components (Go) that are missing, then stop
  --keep         keep the temp folder (component logs, certificates) and print its path
  --help         this text

Components are built with Go into .build/tools/ on first use (about 10-20 minutes on 2 cores).`;

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { site: { type: 'string', multiple: true }, build: { type: 'boolean' }, keep: { type: 'boolean' }, help: { type: 'boolean' } } });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const trees = readTrees(`${PROJECT_ROOT}/dist`);
  for (const name of values.site ?? []) if (!trees.has(name)) throw new Error(`no rendered site '${name}' under dist/: rendered are ${[...trees.keys()].join(', ')}`);
  const names = [...trees.keys()].filter((n) => !values.site || values.site.includes(n));
  const sites = names.map((name) => {
    const site = SITES.find((s) => s.name === name);
    if (!site) throw new Error(`rendered site '${name}' has no model in lib/sites: remove dist/${name} or run npm run synth`);
    return site;
  });
  const components = [...new Map(sites.flatMap((s) => componentsFor(s.kubernetes.version)).map((c) => [c.id, c])).values()];
  for (const c of components.filter((x) => !isBuilt(x))) {
    console.log(`building ${c.id} with Go (once; cached in .build/tools/${c.id}/) ...`);
    console.log(`built ${c.id} in ${(await build(c)).toFixed(0)} s`);
  }
  if (values.build) return 0;
  let failed = 0;
  for (const site of sites) {
    const missing = missingComponents(site.kubernetes.version);
    if (missing.length) throw new Error(missing.join('\n'));
    const report = await verifySite({ site, objects: parseTree(site.name, trees.get(site.name)!) }, {
      keep: values.keep, log: (line) => console.log(`[${site.name}] ${line}`),
    });
    console.log(formatReport(report));
    if (!report.ok) failed++;
  }
  return failed ? 1 : 0;
}

main().then((code) => { process.exitCode = code; }, (e: unknown) => {
  console.error(`verify failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 2;
});

/**
 * `npm run verify [-- --site <name>] [--build] [--keep] [--json <file>]`: apply each rendered site to a throwaway
 * control plane of its Kubernetes version (etcd, kube-apiserver, kube-controller-manager,
 * kube-scheduler, kwok nodes shaped like the site's) with the real Zalando operator, and report
 * what the real components accept, admit and place.
 */
import { cliCommand, collect, runCli, type CliSpec } from '../lib/cli';
import { parseTree } from '../lib/core/objects';
import { readTrees } from '../lib/core/file-tree';
import { loadSites } from '../lib/site-files/validated';
import { PROJECT_ROOT } from '../lib/upstream';
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import {
  ACTIONLINT,
  build,
  buildLog,
  cloned,
  componentsFor,
  fromGit,
  isBuilt,
  refereeComponents,
} from '../lib/verify/components';
import { missingComponents } from '../lib/verify/control-plane';
import { formatReport } from '../lib/verify/report';
import { siteFacts, type SiteFacts } from '../lib/verify/report-json';
import { verifySite } from '../lib/verify/run';
import { buildLiveImages, liveComponents } from '../lib/verify/live/data-plane';
import { LIVE_OPERATIONS, parseOperations } from '../lib/verify/live/operations';
import { standbyRuns, unprovenStandbys, verifyStandbySite } from '../lib/verify/live/standby';
import type { VerifyReport } from '../lib/verify/run';
import type { Site } from '../lib/site/model';

const SPEC: CliSpec = {
  script: 'verify',
  summary:
    'Apply dist/<site>/ to a throwaway Kubernetes control plane on loopback (the pinned kube-apiserver, controller-manager, ' +
    "scheduler, kwok nodes shaped like the site's, the real Zalando operator), as ArgoCD would, and report per object (accepted or the " +
    "API server's rejection), per pod (its node or the scheduler's reason), the operator's output and the runbook's checks; " +
    'then (as root; --no-live skips it) the live data plane: the Spilo pods run PostgreSQL, Patroni and WAL-G for real beside ' +
    'an S3 store, and each cluster must have a leader behind its master Service, streaming replicas, a base backup and ' +
    'clients logging in through its Services. ' +
    'Components are built with Go into .build/tools/ on first use (about 20 minutes on 2 cores), then reused.',
  exitCodes: {
    1: 'a site was refused: an object rejected, a pod not admitted or not placed, an operator error, a failed check or live fact, a check NOT RUN',
    3: 'verify could not run (Go or etcd missing, a build failed, no rendered site)',
  },
  failure: { prefix: 'verify failed: ', code: 3 },
};

const cmd = cliCommand(SPEC)
  .option('-s, --site <name>', 'verify only this rendered site (repeatable); default: every folder of dist/', collect)
  .option('--build', 'build the pinned components that are missing (Go; actionlint for the tests too), then stop')
  .option('--keep', "keep each run's temp folder (component logs, certificates) and print its path")
  .option('--json <file>', "write each site's facts as JSON to this file (its shape: docs/verify.md)")
  .option(
    '--operations [names]',
    `then perform the runbook's day-2 operations on the live clusters (comma-separated, in order; when none is named, each of ${LIVE_OPERATIONS.join(', ')} the site allows), each as docs/operations.md shows it, checked on the databases`,
  )
  .option(
    '--no-live',
    "do not run the live data plane (Spilo pods with PostgreSQL and Patroni, the S3 store): admission, placement and the operator's objects only (no root needed)",
  );

runCli<{
  site?: string[];
  build?: boolean;
  keep?: boolean;
  json?: string;
  live: boolean;
  operations?: string | boolean;
}>(SPEC, cmd, async (options) => {
  const operations = parseOperations(options.operations);
  if (options.operations && !options.live) throw new Error('--operations needs the live data plane: drop --no-live');
  const trees = readTrees(`${PROJECT_ROOT}/dist`);
  for (const name of options.site ?? [])
    if (!trees.has(name))
      throw new Error(`no rendered site '${name}' under dist/: rendered are ${[...trees.keys()].join(', ')}`);
  const all = loadSites();
  const sites = [...trees.keys()]
    .filter((n) => !options.site || options.site.includes(n))
    .map((name) => {
      const site = all.find((s) => s.name === name);
      if (!site)
        throw new Error(`rendered site '${name}' has no model in sites/: remove dist/${name} or run npm run synth`);
      return site;
    });
  const components = [
    ...new Map(
      sites
        .flatMap((s) => [...componentsFor(s), ...refereeComponents(s), ...(options.live ? liveComponents(s) : [])])
        .map((c) => [c.id, c]),
    ).values(),
    // the tests' referee of .github/workflows/, built with the rest
    ...(options.build ? [ACTIONLINT] : []),
  ];
  const unbuilt = components.filter((x) => !isBuilt(x));
  for (const [i, c] of unbuilt.entries()) {
    console.log(
      `building ${c.id} with Go (${i + 1} of ${unbuilt.length}, about ${c.buildMinutes} min on 2 cores; log: ${relative(PROJECT_ROOT, buildLog(c))}; cached in .build/tools/${c.id}/) ...`,
    );
    try {
      console.log(`built ${c.id} in ${(await build(c)).toFixed(0)} s`);
    } catch (e) {
      // a git-only source may be unreachable (a machine whose only network is the package registries): verify then says
      // what it did not check; a source that was cloned and does not build is a failure. CI builds every component: there
      // an unreachable source fails the build
      if (!fromGit(c) || cloned(c) || process.env.CI === 'true') throw e;
      console.warn(
        `warning: ${(e as Error).message}\n  verify runs without ${c.id} and reports its checks as NOT RUN (the run fails, it does not pass)`,
      );
    }
  }
  if (options.live) for (const site of sites) buildLiveImages(site, (line) => console.log(line));
  if (options.build) return;
  let failed = 0;
  const facts: SiteFacts[] = [];
  // a standby site runs inside its primary site's run (lib/verify/live/standby.ts)
  const { runs, inside } = standbyRuns(sites, all, options.live);
  for (const site of runs) {
    const missing = [site, ...(inside.get(site.name) ?? [])].flatMap(missingComponents);
    if (missing.length) throw new Error(missing.join('\n'));
    const log = (name: string) => (line: string) => console.log(`[${name}] ${line}`);
    const beside: VerifyReport[] = [];
    const report = await verifySite(
      { site, objects: parseTree(site.name, trees.get(site.name)!) },
      {
        keep: options.keep,
        dataPlane: options.live,
        operations,
        log: log(site.name),
        live: inside.has(site.name)
          ? async (live) => {
              for (const standby of inside.get(site.name)!)
                beside.push(
                  await verifyStandbySite(live, standby, all, { keep: options.keep, log: log(standby.name) }),
                );
            }
          : undefined,
      },
    );
    for (const r of [report, ...beside]) {
      // a standby site run on its own: its standbys are not established (a NOT RUN when the live data plane ran)
      const alone = r.standbys
        ? r
        : standbysAlone(
            r,
            all.find((s) => s.name === r.site)!,
            options.live,
          );
      console.log(formatReport(alone));
      facts.push(siteFacts(alone));
      if (options.json) writeFileSync(options.json, JSON.stringify({ sites: facts }, null, 2) + '\n');
      if (!alone.ok) failed++;
    }
  }
  process.exitCode = failed ? 1 : 0;
});

/** A report of a site run without its standbys' primary: each standby unproven, said as not run or not verified. */
function standbysAlone(r: VerifyReport, site: Site, live: boolean): VerifyReport {
  const why = live
    ? "its primary site does not run live here: the standby's replay and promotion are not checked"
    : "the live data plane did not run (--no-live): the standby's replay and promotion are not checked";
  const standbys = unprovenStandbys(site, why);
  if (!standbys.length) return { ...r, standbys };
  const lines = standbys.map((f) => `${f.cluster}, standby of site ${f.primarySite}: ${why}`);
  return live && !r.notRun.length && !r.notVerified.some((n) => n.startsWith('the live data plane'))
    ? { ...r, standbys, notRun: [...r.notRun, ...lines], ok: false }
    : { ...r, standbys, notVerified: [...r.notVerified, ...lines] };
}

/**
 * `npm run diff [-- --base <rev>] [--head <rev>] [--format terminal|markdown] [--output <file>]`:
 * the semantic diff of dist/ between two revisions (default: HEAD vs the working tree), with
 * impact notes and a DESTRUCTIVE banner, then the line diff of host-bootstrap/. The PR workflow
 * posts its Markdown.
 */
import { Option } from 'commander';
import { cliCommand, runCli, type CliSpec } from '../lib/cli';
import { freshnessFindings } from '../lib/check/fresh-sites';
import { phase } from '../lib/check/progress';
import { formatMarkdown, formatStale, formatTerminal } from '../lib/diff/format';
import { REPORT, reportsOnDisk, treeAtRevision, treeOnDisk } from '../lib/diff/git';
import { formatUpgradeSteps, upgradePaths } from '../lib/diff/upgrade-paths';
import { diffFiles } from '../lib/diff/host-files';
import { formatKubeadmPlans, kubeadmPlans } from '../lib/diff/kubeadm-plan';
import { diffTrees } from '../lib/diff/semantic';
import { PROJECT_ROOT } from '../lib/upstream';
import { writeFileAtomic } from '../lib/write/atomic';

const SPEC: CliSpec = {
  script: 'diff',
  summary:
    'The semantic diff of the rendered dist/ between two revisions (added, changed, destroyed objects with impact notes), then the line diff of host-bootstrap/.',
  exitCodes: {
    1: 'the diff could not be made (unknown revision, unreadable tree), or the working tree is stale (the diff says which site to synth)',
  },
  failure: { prefix: 'diff failed: ', code: 1 },
};

const cmd = cliCommand(SPEC)
  .option('--base <rev>', 'the revision to compare from', 'HEAD')
  .option('--head <rev>', 'the revision to compare to; default: the working tree')
  .addOption(
    new Option('--format <format>', 'terminal text or the Markdown the PR workflow posts')
      .choices(['terminal', 'markdown'])
      .default('terminal'),
  )
  .option('-o, --output <file>', 'write to this file instead of stdout');

runCli<{ base: string; head?: string; format: 'terminal' | 'markdown'; output?: string }>(SPEC, cmd, (o) => {
  const step = <T>(name: string, run: () => T) => phase(name, run, 'diff');
  // the working tree's output must be what its sites render, else the diff shows a change that is not the sites'
  const stale = o.head ? [] : step('fresh', () => freshnessFindings(PROJECT_ROOT));
  const tree = (dir: string) => ({
    before: treeAtRevision(PROJECT_ROOT, o.base, dir),
    after: o.head ? treeAtRevision(PROJECT_ROOT, o.head, dir) : treeOnDisk(PROJECT_ROOT, dir),
  });
  const { dist, host } = step('read trees', () => ({ dist: tree('dist'), host: tree('host-bootstrap') }));
  const diff = step('semantic diff', () => diffTrees(dist.before, dist.after));
  const files = diffFiles(host.before, host.after);
  const reports = {
    before: treeAtRevision(PROJECT_ROOT, o.base, 'docs/sites', REPORT),
    after: o.head ? treeAtRevision(PROJECT_ROOT, o.head, 'docs/sites', REPORT) : reportsOnDisk(PROJECT_ROOT),
  };
  const steps = step('upgrade paths', () => upgradePaths(reports, dist));
  const text = [
    ...formatStale(stale, o.format),
    o.format === 'markdown' ? formatMarkdown(diff, files) : formatTerminal(diff, files),
    ...formatUpgradeSteps(steps),
    ...formatKubeadmPlans(kubeadmPlans(host), o.format),
  ].join('\n');
  if (o.output) writeFileAtomic(o.output, `${text}\n`);
  else console.log(text);
  // a diff of stale trees is not the change under review
  if (stale.length) process.exitCode = 1;
});

import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { afterAll, describe, expect, test } from 'vitest';
import { catalogOf } from '../lib/site/catalog';
import { minorOf } from '../lib/core/versions';
import { SITES } from '../lib/site-files';
import { nodeLabels } from '../lib/site/roles';
import { poc } from '../sites/poc';
import { ACTIONLINT, binaryPath } from '../lib/verify/components';
import { oneNodeFindings } from './support/one-node';
import { builtBinaries, tool } from './support/tools';
import { siteTree } from './support/trees';

const ROOT = join(__dirname, '..');
const DIR = join(ROOT, '.github', 'workflows');
const validator = join(ROOT, 'node_modules', '.bin', 'action-validator');
const validate = (file: string) => spawnSync(validator, [file], { encoding: 'utf8' });

interface Step {
  readonly name?: string;
  readonly run?: string;
  readonly uses?: string;
  readonly if?: string;
  readonly with?: Record<string, unknown>;
  readonly env?: Record<string, string>;
}
interface Workflow {
  readonly on: Record<string, unknown>;
  readonly permissions: Record<string, string>;
  readonly jobs: Record<string, { readonly steps: readonly Step[] }>;
}
const workflow = (name: string) => load(readFileSync(join(DIR, name), 'utf8')) as Workflow;
const runs = (w: Workflow) =>
  Object.values(w.jobs)
    .flatMap((j) => j.steps.flatMap((s) => (s.run ? [s.run] : [])))
    .join('\n');

const tmp = mkdtempSync(join(tmpdir(), 'workflows-'));
const e2e = workflow('e2e-kind.yml');
const dispatch = e2e.on.workflow_dispatch as { inputs: { site: { default: string } } };
// the site e2e-kind syncs unless told otherwise
const e2eSite = SITES.find((s) => s.name === dispatch.inputs.site.default);
if (!e2eSite)
  throw new Error(`e2e-kind.yml syncs site '${dispatch.inputs.site.default}' by default: no such site under sites/`);
const e2eTree = siteTree(e2eSite);
/** The Secrets a job's scripts create (`kubectl -n <ns> create secret generic <name> --from-literal=<key>=...`). */
const jobSecrets = (text: string): Map<string, string[]> =>
  new Map(
    [...text.matchAll(/kubectl -n (\S+) create secret generic (\S+)((?: --from-literal=[^=\s]+=\S+)+)/g)].map((m) => [
      `${m[1]}/${m[2]}`,
      [...m[3].matchAll(/--from-literal=([^=\s]+)=/g)].map((k) => k[1]),
    ]),
  );
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('GitHub workflows', () => {
  test.each(readdirSync(DIR).filter((f) => f.endsWith('.yml')))('%s is valid (action-validator)', (file) => {
    const run = validate(join(DIR, file));
    expect(run.stdout + run.stderr).not.toMatch(/"errors"/);
    expect(run.status).toBe(0);
  });

  test.each(readdirSync(DIR).filter((f) => f.endsWith('.yml')))(
    '%s: every action pinned by commit, its release in a comment; none on a Node 20 major',
    (file) => {
      const uses = readFileSync(join(DIR, file), 'utf8')
        .split('\n')
        .filter((l) => /^\s*(- )?uses:/.test(l))
        .map((l) => l.replace(/^\s*(- )?uses:\s*/, ''));
      expect(uses.length).toBeGreaterThan(0);
      for (const u of uses) expect(u).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
      // the majors that still ran on Node 20 (forced to Node 24 since 2026-06-02, removed on 2026-09-16)
      const node20 = {
        'actions/checkout': 4,
        'actions/setup-node': 4,
        'actions/setup-go': 5,
        'actions/cache': 4,
        'actions/github-script': 7,
      };
      for (const u of uses) {
        const [, action, major] = /^([\w.-]+\/[\w.-]+)[^@]*@\S+ # v(\d+)/.exec(u)!;
        const last = node20[action as keyof typeof node20];
        if (last !== undefined) expect(Number(major), u).toBeGreaterThan(last);
      }
    },
  );

  test('fails on a broken workflow (the validator can fail)', () => {
    const bad = join(tmp, 'bad.yml');
    writeFileSync(bad, 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    step: []\n');
    expect(validate(bad).status).not.toBe(0);
  });

  test('ci: Debian tools, npm ci, synth freshness, verify components, tests, checks, in that order', () => {
    const ci = workflow('ci.yml');
    const steps = runs(ci).split('\n');
    const at = (pattern: RegExp) => steps.findIndex((s) => pattern.test(s));
    // under CI=true a missing checker fails the tests instead of skipping them
    expect(steps[0]).toMatch(/apt-get install .*shellcheck cloud-init .*etcd-server postgresql$/);
    expect(at(/^npm ci$/)).toBe(1);
    expect(steps[at(/npm run synth/)]).toMatch(
      /^npm run synth && git diff --exit-code && test -z "\$\(git status --porcelain -- dist host-bootstrap docs\/sites\)"$/,
    );
    // verify's Go components: Go from setup-go, built before the tests, cached per pinned version
    const uses = Object.values(ci.jobs).flatMap((j) => j.steps.map((s) => s.uses ?? ''));
    expect(uses.some((u) => u.startsWith('actions/setup-go@'))).toBe(true);
    // only the built binaries are cached, restored by prefix and saved (on always) whenever a run built
    // something: a failing run keeps what it built; Go's own caches are freed before the tests
    const all = Object.values(ci.jobs).flatMap((j) => j.steps);
    const restore = all.find((s) => s.uses?.startsWith('actions/cache/restore@'))!;
    const save = all.find((s) => s.uses?.startsWith('actions/cache/save@'))!;
    expect(all.some((s) => s.uses?.startsWith('actions/cache@'))).toBe(false);
    expect(restore.with?.path).toBe('.build/tools');
    expect(String(restore.with?.key)).toMatch(
      /^verify-tools-\$\{\{ hashFiles\('lib\/site\/trains\/.*\}\}-\$\{\{ github\.run_id \}\}$/,
    );
    expect(`${String(restore.with?.['restore-keys'])}\${{ github.run_id }}`).toBe(restore.with?.key);
    expect(save.with).toEqual({ path: '.build/tools', key: restore.with?.key });
    expect(save.if).toMatch(/^always\(\) && /);
    expect(all.indexOf(save)).toBeGreaterThan(all.findIndex((s) => s.run?.includes('npm run verify -- --build')));
    expect(all.find((s) => s.run === 'go clean -cache -modcache')?.if).toBe('always()');
    expect(at(/^npm run verify -- --build$/)).toBeGreaterThan(at(/npm run synth/));
    expect(at(/^npm test$/)).toBeGreaterThan(at(/^npm run verify -- --build$/));
    // verify runs the operator under unshare (lib/verify/database.ts): user namespaces allowed before the tests
    expect(at(/sysctl -w kernel\.apparmor_restrict_unprivileged_userns=0/)).toBeGreaterThan(0);
    expect(at(/^npm test$/)).toBeGreaterThan(at(/apparmor_restrict_unprivileged_userns=0/));
    expect(at(/^npm run check$/)).toBeGreaterThan(at(/^npm test$/));
    // a runner whose etcd-server is 3.4+, checked before the tests
    expect((ci.jobs.test as { 'runs-on'?: string })['runs-on']).toBe('ubuntu-24.04');
    expect(at(/^etcd --version \| grep/)).toBeGreaterThan(0);
    expect(at(/^etcd --version \| grep/)).toBeLessThan(at(/^npm test$/));
    expect(ci.permissions).toEqual({ contents: 'read' });
  });

  test('pr-diff: diffs the merge result against the base branch and keeps one comment up to date', () => {
    const pr = workflow('pr-diff.yml');
    expect(Object.keys(pr.on)).toEqual(['pull_request']);
    expect(pr.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
    const steps = pr.jobs.diff.steps;
    expect(steps[0].uses).toMatch(/^actions\/checkout@/);
    expect(steps[0].with).toEqual({ 'fetch-depth': 0 });
    const diff = steps.find((s) => s.run?.includes('npm run --silent diff'))!;
    expect(diff.env).toEqual({ BASE_REF: '${{ github.base_ref }}' });
    expect(diff.run).toContain('--base "origin/$BASE_REF" --head HEAD --format markdown --output .build/pr-diff.md');
    const comment = steps.find((s) => s.uses?.startsWith('actions/github-script@'))!;
    const script = String(comment.with?.script);
    expect(script).toContain("const marker = '<!-- pg-platform-gitops:rendered-diff -->'");
    expect(script).toContain('github.rest.issues.updateComment');
    expect(script).toContain('github.rest.issues.createComment');
    // the inline script compiles as the body of github-script's async function
    const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (
      ...args: string[]
    ) => unknown;
    expect(() => new AsyncFunction('github', 'context', 'require', script)).not.toThrow();
  });

  test("e2e-kind: installs ArgoCD at the site's pinned version and lets it sync the root Application from the pull request's commit through every wave, until every Application is Healthy, on demand or when dist/ changes", () => {
    expect(Object.keys(e2e.on).sort()).toEqual(['pull_request', 'workflow_dispatch']);
    expect(e2e.jobs.argocd.steps[0].uses).toMatch(/^actions\/checkout@/);
    expect(e2e.jobs.argocd.steps[0].with).toEqual({ ref: '${{ github.event.pull_request.head.sha || github.sha }}' });
    const text = runs(e2e);
    expect(text).toContain('argo-cd/$ARGOCD/manifests/install.yaml');
    // ArgoCD reads this commit (served by git daemon), not the site's real remote
    expect(text.indexOf('git daemon')).toBeLessThan(text.indexOf('kubectl apply -f "dist/$SITE/argocd/"'));
    // the node is labelled as the site's node joins before anything is synced
    expect(text.indexOf('kubectl label nodes --all --overwrite "${LABELS[@]}"')).toBeLessThan(
      text.indexOf('git daemon'),
    );
    // the root is Healthy only once each wave's Applications are (argocd-cm's Application health check)
    const healthy = text.indexOf('--for=jsonpath=\'{.status.health.status}\'=Healthy "application/$SITE-root"');
    expect(healthy).toBeGreaterThan(text.indexOf('kubectl apply -f "dist/$SITE/argocd/"'));
    expect(text.indexOf('--for=jsonpath=\'{.status.sync.status}\'=Synced "application/$SITE-root"')).toBeGreaterThan(
      healthy,
    );
    expect(text).toContain('--for=jsonpath=\'{.status.health.status}\'=Healthy "application/$app"');
    expect(text).toContain("--for=jsonpath='{.status.PostgresClusterStatus}'=Running");
    // nothing applied around ArgoCD, and no PostgreSQL of the runner used
    expect(text).not.toMatch(/kubectl apply --server-side -R -f "dist/);
    expect(text).not.toMatch(/psql|pg_ctl|apt-get/);
  });

  test("e2e-kind: its Applications loop names exactly the site's Applications", () => {
    const loop = runs(e2e)
      .split('\n')
      .find((l) => l.includes('for app in $('))!;
    const list = /for app in \$\((.*)\); do$/.exec(loop.trim())![1];
    const run = spawnSync('bash', ['-euo', 'pipefail', '-c', list], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, SITE: e2eSite.name },
    });
    expect(run.status, run.stderr).toBe(0);
    const apps = e2eTree.objects
      .filter((r) => r.app === 'argocd' && r.obj.kind === 'Application')
      .map((r) => r.obj.metadata.name)
      .sort();
    expect(apps).toContain(`${e2eSite.name}-root`);
    expect(run.stdout.trim().split('\n').sort()).toEqual(apps);
  });

  test('e2e-kind: its inline scripts run here: the node labels, the pinned ArgoCD and the repository of the site', () => {
    const snippets = [...runs(e2e).matchAll(/npx tsx -e "([^"]+)"/g)].map((m) => m[1]);
    expect(snippets).toHaveLength(3);
    const out = snippets.map((code) =>
      spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), ['-e', code], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, SITE: e2eSite.name },
      }),
    );
    expect(out.map((o) => [o.status, o.stderr])).toEqual([
      [0, ''],
      [0, ''],
      [0, ''],
    ]);
    expect(out.map((o) => o.stdout.trim())).toEqual([
      nodeLabels(e2eSite.nodes[0])
        .map((l) => `${l.key}=${l.value}`)
        .join(' '),
      catalogOf(e2eSite).versions.argocd,
      e2eSite.gitops.repoURL,
    ]);
    // the label step refuses a site of several nodes
    const several = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), ['-e', snippets[0]], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, SITE: poc.name },
    });
    expect(several.status).not.toBe(0);
    expect(several.stderr).toContain(`site poc has ${poc.nodes.length} nodes: kind runs one`);
  });

  test("e2e-kind: the rewrite points every reference to the site's repository in its argocd folder (the AppProjects' sourceRepos too) at the git daemon", () => {
    const lines = runs(e2e).split('\n');
    const rewrite = lines.filter((l) => /grep -rlF -- "\$REPO"|if grep -rF -- "\$REPO"/.test(l));
    expect(rewrite).toHaveLength(2);
    const work = mkdtempSync(join(tmp, 'e2e-'));
    const site = e2eSite.name;
    cpSync(join(ROOT, 'dist', site, 'argocd'), join(work, 'dist', site, 'argocd'), { recursive: true });
    const run = spawnSync('bash', ['-euo', 'pipefail', '-c', rewrite.join('\n')], {
      cwd: work,
      encoding: 'utf8',
      env: { ...process.env, SITE: site, REPO: e2eSite.gitops.repoURL, GATEWAY: '172.18.0.1' },
    });
    expect(run.status, run.stderr).toBe(0);
    const project = readFileSync(
      join(work, 'dist', site, 'argocd', `appproject-${site}-postgres-operator.yaml`),
      'utf8',
    );
    expect(project).toContain('- git://172.18.0.1/repo');
    const app = readFileSync(join(work, 'dist', site, 'argocd', 'application-postgres-operator.yaml'), 'utf8');
    expect(app).toMatch(/repoURL: git:\/\/172\.18\.0\.1\/repo\n\s+targetRevision: e2e/);
  });

  test(`e2e-kind: its site (${e2eSite.name}, rendered under dist/: npm run check and verify pass on it) has no Application that cannot become healthy on kind's one node`, () => {
    const kindAction = e2e.jobs.argocd.steps.find((s) => s.uses?.startsWith('helm/kind-action@'))!;
    // the node image kind's release lists for the site's Kubernetes minor, pinned by digest
    expect(String(kindAction.with?.node_image)).toMatch(
      new RegExp(
        `^kindest/node:v${minorOf(e2eSite.kubernetes.version).replace('.', '\\.')}\\.\\d+@sha256:[0-9a-f]{64}$`,
      ),
    );
    expect(existsSync(join(ROOT, 'dist', e2eSite.name, 'argocd'))).toBe(true);
    expect(
      oneNodeFindings(e2eTree, {
        node: `${String(kindAction.with?.cluster_name)}-control-plane`,
        storageClass: 'standard',
        secrets: jobSecrets(runs(e2e)),
      }),
    ).toEqual([]);
  });

  test('fails on a site that cannot become healthy on one node (the one-node check can fail)', () => {
    const findings = oneNodeFindings(siteTree(poc), {
      node: 'e2e-control-plane',
      storageClass: 'standard',
      secrets: new Map([['monitoring/grafana-admin', ['admin-user']]]),
    });
    expect(findings).toContain('site poc: 10 nodes, kind runs one');
    expect(findings).toContain(
      "rook-ceph-cluster: CephCluster rook-ceph/rook-ceph: Rook's Ceph needs three monitors and raw disks",
    );
    expect(findings.some((f) => /StorageClass rook-ceph-block: kind has standard only$/.test(f))).toBe(true);
    expect(
      findings.some((f) =>
        /image registry\.opensource\.zalan\.do\/acid\/postgres-operator:.*: its registry is closing$/.test(f),
      ),
    ).toBe(true);
    expect(findings).toContain(
      'minio: Tenant minio/minio: Secret minio-root: neither rendered, nor made by an operator, nor created by the job',
    );
    expect(findings).toContain(
      'postgres-operator: ConfigMap postgres-operator/postgres-operator: pod_environment_secret postgres-backup-s3: a deploy-time Secret',
    );
    expect(findings).toContain(
      'monitoring: Deployment monitoring/grafana: Secret grafana-admin: the job creates it without admin-password',
    );
    expect(findings).toContain(
      "node debian-cp: joins tainted (node-role.kubernetes.io/control-plane), kind's node is not",
    );
  });
});

/**
 * actionlint (built from the Go module proxy by `npm run verify -- --build`) checks what the schema cannot: expressions
 * and the contexts they name, known actions' inputs, and every `run:` script with shellcheck (CI installs it).
 */
const ACTIONLINT_BIN = binaryPath(ACTIONLINT, 'actionlint');
const linter = builtBinaries('actionlint', [ACTIONLINT_BIN]);
const shellcheck = tool('shellcheck', 'shellcheck');
const lint = (file: string) =>
  spawnSync(ACTIONLINT_BIN, ['-shellcheck', 'shellcheck', '-pyflakes', '', '-no-color', file], { encoding: 'utf8' });
describe.runIf(linter.live)('GitHub workflows (actionlint)', () => {
  test.each(readdirSync(DIR).filter((f) => f.endsWith('.yml')))('%s passes actionlint, shellcheck included', (file) => {
    expect(linter.missing).toEqual([]);
    shellcheck.require();
    const run = lint(join(DIR, file));
    expect(run.stdout + run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
  test('fails on an input no trigger defines and a shell mistake (actionlint can fail)', () => {
    expect(linter.missing).toEqual([]);
    shellcheck.require();
    const bad = join(tmp, 'lint-bad.yml');
    writeFileSync(
      bad,
      [
        'on: push',
        'jobs:',
        '  a:',
        '    runs-on: ubuntu-24.04',
        '    steps:',
        '      - run: echo ${{ inputs.nope }} $UNQUOTED_VAR_IN_TEST',
        '      - run: cd $(mktemp -d) && ls',
        '',
      ].join('\n'),
    );
    const run = lint(bad);
    expect(run.status).not.toBe(0);
    expect(run.stdout).toContain('property "nope" is not defined');
    expect(run.stdout).toContain('shellcheck reported issue');
  });
});
if (!linter.live) {
  describe('GitHub workflows (actionlint)', () => {
    test.skip(`SKIPPED (not built: ${linter.missing.join(', ')}; run npm run verify -- --build)`, () => undefined);
  });
}

import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { afterAll, describe, expect, test } from 'vitest';
import { catalogOf } from '../lib/site/catalog';
import { poc } from '../sites/poc';

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

  test("e2e-kind: installs ArgoCD at the site's pinned version and lets it sync the root Application from the pull request's commit, on demand or when dist/ changes", () => {
    const e2e = workflow('e2e-kind.yml');
    expect(Object.keys(e2e.on).sort()).toEqual(['pull_request', 'workflow_dispatch']);
    expect(e2e.jobs.argocd.steps[0].uses).toMatch(/^actions\/checkout@/);
    expect(e2e.jobs.argocd.steps[0].with).toEqual({ ref: '${{ github.event.pull_request.head.sha || github.sha }}' });
    const text = runs(e2e);
    expect(text).toContain('argo-cd/$ARGOCD/manifests/install.yaml');
    // ArgoCD reads this commit (served by git daemon), not the site's real remote
    expect(text.indexOf('git daemon')).toBeLessThan(text.indexOf('kubectl apply -f "dist/$SITE/argocd/"'));
    expect(text).toContain('--for=jsonpath=\'{.status.sync.status}\'=Synced "application/$SITE-root"');
    // the Tenant's CRD comes with the minio-operator Application, before the minio Application applies the Tenant
    expect(text.indexOf('crd/tenants.minio.min.io')).toBeLessThan(text.indexOf('application/minio --timeout'));
    // nothing applied around ArgoCD, and no PostgreSQL of the runner used
    expect(text).not.toMatch(/kubectl apply --server-side -R -f "dist/);
    expect(text).not.toMatch(/psql|pg_ctl|postgresql/);
  });

  test('e2e-kind: its inline scripts run here: the pinned ArgoCD and the repository of the site', () => {
    const snippets = [...runs(workflow('e2e-kind.yml')).matchAll(/npx tsx -e "([^"]+)"/g)].map((m) => m[1]);
    expect(snippets).toHaveLength(2);
    const out = snippets.map((code) =>
      spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), ['-e', code], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, SITE: 'poc' },
      }),
    );
    expect(out.map((o) => [o.status, o.stderr])).toEqual([
      [0, ''],
      [0, ''],
    ]);
    expect(out.map((o) => o.stdout.trim())).toEqual([catalogOf(poc).versions.argocd, poc.gitops.repoURL]);
  });

  test("e2e-kind: the rewrite points every reference to the site's repository in its argocd folder (the AppProject's sourceRepos too) at the git daemon", () => {
    const lines = runs(workflow('e2e-kind.yml')).split('\n');
    const rewrite = lines.filter((l) => /grep -rlF -- "\$REPO"|if grep -rF -- "\$REPO"/.test(l));
    expect(rewrite).toHaveLength(2);
    const work = mkdtempSync(join(tmp, 'e2e-'));
    cpSync(join(ROOT, 'dist', 'poc', 'argocd'), join(work, 'dist', 'poc', 'argocd'), { recursive: true });
    const run = spawnSync('bash', ['-euo', 'pipefail', '-c', rewrite.join('\n')], {
      cwd: work,
      encoding: 'utf8',
      env: { ...process.env, SITE: 'poc', REPO: poc.gitops.repoURL, GATEWAY: '172.18.0.1' },
    });
    expect(run.status, run.stderr).toBe(0);
    const project = readFileSync(join(work, 'dist', 'poc', 'argocd', 'appproject-poc-minio.yaml'), 'utf8');
    expect(project).toContain('- git://172.18.0.1/repo');
    const app = readFileSync(join(work, 'dist', 'poc', 'argocd', 'application-minio.yaml'), 'utf8');
    expect(app).toMatch(/repoURL: git:\/\/172\.18\.0\.1\/repo\n\s+targetRevision: e2e/);
  });
});

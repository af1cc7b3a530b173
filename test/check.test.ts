import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readTrees } from '../lib/core/file-tree';
import { checkTrees, formatFindings } from '../lib/check/run';
import { checkSchemas } from '../lib/check/schema-check';
import { scanSecrets } from '../lib/check/secret-scan';
import { staleTrees } from '../lib/check/freshness';
import { SITES } from '../lib/site-files';
import { poc } from '../sites/poc';
import { lab } from '../sites/lab';
import { siteTree, withObjects } from './support/trees';
import { fakePassword } from './support/fake-secrets';

const ROOT = join(__dirname, '..');
/** A credential built at run time, so that this tracked file holds none. */
/** A connection string with a password made at run time (secretlint must find it, git must never hold one). */
const leak = (host: string) => `postgres://admin:${fakePassword()}@${host}:5432/app`;
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};

describe('checkTrees over the committed dist/', () => {
  test('every site passes every check', () => {
    const findings = checkTrees(SITES, readTrees(join(ROOT, 'dist')));
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
  });
  test('fails on a rendered folder with no site model, and on a file that is not an object', () => {
    const trees = new Map([
      ['old-site', new Map([['argocd/configmap-x.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n']])],
      ['poc', new Map([['argocd/notes.yaml', '- just\n- a list\n']])],
    ]);
    expect(checkTrees(SITES, trees).map((f) => `${f.check} ${f.where}: ${f.message}`)).toEqual([
      "tree old-site: rendered site 'old-site' has no site file in sites/: remove the folder or run npm run synth",
      'tree poc: poc/argocd/notes.yaml is not a Kubernetes object (apiVersion, kind and metadata are required)',
    ]);
  });
  test('the same finding at several places is one line with its places and count', () => {
    const at = (where: string) => ({ check: 'policy', severity: 'error' as const, where, message: 'runs as root' });
    expect(
      formatFindings(
        ['a', 'b', 'c', 'd', 'e'].map((w) => at(`poc/${w}`)),
        ['policy'],
      ),
    ).toBe('policy: 5 error(s)\n  ERROR poc/a, poc/b, poc/c and 2 more (×5): runs as root\ncheck failed: 5 error(s)');
  });
  test('the report groups by check and ends with the verdict', () => {
    const text = formatFindings(
      [
        { check: 'policy', severity: 'error', where: 'poc/x', message: 'bad' },
        { check: 'capacity', severity: 'warning', where: 'poc/node n', message: 'tight' },
      ],
      ['schemas', 'capacity', 'policy'],
    );
    expect(text).toBe(
      'schemas: ok\ncapacity: ok, 1 warning(s)/note(s)\n  warn  poc/node n: tight\npolicy: 1 error(s)\n  ERROR poc/x: bad\ncheck failed: 1 error(s)',
    );
  });
});

describe("schemas (the site's Kubernetes minor picks the schema)", () => {
  test('fails on an unknown kind and an unknown field', () => {
    const tree = withObjects(
      siteTree(poc),
      'x',
      { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'x' }, dat: {} },
    );
    expect(checkSchemas(tree).map((f) => `${f.where}: ${f.message}`)).toEqual([
      'poc/x: Widget w: unknown kind example.com/v1/Widget: no pinned schema or CRD defines it',
      "poc/x: ConfigMap x/c: /: must NOT have additional properties 'dat'",
    ]);
  });
  test('a kind that exists in 1.27 only fails on a 1.26 site', () => {
    const obj = {
      apiVersion: 'certificates.k8s.io/v1alpha1',
      kind: 'ClusterTrustBundle',
      metadata: { name: 'b' },
      spec: { trustBundle: 'PEM' },
    };
    expect(checkSchemas(withObjects(siteTree(poc), 'x', obj)).map((f) => f.message)).toEqual([
      'unknown kind certificates.k8s.io/v1alpha1/ClusterTrustBundle: no pinned schema or CRD defines it',
    ]);
    expect(checkSchemas(withObjects(siteTree(lab), 'x', obj))).toEqual([]);
  });
});

describe('secret scan (secretlint, recommended preset)', () => {
  let repo: string;
  beforeAll(() => {
    repo = tempDir('secrets-');
    symlinkSync(join(ROOT, 'node_modules'), join(repo, 'node_modules'));
    cpSync(join(ROOT, '.secretlintrc.json'), join(repo, '.secretlintrc.json'));
    writeFileSync(join(repo, 'clean.yaml'), 'password: {secretKeyRef: {name: creds, key: password}}\n');
    writeFileSync(join(repo, 'leak.env'), `DATABASE_URL=${leak('db.example.org')}\n`);
  });
  test('finds a credential, masked, with file and line', () => {
    const found = scanSecrets(repo, ['clean.yaml', 'leak.env']);
    expect(found.map((f) => [f.check, f.severity, f.where])).toEqual([['secrets', 'error', 'leak.env:1']]);
    expect(found[0].message).toMatch(/^found PostgreSQL connection string: \*+ \(database-connection-string\)/);
    expect(found[0].message).not.toContain('Sup3rS3cret');
  });
  test('passes on clean files', () => {
    expect(scanSecrets(repo, ['clean.yaml'])).toEqual([]);
  });
});

describe('fresh or refused (the trees are what the site renders)', () => {
  const rendering = {
    site: 'x',
    source: 'sites/x.yaml',
    trees: [
      {
        root: 'dist',
        files: new Map([
          ['a/one.yaml', 'one\n'],
          ['a/two.yaml', 'two\n'],
        ]),
      },
    ],
  };
  test('fails on a changed, a missing and a left-over file, naming the site and the fix', () => {
    const base = tempDir('fresh-');
    mkdirSync(join(base, 'dist/x/a'), { recursive: true });
    writeFileSync(join(base, 'dist/x/a/one.yaml'), 'edited\n');
    writeFileSync(join(base, 'dist/x/a/old.yaml'), 'old\n');
    expect(staleTrees(base, rendering).map((f) => `${f.where}: ${f.message}`)).toEqual([
      'dist/x: stale: not what sites/x.yaml renders now, 1 file(s) differ (a/one.yaml), 1 missing (a/two.yaml), 1 not rendered any more (a/old.yaml): run npm run synth -- --site x and commit the result',
    ]);
  });
  test('fails on a site never rendered', () => {
    expect(staleTrees(tempDir('fresh-'), rendering).map((f) => f.message)).toEqual([
      'stale: sites/x.yaml is not rendered (dist/x/ is missing): run npm run synth -- --site x and commit the result',
    ]);
  });
  test('passes when the files are the rendered ones', () => {
    const base = tempDir('fresh-');
    mkdirSync(join(base, 'dist/x/a'), { recursive: true });
    for (const [file, text] of rendering.trees[0].files) writeFileSync(join(base, 'dist/x', file), text);
    expect(staleTrees(base, rendering)).toEqual([]);
  });
});

describe('npm run check (the real CLI)', () => {
  const check = (cwd: string, ...args: string[]) =>
    spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'scripts', 'check.ts'), ...args], {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, PG_GITOPS_ROOT: cwd },
    });

  test('passes on the examples, with their known warnings and notes (CI runs it on every site)', () => {
    const run = check(ROOT, '--site', 'poc', '--site', 'lab');
    // the warnings: Ceph on the runbook's 2 GB storage nodes (two alike, folded into one line); lab's MetalLB root speaker
    expect(run.stdout).toMatch(
      /^checked lab, poc \(\d+ files\)\nfresh: ok\nschemas: ok\nplacement: ok\ncapacity: ok, 3 warning\(s\)\/note\(s\)\n( {2}warn .*\n){2}policy: ok, 2 warning\(s\)\/note\(s\)\n {2}warn .*\n {2}warn {2}poc: 4 image\(s\) come from registry\.opensource\.zalan\.do.*\nfleet: ok\nsecrets: ok\ncheck passed$/m,
    );
    expect(run.status).toBe(0);
  });

  test('fails with one report on a bad tree and a leaked secret', () => {
    const copy = tempDir('check-');
    for (const entry of ['dist/poc', 'host-bootstrap/poc', 'docs/sites/poc', 'sites', '.secretlintrc.json'])
      cpSync(join(ROOT, entry), join(copy, entry), { recursive: true });
    for (const entry of ['node_modules', 'imports']) symlinkSync(join(ROOT, entry), join(copy, entry));
    spawnSync('git', ['init', '-q'], { cwd: copy });
    const deployment = join(copy, 'dist/poc/postgres-operator/deployment-postgres-operator.yaml');
    writeFileSync(deployment, readFileSync(deployment, 'utf8').replace(/image: (\S+):v1\.9\.0/, 'image: $1:latest'));
    writeFileSync(join(copy, 'notes.md'), `psql ${leak('10.10.10.31')}\n`);
    // one site is enough here (the test above reads several into one report)
    const run = check(copy, '--site', 'poc');
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(
      /^policy: 1 error\(s\), 1 warning\(s\)\/note\(s\)\n {2}ERROR poc\/postgres-operator: Deployment postgres-operator\/postgres-operator: spec\.template\.spec\.containers\[0\]\.image: image '\S+:latest' uses the moving tag 'latest'/m,
    );
    expect(run.stdout).toMatch(/^secrets: 1 error\(s\)\n {2}ERROR notes\.md:1: found PostgreSQL connection string/m);
    // edited by hand: not what the site renders
    expect(run.stdout).toMatch(
      /^fresh: 1 error\(s\)\n {2}ERROR dist\/poc: stale: not what sites\/poc\.ts renders now, 1 file\(s\) differ \(postgres-operator\/deployment-postgres-operator\.yaml\): run npm run synth -- --site poc and commit the result$/m,
    );
    expect(run.stdout).toMatch(/check failed: 3 error\(s\)$/m);
    expect(run.stderr).toMatch(
      /^check: fresh… \d+ ms\ncheck: read dist\/… \d+ ms\ncheck: schemas, placement, capacity, policy… \d+ ms\ncheck: secrets \(\d+ files\)… \d+ ms\n$/,
    );
  });
});

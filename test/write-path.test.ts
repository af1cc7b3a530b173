/**
 * The write path under crashes, full and read-only disks and other locales, on the real CLI
 * (scripts/synth.cjs run by node in a scratch project whose imports/ links to ours).
 */
import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { TREE_ROOTS } from '../lib/synth/write-tree';
import { fingerprint } from './support/files';
import { MountNamespace, TMPFS } from './support/mounts';
import { discoverSites } from '../lib/site-files/load';

const ROOT = join(__dirname, '..');
const SYNTH = join(ROOT, 'scripts', 'synth.cjs');
const scratch: string[] = [];
/** stderr less synth's compatibility warnings (the POC accepts cert-manager v1.7.1 on 1.26). */
const withoutWarnings = (stderr: string) => stderr.replace(/^warning: .*\n/gm, '');
afterAll(() => {
  scratch.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

/** A scratch project: imports/ and sites/ linked, and `cache` (a warm .build of an earlier run) linked when given. */
function project(cache?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'write-path-'));
  scratch.push(dir);
  for (const data of ['imports', 'sites']) symlinkSync(join(ROOT, data), join(dir, data));
  if (cache) {
    mkdirSync(join(dir, '.build'));
    for (const kind of ['yaml', 'upstream-json']) symlinkSync(join(cache, '.build', kind), join(dir, '.build', kind));
  }
  return dir;
}

function synth(dir: string, args: readonly string[] = ['--site', 'poc'], env: Record<string, string> = {}) {
  return spawnSync('node', [SYNTH, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env } });
}

const committed = (root: string, site = 'poc') => fingerprint(join(ROOT, root, site));
/** Entries of the trees' folders other than site folders: staging folders, journals, temporary files. */
const leftovers = (dir: string) =>
  TREE_ROOTS.flatMap((r) =>
    existsSync(join(dir, r))
      ? readdirSync(join(dir, r))
          .filter((n) => n.startsWith('.'))
          .map((n) => `${r}/${n}`)
      : [],
  );
const tempFiles = (dir: string) =>
  readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => /\.tmp-\d+-\d+$/.test(f));

function expectFresh(dir: string, site = 'poc') {
  for (const root of TREE_ROOTS)
    expect(fingerprint(join(dir, root, site)), `${root}/${site}`).toEqual(committed(root, site));
  expect(leftovers(dir)).toEqual([]);
}

let warm: string;
beforeAll(() => {
  warm = project();
  const run = synth(warm);
  if (run.status !== 0) throw new Error(`synth failed in ${warm}:\n${run.stderr}`);
});

describe('caches', () => {
  test('a synth killed while writing a cache entry leaves no entry; the next run is correct and removes the temporary file', () => {
    const dir = project();
    const killed = synth(dir, ['--site', 'poc'], { PG_GITOPS_KILL_AT: 'atomic-write:before-rename' });
    expect(killed.signal).toBe('SIGKILL');
    expect(tempFiles(join(dir, '.build'))).toHaveLength(1);
    const next = synth(dir);
    expect(next.status, next.stderr).toBe(0);
    expect(tempFiles(join(dir, '.build'))).toEqual([]);
    expectFresh(dir);
  });

  test('truncated or emptied cache entries (what an in-place write killed half-way left) are rebuilt, never copied into dist/', () => {
    const dir = project();
    cpSync(join(warm, '.build'), join(dir, '.build'), { recursive: true });
    let broken = 0;
    for (const kind of ['yaml', 'upstream-json']) {
      for (const name of readdirSync(join(dir, '.build', kind))) {
        const file = join(dir, '.build', kind, name);
        const text = readFileSync(file, 'utf8');
        writeFileSync(file, broken++ % 2 ? '' : text.slice(0, text.length / 2));
      }
    }
    expect(broken).toBeGreaterThan(10);
    const run = synth(dir);
    expect(run.status, run.stderr).toBe(0);
    expectFresh(dir);
  });
});

describe("a site's three trees switch together, whatever the point a synth is killed at", () => {
  /** A scratch project holding an older generation of poc's trees (a stale file, edited files). */
  function older(): string {
    const dir = project(warm);
    for (const root of TREE_ROOTS) cpSync(join(warm, root), join(dir, root), { recursive: true });
    writeFileSync(join(dir, 'dist', 'poc', 'argocd', 'configmap-stale.yaml'), 'kind: ConfigMap\n');
    appendFileSync(join(dir, 'host-bootstrap', 'poc', 'debian-cp.yaml'), '# older\n');
    appendFileSync(join(dir, 'docs', 'sites', 'poc', 'README.md'), 'older\n');
    return dir;
  }
  const isOld = (dir: string) =>
    TREE_ROOTS.map((root) => {
      if (!existsSync(join(dir, root, 'poc'))) return 'missing';
      return JSON.stringify(fingerprint(join(dir, root, 'poc'))) === JSON.stringify(committed(root)) ? 'new' : 'old';
    });

  test.each([
    [
      'switch:staged',
      ['old', 'old', 'old'],
      /^dist\/\.poc\.new-\d+: removed \(left by an interrupted synth\)$/m,
      /^dist\/poc: .*\(0 written, \d+ unchanged, 1 removed\)/m,
    ],
    [
      'switch:journaled',
      ['old', 'old', 'old'],
      /^poc: finished switching dist\/poc, host-bootstrap\/poc, docs\/sites\/poc to what an interrupted synth had staged$/m,
      /^dist\/poc: .*\(0 written/m,
    ],
    [
      'switch:between-renames:dist/poc',
      ['missing', 'old', 'old'],
      /^poc: finished switching/m,
      /^dist\/poc: .*\(0 written/m,
    ],
    [
      'switch:switched:dist/poc',
      ['new', 'old', 'old'],
      /^poc: finished switching/m,
      /^host-bootstrap\/poc: .*\(0 written/m,
    ],
    [
      'switch:switched:host-bootstrap/poc',
      ['new', 'new', 'old'],
      /^poc: finished switching/m,
      /^docs\/sites\/poc: .*\(0 written/m,
    ],
  ])('killed at %s: the next synth recovers, and every tree ends new', (point, whenKilled, recovered, then) => {
    const dir = older();
    const killed = synth(dir, ['--site', 'poc'], { PG_GITOPS_KILL_AT: point });
    expect(killed.signal).toBe('SIGKILL');
    expect(isOld(dir)).toEqual(whenKilled);
    const next = synth(dir);
    expect(next.status, next.stderr).toBe(0);
    expect(next.stdout).toMatch(recovered);
    expect(next.stdout).toMatch(then);
    expectFresh(dir);
  });
});

describe('folders and modes', () => {
  test('site folders and files follow the umask, and the trees of a site removed from the source are pruned with a line saying so', () => {
    const dir = project(warm);
    mkdirSync(join(dir, 'dist', 'gone', 'argocd'), { recursive: true });
    writeFileSync(join(dir, 'dist', 'gone', 'argocd', 'x.yaml'), 'x');
    mkdirSync(join(dir, 'docs', 'sites', 'gone'), { recursive: true });
    const run = spawnSync('sh', ['-c', `umask 027 && exec node ${SYNTH} --site poc`], { cwd: dir, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain("dist/gone: removed (site 'gone' is no longer in the source)");
    expect(run.stdout).toContain("docs/sites/gone: removed (site 'gone' is no longer in the source)");
    expect(readdirSync(join(dir, 'dist'))).toEqual(['poc']);
    for (const root of TREE_ROOTS)
      expect((statSync(join(dir, root, 'poc')).mode & 0o777).toString(8), root).toBe('750');
    expect((statSync(join(dir, 'dist', 'poc', 'argocd')).mode & 0o777).toString(8)).toBe('750');
    expect((statSync(join(dir, 'host-bootstrap', 'poc', 'debian-cp.yaml')).mode & 0o777).toString(8)).toBe('640');
  });

  test('cdk8s synth stops before deleting dist/ (cdk8s.yaml names no app: it would empty dist/ before a refused synth)', () => {
    const dir = project();
    cpSync(join(ROOT, 'cdk8s.yaml'), join(dir, 'cdk8s.yaml'));
    cpSync(join(warm, 'dist'), join(dir, 'dist'), { recursive: true });
    const run = spawnSync(join(ROOT, 'node_modules', '.bin', 'cdk8s'), ['synth', '--check-upgrade', 'false'], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/Missing required argument: app/);
    expect(fingerprint(join(dir, 'dist'))).toEqual(fingerprint(join(warm, 'dist')));
  });
});

describe.runIf(TMPFS.run)('full and read-only disks (tmpfs mounts in a user namespace: no root needed)', () => {
  let ns: MountNamespace;
  beforeAll(() => {
    TMPFS.require();
    ns = new MountNamespace();
  });
  afterAll(() => ns?.stop());
  /** synth run in the namespace, where the mounts are */
  const synthIn = (dir: string, args: readonly string[] = ['--site', 'poc']) =>
    ns.run('node', [SYNTH, ...args], { cwd: dir });

  test('a full .build/ (tiny tmpfs): synth still writes complete CRDs', () => {
    const dir = project();
    ns.mountTmpfs(join(dir, '.build'), 64);
    const run = synthIn(dir);
    expect(run.status, run.stderr).toBe(0);
    expectFresh(dir);
    expect(tempFiles(ns.view(join(dir, '.build')))).toEqual([]);
  });

  test('a read-only .build/: synth computes what it cannot cache', () => {
    const dir = project();
    ns.mountTmpfs(join(dir, '.build'), 64, { readOnly: true });
    const run = synthIn(dir);
    expect(run.status, run.stderr).toBe(0);
    expectFresh(dir);
  });

  test('dist/ fills up during the second site: the first is written, the second not at all, and the message says which', () => {
    const dir = project(warm);
    // room for one site's dist/ (poc about 6.4 MB, lab on the current train about 8.7 MB: newer CRDs), not two
    ns.mountTmpfs(join(dir, 'dist'), 11000);
    const [first, second] = discoverSites()
      .map((f) => f.name)
      .filter((n) => n === 'poc' || n === 'lab'); // the examples, in synth's order
    const run = synthIn(dir, ['--site', 'poc', '--site', 'lab']);
    expect(run.status).toBe(1);
    expect(withoutWarnings(run.stderr)).toMatch(
      new RegExp(
        `^synth failed while writing:\\n${second}: nothing was written \\(ENOSPC: no space left on device[^\\n]*\\)\\nwritten: ${first}\\nnot written: ${second}\\n$`,
      ),
    );
    expectFresh(ns.view(dir), first);
    for (const root of TREE_ROOTS) expect(existsSync(ns.view(join(dir, root, second))), root).toBe(false);
  });

  test('a read-only dist/: nothing of the site is written, its other trees included', () => {
    const dir = project(warm);
    // an older generation: a stale file in dist/poc, an edited host file
    ns.mountTmpfs(join(dir, 'dist'), 8000, {
      readOnly: true,
      fill: (at) => {
        cpSync(join(warm, 'dist', 'poc'), join(at, 'poc'), { recursive: true });
        writeFileSync(join(at, 'poc', 'argocd', 'configmap-stale.yaml'), 'kind: ConfigMap\n');
      },
    });
    cpSync(join(warm, 'host-bootstrap', 'poc'), join(dir, 'host-bootstrap', 'poc'), { recursive: true });
    appendFileSync(join(dir, 'host-bootstrap', 'poc', 'debian-cp.yaml'), '# older\n');
    const before = TREE_ROOTS.map((root) => fingerprint(ns.view(join(dir, root))));
    const run = synthIn(dir);
    expect(run.status).toBe(1);
    expect(withoutWarnings(run.stderr)).toMatch(
      /^synth failed while writing:\npoc: nothing was written \(EROFS: read-only file system[^\n]*\)\nwritten: none\nnot written: poc\n$/,
    );
    expect(TREE_ROOTS.map((root) => fingerprint(ns.view(join(dir, root))))).toEqual(before);
    expect(leftovers(ns.view(dir))).toEqual([]);
  });
});

describe('locale', () => {
  /**
   * Renders lab with two clusters whose order differs between locales, under `LC_ALL`; prints a digest of every tree.
   */
  function renderUnder(locale: string): { digest: string; localeOrder: string[] } {
    const script = `
      const { createHash } = require('node:crypto');
      const m = require(${JSON.stringify(join(ROOT, '.build', 'synth.cjs'))});
      const [lab] = m.selectSites(['lab']);
      const c = lab.postgres.clusters[0];
      const site = { ...lab, postgres: { ...lab.postgres, clusters: [...lab.postgres.clusters, { ...c, name: 'acid-b' }, { ...c, name: 'acid-aa' }] } };
      const hash = createHash('sha256');
      for (const { root, files } of m.renderSites([site])[0].trees) for (const [f, text] of files) hash.update(root + '/' + f + '\\0' + text + '\\0');
      console.log(JSON.stringify({ digest: hash.digest('hex'), localeOrder: ['acid-b', 'acid-aa'].sort((a, b) => a.localeCompare(b)) }));
    `;
    const run = spawnSync('node', ['-e', script], {
      cwd: warm,
      encoding: 'utf8',
      env: { ...process.env, LC_ALL: locale, LANG: locale },
    });
    if (run.status !== 0) throw new Error(`render under ${locale} failed:\n${run.stderr}`);
    return JSON.parse(run.stdout) as { digest: string; localeOrder: string[] };
  }

  test('output is byte-identical under da_DK.UTF-8 and C, where localeCompare orders the names differently', () => {
    const danish = renderUnder('da_DK.UTF-8');
    const c = renderUnder('C');
    // the locales are in effect: Danish sorts 'aa' after 'b'
    expect(danish.localeOrder).toEqual(['acid-b', 'acid-aa']);
    expect(c.localeOrder).toEqual(['acid-aa', 'acid-b']);
    expect(danish.digest).toBe(c.digest);
  });
});

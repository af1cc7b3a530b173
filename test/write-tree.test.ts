import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { cachedText } from '../lib/synth/build-cache';
import { pruneSites, recoverTrees, writeSiteTrees } from '../lib/synth/write-tree';
import { writeFileAtomic } from '../lib/write/atomic';

const tree = (entries: Record<string, string>) => new Map(Object.entries(entries));
const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));
const tempRoot = () => {
  const r = mkdtempSync(join(tmpdir(), 'write-tree-'));
  roots.push(r);
  return r;
};
const put = (path: string, content: string) => {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
};
const ROOTS = ['dist', 'host-bootstrap', 'docs/sites'];

describe('writeSiteTrees', () => {
  test('removes stale files and folders and counts what changed', () => {
    const base = tempRoot();
    put(join(base, 'dist', 'poc', 'gone-app', 'x.yaml'), 'old');
    put(join(base, 'dist', 'poc', 'app', 'same.yaml'), 'same');
    put(join(base, 'dist', 'poc', 'app', 'changed.yaml'), 'v1');

    const [stats] = writeSiteTrees(base, 'poc', [
      { root: 'dist', files: tree({ 'app/same.yaml': 'same', 'app/changed.yaml': 'v2', 'app/new.yaml': 'n' }) },
    ]);

    expect(stats).toEqual({ written: 2, unchanged: 1, removed: 1 });
    expect(existsSync(join(base, 'dist', 'poc', 'gone-app'))).toBe(false);
    expect(readdirSync(join(base, 'dist', 'poc', 'app')).sort()).toEqual(['changed.yaml', 'new.yaml', 'same.yaml']);
    expect(readFileSync(join(base, 'dist', 'poc', 'app', 'changed.yaml'), 'utf8')).toBe('v2');
    expect(readdirSync(join(base, 'dist'))).toEqual(['poc']); // no staging leftovers
  });

  test('leaves other sites alone, and a site whose trees are unchanged untouched', () => {
    const base = tempRoot();
    put(join(base, 'dist', 'lab', 'keep.yaml'), 'lab');
    writeSiteTrees(base, 'poc', [{ root: 'dist', files: tree({ 'a/b.yaml': 'x' }) }]);
    expect(readFileSync(join(base, 'dist', 'lab', 'keep.yaml'), 'utf8')).toBe('lab');
    const inode = statSync(join(base, 'dist', 'poc')).ino;
    expect(writeSiteTrees(base, 'poc', [{ root: 'dist', files: tree({ 'a/b.yaml': 'x' }) }])).toEqual([
      { written: 0, unchanged: 1, removed: 0 },
    ]);
    expect(statSync(join(base, 'dist', 'poc')).ino).toBe(inode);
  });

  test('fails on a full or read-only tree before switching any tree of the site', () => {
    const base = tempRoot();
    put(join(base, 'dist', 'poc', 'a.yaml'), 'old dist');
    put(join(base, 'host-bootstrap', 'poc', 'n.yaml'), 'old host');
    // a file where the docs tree's staging folder's parent must be: staging there fails
    put(join(base, 'docs'), 'not a folder');
    expect(() =>
      writeSiteTrees(base, 'poc', [
        { root: 'dist', files: tree({ 'a.yaml': 'new dist' }) },
        { root: 'host-bootstrap', files: tree({ 'n.yaml': 'new host' }) },
        { root: 'docs/sites', files: tree({ 'README.md': 'new' }) },
      ]),
    ).toThrow(/^poc: nothing was written \(/);
    expect(readFileSync(join(base, 'dist', 'poc', 'a.yaml'), 'utf8')).toBe('old dist');
    expect(readFileSync(join(base, 'host-bootstrap', 'poc', 'n.yaml'), 'utf8')).toBe('old host');
    expect(readdirSync(join(base, 'dist'))).toEqual(['poc']);
    expect(readdirSync(join(base, 'host-bootstrap'))).toEqual(['poc']);
  });
});

describe('recoverTrees', () => {
  test('removes staging folders no journal names, and restores a site folder left missing between two renames', () => {
    const base = tempRoot();
    put(join(base, 'dist', '.poc.new-Ab12Cd', 'x.yaml'), 'half'); // what mkdtemp staging of older versions left
    put(join(base, 'dist', '.lab.new-Xy34Zw.old', 'x.yaml'), 'lab before'); // lab renamed away, new one never moved in
    put(join(base, 'host-bootstrap', '.poc.new-999999999', 'n.yaml'), 'half'); // a pid that cannot run
    expect(recoverTrees(base, ROOTS)).toEqual([
      'dist/lab: restored from dist/.lab.new-Xy34Zw.old, left by an interrupted synth',
      'dist/.poc.new-Ab12Cd: removed (left by an interrupted synth)',
      'host-bootstrap/.poc.new-999999999: removed (left by an interrupted synth)',
    ]);
    expect(readdirSync(join(base, 'dist'))).toEqual(['lab']);
    expect(readFileSync(join(base, 'dist', 'lab', 'x.yaml'), 'utf8')).toBe('lab before');
    expect(readdirSync(join(base, 'host-bootstrap'))).toEqual([]);
    expect(recoverTrees(base, ROOTS)).toEqual([]);
  });

  test('finishes a switch whose journal was written: every tree of the site ends new', () => {
    const base = tempRoot();
    const pid = 999999998;
    // dist was switched, host-bootstrap was renamed away, docs not started
    put(join(base, 'dist', 'poc', 'a.yaml'), 'new');
    put(join(base, 'dist', `.poc.old-${pid}`, 'a.yaml'), 'old');
    put(join(base, 'host-bootstrap', `.poc.old-${pid}`, 'n.yaml'), 'old');
    put(join(base, 'host-bootstrap', `.poc.new-${pid}`, 'n.yaml'), 'new');
    put(join(base, 'docs', 'sites', 'poc', 'README.md'), 'old');
    put(join(base, 'docs', 'sites', `.poc.new-${pid}`, 'README.md'), 'new');
    const trees = ROOTS.map((root) => ({
      target: `${root}/poc`,
      staging: `${root}/.poc.new-${pid}`,
      old: `${root}/.poc.old-${pid}`,
    }));
    put(join(base, 'dist', `.poc.switch-${pid}.json`), JSON.stringify({ site: 'poc', pid, trees }));

    expect(recoverTrees(base, ROOTS)).toEqual([
      'poc: finished switching dist/poc, host-bootstrap/poc, docs/sites/poc to what an interrupted synth had staged',
    ]);
    expect(
      ['dist/poc/a.yaml', 'host-bootstrap/poc/n.yaml', 'docs/sites/poc/README.md'].map((f) =>
        readFileSync(join(base, f), 'utf8'),
      ),
    ).toEqual(['new', 'new', 'new']);
    for (const root of ROOTS) expect(readdirSync(join(base, root))).toEqual(['poc']);
  });
});

describe('pruneSites', () => {
  test('removes the trees of sites that are no longer in the source, with a line for each', () => {
    const base = tempRoot();
    put(join(base, 'dist', 'poc', 'a.yaml'), 'x');
    put(join(base, 'dist', 'gone', 'a.yaml'), 'x');
    put(join(base, 'host-bootstrap', 'gone', 'n.yaml'), 'x');
    expect(pruneSites(base, ROOTS, new Set(['poc', 'kept-without-trees']))).toEqual([
      "dist/gone: removed (site 'gone' is no longer in the source)",
      "host-bootstrap/gone: removed (site 'gone' is no longer in the source)",
    ]);
    expect(readdirSync(join(base, 'dist'))).toEqual(['poc']);
  });
});

describe('writeFileAtomic', () => {
  test('replaces a file whole and leaves no temporary file; a new file each time, so an old mode does not carry over', () => {
    const dir = tempRoot();
    const file = join(dir, 'secret.yaml');
    writeFileAtomic(file, 'one');
    writeFileAtomic(file, 'two', 0o600);
    expect(readFileSync(file, 'utf8')).toBe('two');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['secret.yaml']);
  });

  test('fails without touching the target when the folder is gone', () => {
    expect(() => writeFileAtomic(join(tempRoot(), 'missing', 'x'), 'x')).toThrow(/ENOENT/);
  });
});

describe('cachedText', () => {
  test('an entry whose text does not match its hash (truncated, edited) is recomputed and replaced, never returned', () => {
    const root = tempRoot();
    let computed = 0;
    const compute = () => {
      computed++;
      return 'the full text\n'.repeat(100);
    };
    const text = cachedText(root, 'yaml', 'input', compute);
    expect(cachedText(root, 'yaml', 'input', compute)).toBe(text);
    expect(computed).toBe(1);
    const [entry] = readdirSync(join(root, '.build', 'yaml'));
    const file = join(root, '.build', 'yaml', entry);
    const full = readFileSync(file, 'utf8');
    for (const broken of [full.slice(0, full.length / 2), full.slice(0, 64), '', full.replace('full', 'fu11')]) {
      writeFileSync(file, broken);
      expect(cachedText(root, 'yaml', 'input', compute)).toBe(text);
    }
    expect(computed).toBe(5);
    expect(readFileSync(file, 'utf8')).toBe(full);
  });

  test('removes what a killed write left, and a read-only cache folder just computes', () => {
    const root = tempRoot();
    put(join(root, '.build', 'json', '.abc.tmp-999999997-0'), 'half');
    expect(cachedText(root, 'json', 'in', () => 'out')).toBe('out');
    expect(readdirSync(join(root, '.build', 'json'))).toHaveLength(1);
    put(join(root, '.build', 'ro'), 'a file where the cache folder should be');
    expect(cachedText(root, 'ro', 'in', () => 'out')).toBe('out');
  });
});

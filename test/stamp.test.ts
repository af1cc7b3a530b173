import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { freshTrees, inputsKey, writeStamp } from '../lib/synth/stamp';
import { writeSiteTrees } from '../lib/synth/write-tree';

const base = mkdtempSync(join(tmpdir(), 'stamp-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('the stamp of the last synth', () => {
  test('a site is fresh only while its inputs and its trees on disk are as recorded', () => {
    mkdirSync(join(base, 'imports'));
    mkdirSync(join(base, 'sites'));
    writeFileSync(join(base, 'imports', 'k8s.ts'), 'x');
    writeFileSync(join(base, 'sites', 'poc.ts'), 'y');
    const trees = [
      {
        root: 'dist',
        files: new Map([
          ['argocd/a.yaml', 'a'],
          ['argocd/b.yaml', 'b'],
        ]),
      },
      { root: 'host-bootstrap', files: new Map([['n.yaml', 'n']]) },
    ];
    writeSiteTrees(base, 'poc', trees);
    const key = inputsKey(base, 'sources');
    writeStamp(base, 'poc', key, trees, 3);
    const roots = ['dist', 'host-bootstrap'];
    expect(freshTrees(base, 'poc', key, roots)).toEqual({ files: [2, 1], applications: 3 });
    expect(freshTrees(base, 'poc', inputsKey(base, 'other sources'), roots)).toBeUndefined();
    // a touched site file, or an upstream file, changes the key
    utimesSync(join(base, 'sites', 'poc.ts'), new Date(0), new Date(0));
    expect(inputsKey(base, 'sources')).not.toBe(key);
    // a hand-edited output file makes the site stale under any key
    writeStamp(base, 'poc', key, trees, 3);
    writeFileSync(join(base, 'dist', 'poc', 'argocd', 'a.yaml'), 'edited');
    expect(freshTrees(base, 'poc', key, roots)).toBeUndefined();
    expect(freshTrees(base, 'lab', key, roots)).toBeUndefined();
  });
});

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { renderManifests } from '../lib/synth/render';
import { SITES } from '../lib/site-files';
import { TREE_ROOTS } from '../lib/synth/write-tree';
import { poc } from '../sites/poc';
import { fingerprint } from './support/files';
import { renderedFiles } from './support/render';
import { npmRun, projectCopy, ROOT } from './support/project';

const synth = (dir: string, ...args: string[]) => npmRun(dir, 'synth', ...args);

/** The trees synth writes, one folder per site in each. */
const TREES = TREE_ROOTS;

describe('npm run synth (the real CLI, in a copy of the project)', () => {
  let dir: string;
  let first: ReturnType<typeof synth>;
  beforeAll(() => {
    dir = projectCopy();
    first = synth(dir);
  });

  test('renders every site and prints a summary', () => {
    expect(first.status).toBe(0);
    for (const site of SITES) {
      // every ArgoCD Application (root included), also those whose source is an upstream chart with no dist/ folder
      const applications = [...renderedFiles(site).keys()].filter((f) => f.startsWith('argocd/application-')).length;
      expect(first.stdout).toMatch(
        new RegExp(
          `dist/${site.name}: ${applications} Applications, \\d+ files \\(\\d+ written, 0 unchanged, 0 removed\\)`,
        ),
      );
      expect(first.stdout).toMatch(
        new RegExp(
          `host-bootstrap/${site.name}: ${site.nodes.length} files \\(${site.nodes.length} written, 0 unchanged, 0 removed\\)`,
        ),
      );
    }
    expect(first.stdout).toMatch(new RegExp(`synth: ${SITES.length} site\\(s\\) in \\d+ ms`));
  });

  test('is deterministic: a second run writes nothing and the bytes are identical', () => {
    const before = TREES.map((t) => fingerprint(join(dir, t)));
    const second = synth(dir);
    expect(second.stdout).not.toMatch(/\([1-9]\d* written|[1-9]\d* removed\)/);
    expect(second.stdout.match(/\(0 written, \d+ unchanged, 0 removed\)/g)).toHaveLength(TREES.length * SITES.length);
    expect(TREES.map((t) => fingerprint(join(dir, t)))).toEqual(before);
  });

  test('a re-run is not fooled by a hand-edited, added or removed output file: the site is rendered and put right', () => {
    const file = join(dir, 'dist', 'poc', 'argocd', 'configmap-argocd-cm.yaml');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, `${text}# edited by hand\n`);
    writeFileSync(join(dir, 'host-bootstrap', 'lab', 'extra.yaml'), 'x');
    const run = synth(dir);
    expect(run.stdout).toMatch(/^dist\/poc: .*\(1 written, \d+ unchanged, 0 removed\)$/m);
    expect(run.stdout).toMatch(/^host-bootstrap\/lab: .*\(0 written, \d+ unchanged, 1 removed\)$/m);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  test('matches the committed dist/, host-bootstrap/ and docs/sites/ byte for byte (they are fresh)', () => {
    for (const tree of TREES) expect(fingerprint(join(dir, tree))).toEqual(fingerprint(join(ROOT, tree)));
  });

  test('--site renders only that site', () => {
    const run = synth(dir, '--site', 'poc');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/dist\/poc:/);
    expect(run.stdout).not.toMatch(/dist\/lab:/);
  });

  test('fails on an unknown site and names the known ones', () => {
    const run = synth(dir, '--site', 'nope');
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`unknown site 'nope': use one of ${SITES.map((s) => s.name).join(', ')}`);
  });

  test('fails on bad input with the field path and the fix, leaving dist/ and host-bootstrap/ byte-for-byte untouched', () => {
    const bad = projectCopy();
    synth(bad);
    const before = TREES.map((t) => fingerprint(join(bad, t)));
    const pocFile = join(bad, 'sites', 'poc.ts');
    writeFileSync(
      pocFile,
      readFileSync(pocFile, 'utf8')
        .replace("size: '1Gi'", "size: '1Gb'")
        .replace('numberOfInstances: 2', 'numberOfInstances: 5'),
    );
    const run = synth(bad);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/synth failed, nothing was written/);
    expect(run.stderr).toMatch(
      /poc\.postgres\.clusters\[acid-test-cluster\]\.volume\.size: '1Gb' is not a Kubernetes quantity: use binary units like '1Gi'/,
    );
    expect(run.stderr).toMatch(/poc\.postgres\.clusters\[acid-test-cluster\]\.numberOfInstances: 5 instances need/);
    expect(TREES.map((t) => fingerprint(join(bad, t)))).toEqual(before);
  });
});

describe('renderManifests', () => {
  test('is deterministic in memory too', () => {
    for (const site of SITES) expect([...renderManifests(site)]).toEqual([...renderManifests(site)]);
  });

  test('names files <kind>-<name>.yaml in lower case, one folder per app', () => {
    const files = [...renderedFiles(poc).keys()];
    expect(files).toContain('postgres-clusters/postgresql-acid-test-cluster.yaml');
    expect(files).toContain('postgres-operator/customresourcedefinition-postgresqls.acid.zalan.do.yaml');
    for (const f of files) expect(f).toMatch(/^[a-z0-9-]+\/[a-z0-9.-]+\.yaml$/);
  });

  test('no file holds a timestamp', () => {
    for (const yaml of renderedFiles(poc).values())
      expect(yaml).not.toMatch(/^\s*creationTimestamp:|\d{4}-\d\d-\d\dT\d\d:/m);
  });
});

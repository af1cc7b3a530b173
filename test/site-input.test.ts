import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv';
import { load } from 'js-yaml';
import { afterAll, describe, expect, test } from 'vitest';
import { checkTrees } from '../lib/check/run';
import { SITE_SCHEMA_FILE, siteJsonSchema } from '../lib/site/json-schema';
import { validateSite } from '../lib/components/validate';
import { discoverSites } from '../lib/site-files/load';
import { loadSites, readSite } from '../lib/site-files/validated';
import { NEWEST_TRAIN, newSiteYaml } from '../lib/site-files/template';
import { TRAIN_NAMES } from '../lib/site/trains';
import { renderManifests } from '../lib/synth/render';
import { lab } from '../sites/lab';
import { poc } from '../sites/poc';
import { npmRun, projectCopy, ROOT } from './support/project';
import { withSite } from './support/render';

/** The issues of the POC site changed by `change`, as `path: message` lines. */
const issuesOf = (change: (draft: any) => void) =>
  validateSite(withSite(poc, change)).map((i) => `${i.path}: ${i.message}`);

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sites-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('a misspelt key is refused with the key it likely meant (it used to drop a whole section silently)', () => {
  test('monitorng → monitoring', () => {
    expect(
      issuesOf((s) => {
        s.monitorng = s.monitoring;
        delete s.monitoring;
      }),
    ).toEqual([
      expect.stringMatching(
        /^monitorng: unknown key 'monitorng' \(did you mean 'monitoring'\?\): a site takes name, release, versions, acceptUnsupported, kubernetes, .*monitoring/,
      ),
    ]);
  });
  test('at any depth, each key at its own path', () => {
    expect(
      issuesOf((s) => {
        s.nodes[1].memroy = '2Gi';
        s.postgres.clusters[0].numberOfInstance = 2;
        s.ceph.toolBox = true;
      }),
    ).toEqual([
      expect.stringMatching(/^nodes\[1\]\.memroy: unknown key 'memroy' \(did you mean 'memory'\?\)/),
      expect.stringMatching(
        /^postgres\.clusters\[0\]\.numberOfInstance: unknown key 'numberOfInstance' \(did you mean 'numberOfInstances'\?\)/,
      ),
      "ceph.toolBox: unknown key 'toolBox' (did you mean 'toolbox'?): ceph takes blockStorageClass, monCount, mgrCount, poolSize, reclaimPolicy, dashboard, toolbox, certManager",
    ]);
  });
  test('a key unlike any is refused without a guess', () => {
    expect(
      issuesOf((s) => {
        s.gitops.zzz = 1;
      }),
    ).toEqual(["gitops.zzz: unknown key 'zzz': gitops takes repoURL, targetRevision, signedCommits, sso"]);
  });
});

describe('a wrong type is an issue at its field path, never a JavaScript error', () => {
  test('roles as a string (was: node.roles.forEach is not a function)', () => {
    expect(
      issuesOf((s) => {
        s.nodes[2].roles = 'postgres';
      }),
    ).toEqual(['nodes[2].roles: expected an array, got string "postgres"']);
  });
  test("a missing volume (was: Cannot read properties of undefined (reading 'size'))", () => {
    expect(
      issuesOf((s) => {
        delete s.postgres.clusters[0].volume;
      }),
    ).toEqual(['postgres.clusters[0].volume: is required: add it (an object): Data volume per instance']);
  });
  test('numbers, objects and booleans in the wrong place', () => {
    expect(
      issuesOf((s) => {
        s.nodes[1].cpu = '2';
        s.ceph = 'yes';
        s.postgres.clusters = {};
        s.bootstrap.installArgoCd = 'true';
      }),
    ).toEqual([
      'nodes[1].cpu: expected a number, got string "2"',
      'postgres.clusters: expected an array, got an object',
      'ceph: expected an object, got string "yes"',
      'bootstrap.installArgoCd: expected a boolean, got string "true"',
    ]);
  });
  test('a PostgreSQL version written as a YAML number is told to quote it', () => {
    expect(
      issuesOf((s) => {
        s.postgres.clusters[0].version = 15;
      }),
    ).toEqual([expect.stringMatching(/^postgres\.clusters\[0\]\.version: PostgreSQL 15 is a number; .*quote it/)]);
  });
  test('a site that is not an object', () => {
    expect(validateSite(null)).toEqual([{ path: '', message: 'expected an object, got null' }]);
    expect(validateSite([])).toEqual([{ path: '', message: 'expected an object, got an array' }]);
  });
  test('enums are case-sensitive, with the right case suggested', () => {
    expect(
      issuesOf((s) => {
        s.ceph.reclaimPolicy = 'retain';
        s.nodes[1].roles = ['Postgres'];
      }),
    ).toEqual([
      "nodes[1].roles[0]: unknown role 'Postgres': use one of control-plane, storage, postgres, s3 (did you mean 'postgres'?)",
      "ceph.reclaimPolicy: unknown reclaimPolicy 'retain': use one of Retain, Delete (did you mean 'Retain'?)",
    ]);
  });
});

describe('sites are discovered from sites/ (TypeScript and YAML), no list to edit', () => {
  test("the repository's sites are its files", () => {
    expect(discoverSites().map((f) => f.file)).toEqual(
      readdirSync(join(ROOT, 'sites'))
        .filter((f) => /^[^_.].*\.(ya?ml|ts)$/.test(f))
        .sort()
        .map((f) => `sites/${f}`),
    );
  });
  test('a YAML site and a TypeScript site side by side; helpers (_*.ts) are not sites', () => {
    const dir = folder({
      'dc1.yaml': newSiteYaml('dc1'),
      '_nodes.ts': 'export const cpu = 4;\n',
      'dc2.ts': `import { cpu } from './_nodes';\nimport { poc } from ${JSON.stringify(join(ROOT, 'sites', 'poc'))};\nexport const dc2 = { ...poc, name: 'dc2', nodes: poc.nodes.map((n) => ({ ...n, cpu })) };\n`,
    });
    expect(loadSites(dir).map((s) => [s.name, s.nodes[0].cpu])).toEqual([
      ['dc1', 4],
      ['dc2', 4],
    ]);
  });
  test('two files of one site (they would write the same folders) are refused', () => {
    const dir = folder({ 'dc1.yaml': newSiteYaml('dc1'), 'dc1.ts': 'export default {};\n' });
    expect(() => discoverSites(dir)).toThrow(
      'sites/dc1.ts and sites/dc1.yaml both write dist/dc1/: keep one file per site',
    );
  });
  test("a site whose name is not its file's is refused", () => {
    const dir = folder({ 'dc1.yaml': newSiteYaml('dc2') });
    expect(() => loadSites(dir)).toThrow(
      /site 'dc1' \(sites\/dc1\.yaml\) is invalid \(1 problem\):\n {2}sites\/dc1\.yaml:5:1: dc1\.name: 'dc2' is not the name of its file sites\/dc1\.yaml/,
    );
  });
  test('a YAML site with a typo is refused with its file and path', () => {
    const dir = folder({ 'dc1.yaml': newSiteYaml('dc1').replace('ceph: {}', 'cepth: {}') });
    const [file] = discoverSites(dir);
    expect(() => readSite(file)).toThrow(/dc1\.cepth: unknown key 'cepth' \(did you mean 'ceph'\?\)/);
  });
  test('a YAML site refused names its nodes and gives file:line:col', () => {
    const dir = folder({
      'dc1.yaml': newSiteYaml('dc1').replace(
        'cpu: 4, memory: 8Gi }\n  - { name: dc1-pg2',
        'cpu: 4, memory: 8GB }\n  - { name: dc1-pg2',
      ),
    });
    const [file] = discoverSites(dir);
    expect(() => readSite(file)).toThrow(
      /\n {2}sites\/dc1\.yaml:\d+:\d+: dc1\.nodes\[dc1-pg1\]\.memory: '8GB' is not a Kubernetes quantity/,
    );
  });
  test('unreadable YAML is reported, not thrown as a stack', () => {
    const dir = folder({ 'dc1.yaml': 'name: [dc1\n' });
    expect(() => loadSites(dir)).toThrow(
      /site 'dc1' \(sites\/dc1\.yaml\) is invalid \(1 problem\):\n {2}dc1: sites\/dc1\.yaml cannot be read: /,
    );
  });
});

describe(`the JSON Schema (${SITE_SCHEMA_FILE}) for editors`, () => {
  const schema = JSON.parse(siteJsonSchema());
  test('is fresh (npm run schema writes it)', () => {
    expect(readFileSync(join(ROOT, SITE_SCHEMA_FILE), 'utf8')).toBe(siteJsonSchema());
  });
  test('new-site starts on the newest train, and on any train --release names, each valid as written', () => {
    expect(newSiteYaml('dc1')).toMatch(new RegExp(`^release: ${NEWEST_TRAIN} `, 'm'));
    expect(NEWEST_TRAIN).toBe(TRAIN_NAMES.at(-1));
    for (const release of TRAIN_NAMES) {
      const site = load(newSiteYaml('dc1', release)) as { release: string };
      expect(site.release).toBe(release);
      expect(validateSite(site)).toEqual([]);
    }
  });
  test('accepts the new-site starting point and the examples, refuses a misspelt key', () => {
    const validate = new Ajv({ strict: false }).compile(schema);
    expect(validate(load(newSiteYaml('dc1')))).toBe(true);
    expect(validate(structuredClone(poc))).toBe(true);
    expect(validate({ ...structuredClone(poc), monitorng: {} })).toBe(false);
    expect(validate.errors?.[0]).toMatchObject({
      keyword: 'additionalProperties',
      params: { additionalProperty: 'monitorng' },
    });
    // names and quantities carry the patterns names.ts and quantity.ts check, so editors flag them as they are typed
    expect(
      validate(
        withSite(poc, (s) => {
          s.nodes[1].name = 'Worker_1';
        }),
      ),
    ).toBe(false);
    expect(validate.errors?.[0]).toMatchObject({ instancePath: '/nodes/1/name', keyword: 'pattern' });
    expect(
      validate(
        withSite(poc, (s) => {
          s.nodes[1].memory = '2 GB';
        }),
      ),
    ).toBe(false);
    expect(validate.errors?.[0]).toMatchObject({ instancePath: '/nodes/1/memory', keyword: 'pattern' });
  });
});

describe("npm run new-site writes a starting point that synthesizes as is, and the suite's invariants hold for it", () => {
  const dir = projectCopy();
  rmSync(join(dir, 'sites', 'dc1.yaml'), { force: true }); // the repository may have a dc1 of its own
  const created = npmRun(dir, 'new-site', 'dc1');
  test('new-site writes sites/dc1.yaml with its $schema line', () => {
    expect(created.status).toBe(0);
    expect(readFileSync(join(dir, 'sites', 'dc1.yaml'), 'utf8')).toMatch(
      /^# yaml-language-server: \$schema=\.\.\/schemas\/site\.schema\.json\n/,
    );
  });
  test('synth renders it without touching lib/, headers name the YAML file', () => {
    const run = npmRun(dir, 'synth', '--site', 'dc1');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(readFileSync(join(dir, 'dist', 'dc1', 'postgres-clusters', 'postgresql-acid-main.yaml'), 'utf8')).toMatch(
      /^# generated by 'npm run synth' from sites\/dc1\.yaml: do not edit\n/,
    );
  });
  test("npm run check's checks (schemas, placement, capacity, policy) find no error in it", () => {
    const [site] = loadSites(join(dir, 'sites')).filter((s) => s.name === 'dc1');
    const findings = checkTrees([site], new Map([['dc1', renderManifests(site)]]));
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
  });
  test('a typo in it is refused before anything is written', () => {
    writeFileSync(
      join(dir, 'sites', 'dc1.yaml'),
      newSiteYaml('dc1').replace('monitoring: {}', 'monitorng: {}').replace('# monitorng', 'monitorng'),
    );
    mkdirSync(join(dir, 'dist'), { recursive: true });
    const before = readdirSync(join(dir, 'dist', 'dc1'), { recursive: true });
    const run = npmRun(dir, 'synth', '--site', 'dc1');
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/dc1\.monitorng: unknown key 'monitorng' \(did you mean 'monitoring'\?\)/);
    expect(readdirSync(join(dir, 'dist', 'dc1'), { recursive: true })).toEqual(before);
  });
});

describe('no input makes validation throw (every field of the examples replaced by every other kind of value, or removed)', () => {
  /** Every path to a value of a site, objects and arrays included. */
  function paths(value: unknown, at: (string | number)[] = []): (string | number)[][] {
    if (value === null || typeof value !== 'object') return [at];
    const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
    return [at, ...entries.flatMap(([k, v]) => paths(v, [...at, k]))];
  }
  const REPLACEMENTS: readonly unknown[] = [undefined, null, 'x', '', 0, -1, 1.5, true, [], {}, ['x'], { x: 1 }];
  test.each([poc, lab].map((s) => [s.name, s] as const))('site %s', (_name, site) => {
    let checked = 0;
    for (const path of paths(site).filter((p) => p.length > 0)) {
      for (const replacement of REPLACEMENTS) {
        const draft = withSite(site, (s) => {
          // any field, by its path: the site as the plain tree it is
          type Tree = Record<string | number, unknown>;
          const parent = path.slice(0, -1).reduce<Tree>((o, k) => o[k] as Tree, s as unknown as Tree);
          if (replacement === undefined) delete parent[path[path.length - 1]];
          else parent[path[path.length - 1]] = replacement;
        });
        expect(() => validateSite(draft), `${path.join('.')} = ${JSON.stringify(replacement)}`).not.toThrow();
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(500);
  });
});

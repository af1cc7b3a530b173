import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { catalogOf } from '../lib/site/catalog';
import { compatibilityWarnings } from '../lib/site/compatibility';
import type { Site } from '../lib/site/model';
import { TRAINS } from '../lib/site/trains';
import { CURRENT } from '../lib/site/trains/current';
import { RUNBOOK_2023 } from '../lib/site/trains/runbook-2023';
import { imagesOf } from '../lib/core/images';
import { chartsOf, loadRenderedChart, upstreamFiles, upstreamOf, upstreamPath } from '../lib/upstream';
import { FILE_VERSIONS } from '../lib/site/trains/train';
import { validateSite } from '../lib/components/validate';
import { diffTrees } from '../lib/diff/semantic';
import { flannelManifests } from '../lib/bootstrap/flannel';
import { lab } from '../sites/lab';
import { poc } from '../sites/poc';
import { withSite } from './support/render';
import { distTree } from './support/trees';

const issuesAt = (site: Site, path: string) =>
  validateSite(site)
    .filter((i) => i.path === path)
    .map((i) => i.message);

describe('a train is data; a site names it and may override single versions', () => {
  test('poc runs runbook-2023 without overrides: its catalog is the train', () => {
    for (const site of [poc]) {
      const c = catalogOf(site);
      expect(c.train).toBe(RUNBOOK_2023);
      expect(c.versions).toEqual(RUNBOOK_2023.versions);
      expect(c.overridden).toEqual([]);
      expect(c.images.spilo).toBe('ghcr.io/zalando/spilo-15:3.0-p1');
    }
  });

  test('an override changes that site only: its images follow, the train and the other sites keep theirs', () => {
    const staged: Site = { ...poc, versions: { spilo: '3.0-p2' } };
    expect(validateSite(staged)).toEqual([]);
    expect(catalogOf(staged).overridden).toEqual(['spilo']);
    expect(catalogOf(staged).images.spilo).toBe('ghcr.io/zalando/spilo-15:3.0-p2');
    expect(RUNBOOK_2023.versions.spilo).toBe('3.0-p1');
    expect(catalogOf(lab).images.spilo).toBe('ghcr.io/zalando/spilo-18:4.1-p2');
    // both sites' dist/ before and after, as npm run diff compares them: only the overriding site changes
    const d = diffTrees(
      new Map([...distTree(poc), ...distTree(lab)]),
      new Map([...distTree(staged), ...distTree({ ...lab })]),
    );
    expect(d.objects.map((o) => `${o.site} ${o.action} ${o.kind}/${o.name}`)).toEqual([
      'poc change ConfigMap/postgres-operator',
      'poc change Deployment/postgres-operator',
    ]);
  });

  test('an override of a version naming pinned upstream files is allowed when a train pins it (its files are imported), refused otherwise', () => {
    expect(issuesAt({ ...poc, versions: { rook: 'v1.10.0' } }, 'versions.rook')).toEqual([
      'rook names pinned upstream files, and npm run import imports those of the versions a train pins (v1.9.13, v1.20.6), not v1.10.0: remove the override, or pin rook in a train (lib/site/trains/runbook-2023.ts) and run npm run import',
    ]);
    expect(issuesAt({ ...poc, versions: { helm: 'v3.19.0' } }, 'versions.helm')).toEqual([
      "helm renders every train's charts at import time, one binary for all: a site cannot choose it: remove the override, or pin helm in a train (lib/site/trains/runbook-2023.ts) and run npm run import",
    ]);
    // the current train's flannel on a runbook site: its files are imported
    const staged: Site = { ...poc, versions: { flannel: 'v0.28.9' } };
    expect(issuesAt(staged, 'versions.flannel')).toEqual([]);
    const images = JSON.stringify(flannelManifests(staged));
    expect(images).toContain('ghcr.io/flannel-io/flannel:v0.28.9');
    expect(images).not.toContain('v0.22.0');
  });

  test('an unknown train or version key is refused with the closest name', () => {
    expect(
      issuesAt(
        withSite(poc, (s) => {
          s.release = 'runbook-2032';
        }),
        'release',
      )[0],
    ).toMatch(/unknown train 'runbook-2032': use one of runbook-2023, current \(did you mean 'runbook-2023'\?\)/);
    expect(
      issuesAt(
        withSite(poc, (s) => {
          Object.assign(s, { versions: { spillo: '3.0-p2' } }); // a misspelt key, as a YAML site may have
        }),
        'versions.spillo',
      )[0],
    ).toMatch(/did you mean 'spilo'/);
  });

  test('FILE_VERSIONS is exactly the versions lib/upstream.ts names files by (and the helm that renders its charts)', () => {
    const source = ['../lib/upstream.ts', '../scripts/render-charts.ts']
      .map((f) => readFileSync(join(__dirname, f), 'utf8'))
      .join('\n');
    const used = [...source.matchAll(/versions\.(\w+)/g)].map((m) => m[1]).filter((k) => k !== 'kubernetesSchemas');
    expect([...new Set(used)].sort()).toEqual([...FILE_VERSIONS].sort());
  });

  test('every pinned file has a reader: each leaf of the upstream tree is read outside lib/upstream.ts (else it is dropped from the import)', () => {
    const sources = [join(__dirname, '..', 'lib'), join(__dirname, '..', 'scripts'), __dirname]
      .flatMap((dir) =>
        readdirSync(dir, { recursive: true, encoding: 'utf8' })
          .filter((f) => f.endsWith('.ts'))
          .map((f) => join(dir, f)),
      )
      .filter((f) => !f.endsWith(join('lib', 'upstream.ts')) && !f.endsWith('trains.test.ts'))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const leaves = (tree: object, path: string[]): string[][] =>
      Object.entries(tree).flatMap(([k, v]) =>
        v === undefined || Array.isArray(v) || 'url' in v ? [[...path, k]] : leaves(v as object, [...path, k]),
      );
    for (const train of Object.values(TRAINS)) {
      const { charts: _charts, ...files } = upstreamOf(train.versions);
      for (const leaf of leaves(files, []))
        expect(sources, leaf.join('.')).toMatch(new RegExp(`\\.${leaf[leaf.length - 1]}\\b`));
    }
  });

  test("the site report lists the train and marks an override with the train's value", async () => {
    const { renderSiteReport } = await import('../lib/report/site-report');
    const staged: Site = { ...poc, versions: { spilo: '3.0-p2' } };
    const md = renderSiteReport(staged, distTree(staged)).get('README.md')!;
    expect(md).toContain('| train | runbook-2023 |');
    expect(md).toContain("| spilo | 3.0-p2 (overrides runbook-2023's 3.0-p1) |");
  });
});

describe("compatibility guard: upstream's stated ranges, quoted", () => {
  test('every train cites a source for each constraint', () => {
    for (const train of Object.values(TRAINS)) {
      const c = train.compatibility;
      for (const e of [...c.kubernetes, c.postgresMajors, c.cephMajors])
        expect(e.source).toMatch(/^[\w.-]+\/[\w.-]+@[\w.-]+:[^:]+:\d+(-\d+)?$/);
    }
  });

  test("cert-manager v1.12.17 (the 1.12 LTS) runs supported on the runbook's 1.26: poc needs no opt-in, and none is left to take", () => {
    expect(catalogOf(poc).versions.certManager).toBe('v1.12.17');
    expect(validateSite(poc)).toEqual([]);
    expect(compatibilityWarnings(poc)).toEqual([]);
    expect(issuesAt({ ...poc, acceptUnsupported: ['certManager'] }, 'acceptUnsupported[0]')).toEqual([
      expect.stringMatching(/not a component the train lets a site run unsupported \(none\)/),
    ]);
    // beyond 1.32 the LTS is refused, quoting its range
    const msgs = issuesAt(
      withSite(poc, (s) => {
        s.kubernetes.version = '1.33.0';
      }),
      'kubernetes.version',
    );
    expect(msgs).toContainEqual(
      expect.stringMatching(
        /^certManager v1\.12\.17 supports Kubernetes 1\.22 to 1\.32, not 1\.33 \(cert-manager\/website@776e5dba:content\/docs\/releases\/README\.md:312/,
      ),
    );
  });

  test('a component outside its range with no opt-in possible is refused (kube-prometheus v0.13.0 supports 1.26 to 1.28)', () => {
    // schemas and packages for 1.29 are not pinned either: only the guard's message is asserted
    const msgs = issuesAt(
      withSite(poc, (s) => {
        s.kubernetes.version = '1.29.0';
      }),
      'kubernetes.version',
    );
    expect(msgs).toContainEqual(
      expect.stringMatching(
        /^kubePrometheus v0\.13\.0 supports Kubernetes 1\.26 to 1\.28, not 1\.29 \(prometheus-operator\/kube-prometheus@v0\.13\.0:README\.md:43-48/,
      ),
    );
    expect(msgs.join('\n')).not.toMatch(/acceptUnsupported/);
  });

  test("PostgreSQL 16 on the 2023 train is refused naming the operator's supported majors and the train that has it", () => {
    const msgs = issuesAt(
      withSite(poc, (s) => {
        s.postgres.clusters[0].version = '16';
      }),
      'postgres.clusters[0].version',
    );
    expect(msgs).toEqual([
      expect.stringMatching(
        /^PostgreSQL 16 is not supported by postgres-operator v1\.9\.0 \(zalando\/postgres-operator@v1\.9\.0:manifests\/postgresql\.crd\.yaml:372-377: .*\): use one of 10, 11, 12, 13, 14, 15 or a train whose operator supports 16$/,
      ),
    ]);
    // PostgreSQL 10 on the current train: v2.0.1 dropped 10 to 13
    const old = issuesAt(
      withSite(lab, (s) => {
        s.postgres.clusters[0].version = '10';
      }),
      'postgres.clusters[0].version',
    );
    expect(old).toEqual([
      expect.stringMatching(
        /^PostgreSQL 10 is not supported by postgres-operator v2\.0\.1 .*use one of 14, 15, 16, 17, 18/,
      ),
    ]);
    // a major no train has is refused by the model itself
    expect(
      issuesAt(
        withSite(poc, (s) => {
          (s.postgres.clusters[0] as { version: string }).version = '19';
        }),
        'postgres.clusters[0].version',
      )[0],
    ).toMatch(/PostgreSQL '19' is supported by no train/);
  });

  test('a Ceph release its Rook does not support is refused (Rook v1.9.13: octopus and pacific)', () => {
    expect(issuesAt({ ...poc, versions: { ceph: 'v17.2.6' } }, 'versions.ceph')).toEqual([
      'Ceph v17.2.6 is not supported by Rook v1.9.13 (rook/rook@v1.9.13:deploy/examples/cluster.yaml:25: "Currently `octopus` and `pacific` are supported.", majors 15, 16): pick a Ceph release of those majors',
    ]);
    expect(validateSite({ ...poc, versions: { ceph: 'v16.2.11' } })).toEqual([]);
  });
});

describe("the current train (Kubernetes 1.36) beside the runbook's", () => {
  test("npm run import imported every train's pinned files and rendered every train's charts (imports/ keyed by tag)", () => {
    for (const train of Object.values(TRAINS)) {
      for (const file of upstreamFiles(train.versions)) expect(existsSync(upstreamPath(file)), file.path).toBe(true);
      for (const chart of Object.values(chartsOf(train.versions)))
        expect(loadRenderedChart(chart).length, `${train.name} ${chart.name}`).toBeGreaterThan(0);
    }
    expect(upstreamFiles(CURRENT.versions).map((f) => f.path)).toContain(
      'rook/rook/v1.20.6/deploy/examples/csi-operator.yaml',
    );
    expect(upstreamFiles(RUNBOOK_2023.versions).some((f) => f.path.endsWith('csi-operator.yaml'))).toBe(false);
  });

  test("1.36 is inside every component's stated range, and the schemas, packages, kubeadm images and verify release of 1.36 are pinned", () => {
    const v = CURRENT.versions;
    for (const r of CURRENT.compatibility.kubernetes) {
      expect(Number(r.min.split('.')[1]), r.component).toBeLessThanOrEqual(36);
      if (r.max) expect(Number(r.max.split('.')[1]), r.component).toBeGreaterThanOrEqual(36);
    }
    expect(v.kubernetesSchemas).toEqual(['1.36.0']);
    expect(v.verifyKubernetes['1.36']).toBe('1.36.5');
    expect(v.kubernetesPackages[v.verifyKubernetes['1.36']]).toBe('1.36.5-1.1');
    expect([v.pause['1.36'], v.etcd['1.36'], v.coredns['1.36']]).toEqual(['3.10.2', '3.6.8-0', 'v1.14.2']);
    expect(CURRENT.compatibility.postgresMajors.majors).toEqual(['14', '15', '16', '17', '18']);
  });

  test('the cert-manager v1.21.1 chart is rendered as its release build does: the tag as version/appVersion, CRDs through crds.enabled', () => {
    const chart = loadRenderedChart(chartsOf(CURRENT.versions).certManager);
    const images = [...new Set(chart.flatMap((o) => imagesOf(o).map((i) => i.image)))].sort();
    expect(images).toEqual(
      ['acmesolver', 'cainjector', 'controller', 'startupapicheck', 'webhook'].map(
        (c) => `quay.io/jetstack/cert-manager-${c}:v1.21.1`,
      ),
    );
    expect(chart.filter((o) => o.kind === 'CustomResourceDefinition')).toHaveLength(6);
  });
});

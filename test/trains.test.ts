import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { catalogOf } from '../lib/site/catalog';
import { compatibilityWarnings } from '../lib/site/compatibility';
import type { Site } from '../lib/site/model';
import { TRAINS } from '../lib/site/trains';
import { RUNBOOK_2023 } from '../lib/site/trains/runbook-2023';
import { FILE_VERSIONS } from '../lib/site/trains/train';
import { validateSite } from '../lib/site/validate';
import { diffTrees } from '../lib/diff/semantic';
import { lab } from '../sites/lab';
import { poc } from '../sites/poc';
import { withSite } from './support/render';
import { distTree } from './support/trees';

const issuesAt = (site: Site, path: string) => validateSite(site).filter((i) => i.path === path).map((i) => i.message);

describe('a train is data; a site names it and may override single versions', () => {
  test('the examples run runbook-2023 without overrides: their catalog is the train', () => {
    for (const site of [poc, lab]) {
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
    expect(catalogOf(lab).images.spilo).toBe('ghcr.io/zalando/spilo-15:3.0-p1');
    // both sites' dist/ before and after, as npm run diff compares them: only the overriding site changes
    const d = diffTrees(new Map([...distTree(poc), ...distTree(lab)]), new Map([...distTree(staged), ...distTree({ ...lab })]));
    expect(d.objects.map((o) => `${o.site} ${o.action} ${o.kind}/${o.name}`)).toEqual(['poc change ConfigMap/postgres-operator', 'poc change Deployment/postgres-operator']);
  });

  test('an override of a version naming pinned upstream files is refused until imports are per train', () => {
    expect(issuesAt({ ...poc, versions: { rook: 'v1.10.0' } }, 'versions.rook')).toEqual([
      "rook names pinned upstream files (lib/upstream.ts reads imports/upstream/ at v1.9.13); overriding it needs those files imported per train, which is not supported yet: remove the override, or change rook in the train (lib/site/trains/runbook-2023.ts) and run npm run import",
    ]);
  });

  test('an unknown train or version key is refused with the closest name', () => {
    expect(issuesAt(withSite(poc, (s) => { s.release = 'runbook-2032'; }), 'release')[0]).toMatch(/unknown train 'runbook-2032': use one of runbook-2023 \(did you mean 'runbook-2023'\?\)/);
    expect(issuesAt(withSite(poc, (s) => { s.versions = { spillo: '3.0-p2' }; }), 'versions.spillo')[0]).toMatch(/did you mean 'spilo'/);
  });

  test('FILE_VERSIONS is exactly the versions lib/upstream.ts names files by (and the helm that renders its charts)', () => {
    const source = ['../lib/upstream.ts', '../scripts/render-charts.ts'].map((f) => readFileSync(join(__dirname, f), 'utf8')).join('\n');
    const used = [...source.matchAll(/VERSIONS\.(\w+)/g)].map((m) => m[1]).filter((k) => k !== 'kubernetesSchemas');
    expect([...new Set(used)].sort()).toEqual([...FILE_VERSIONS].sort());
  });

  test('the site report lists the train and marks an override with the train\'s value', async () => {
    const { renderSiteReport } = await import('../lib/report/site-report');
    const staged: Site = { ...poc, versions: { spilo: '3.0-p2' } };
    const md = renderSiteReport(staged, distTree(staged)).get('README.md')!;
    expect(md).toContain('| train | runbook-2023 |');
    expect(md).toContain("| spilo | 3.0-p2 (overrides runbook-2023's 3.0-p1) |");
  });
});

describe('compatibility guard: upstream\'s stated ranges, quoted', () => {
  test('every train cites a source for each constraint', () => {
    for (const train of Object.values(TRAINS)) {
      const c = train.compatibility;
      for (const e of [...c.kubernetes, c.postgresMajors, c.cephMajors]) expect(e.source).toMatch(/^[\w.-]+\/[\w.-]+@[\w.-]+:[^:]+:\d+(-\d+)?$/);
    }
  });

  test('cert-manager v1.7.1 on Kubernetes 1.26 is refused without the opt-in, a warning with it', () => {
    const refused = issuesAt(withSite(poc, (s) => { delete s.acceptUnsupported; }), 'kubernetes.version');
    expect(refused).toEqual([expect.stringMatching(/^certManager v1\.7\.1 supports Kubernetes 1\.18 to 1\.23, not 1\.26 \(cert-manager\/website@776e5dba:content\/docs\/releases\/README\.md:317: .*acceptUnsupported: \['certManager'\]/)]);
    expect(validateSite(poc)).toEqual([]);
    expect(compatibilityWarnings(poc)).toEqual([expect.stringMatching(/^certManager v1\.7\.1 runs unsupported on Kubernetes 1\.26/)]);
  });

  test('an opt-in the runbook did not take is refused, one no longer needed is a warning', () => {
    expect(validateSite({ ...lab, acceptUnsupported: ['certManager'] })).toEqual([]);
    expect(compatibilityWarnings({ ...lab, acceptUnsupported: ['certManager'] })).toEqual([expect.stringMatching(/lists 'certManager', which runs inside its supported range on this site \(or is not deployed\): remove it/)]);
    expect(issuesAt({ ...lab, acceptUnsupported: ['kubePrometheus'] }, 'acceptUnsupported[0]')).toEqual([expect.stringMatching(/not a component the train lets a site run unsupported \(certManager\)/)]);
  });

  test('a component outside its range with no opt-in possible is refused (kube-prometheus v0.13.0 supports 1.26 to 1.28)', () => {
    // schemas and packages for 1.29 are not pinned either: only the guard's message is asserted
    const msgs = issuesAt(withSite(lab, (s) => { s.kubernetes.version = '1.29.0'; }), 'kubernetes.version');
    expect(msgs).toContainEqual(expect.stringMatching(/^kubePrometheus v0\.13\.0 supports Kubernetes 1\.26 to 1\.28, not 1\.29 \(prometheus-operator\/kube-prometheus@v0\.13\.0:README\.md:43-48/));
    expect(msgs.join('\n')).not.toMatch(/acceptUnsupported/);
  });

  test('PostgreSQL 16 on the 2023 train is refused naming the operator\'s supported majors', () => {
    const msgs = issuesAt(withSite(poc, (s) => { s.postgres.clusters[0].version = '16'; }), 'postgres.clusters[0].version');
    expect(msgs).toEqual([expect.stringContaining("PostgreSQL '16' is supported by no train: runbook-2023 (postgres-operator v1.9.0) allows 10, 11, 12, 13, 14, 15 (zalando/postgres-operator@v1.9.0:manifests/postgresql.crd.yaml:372-377")]);
  });

  test('a Ceph release its Rook does not support is refused (Rook v1.9.13: octopus and pacific)', () => {
    expect(issuesAt({ ...poc, versions: { ceph: 'v17.2.6' } }, 'versions.ceph')).toEqual([
      'Ceph v17.2.6 is not supported by Rook v1.9.13 (rook/rook@v1.9.13:deploy/examples/cluster.yaml:25: "Currently `octopus` and `pacific` are supported.", majors 15, 16): pick a Ceph release of those majors',
    ]);
    expect(validateSite({ ...poc, versions: { ceph: 'v16.2.11' } })).toEqual([]);
  });
});

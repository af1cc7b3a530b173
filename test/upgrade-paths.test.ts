import { describe, expect, test } from 'vitest';
import { renderSiteReport } from '../lib/report/site-report';
import { formatUpgradeSteps, siteVersions, upgradePaths, upgradeSteps } from '../lib/diff/upgrade-paths';
import type { Site } from '../lib/site/model';
import { poc } from '../sites/poc';
import { withSite } from './support/render';
import { distTree } from './support/trees';

const report = (site: Site) => renderSiteReport(site, distTree(site)).get('README.md')!;
const trees = (site: Site) => ({ reports: new Map([[`${site.name}/README.md`, report(site)]]), dist: distTree(site) });
const paths = (before: Site, after: Site) => {
  const b = trees(before);
  const a = trees(after);
  return upgradePaths({ before: b.reports, after: a.reports }, { before: b.dist, after: a.dist });
};
const none = { postgres: {} };

describe('moving a site from runbook-2023 to current in one commit', () => {
  // poc on the current train: its PostgreSQL 15 is one v2.0.1 accepts, so only the upgrade rules speak
  const moved = withSite(poc, (s) => {
    s.release = 'current';
    s.kubernetes.version = '1.36.5';
  });
  const steps = paths(poc, moved);

  test('is refused: Kubernetes 1.26 → 1.36 names 1.27 as the next step, Rook and Ceph name theirs', () => {
    expect(steps.filter((s) => s.refused).map((s) => s.message)).toEqual([
      expect.stringMatching(
        /postgres-operator: kubernetes_use_configmaps false → true .* with replicas running \(postgres\/acid-test-cluster: 2\) risks a split brain \(zalando\/postgres-operator@v2\.0\.1:docs\/migrate\.md:15-23.*scale every cluster to numberOfInstances: 1/,
      ),
      expect.stringMatching(/^Kubernetes 1\.26\.2 → 1\.36\.5 skips 9 minor\(s\) .*: go to 1\.27 first/),
      expect.stringMatching(/^Rook v1\.9\.13 → v1\.20\.6 skips 10 minor\(s\) .*: go to v1\.10 first/),
      expect.stringMatching(/^Ceph v16\.2\.7 → v20\.2\.4: skips a release .*go to Ceph v17 first$/),
    ]);
    expect(steps[0]).toEqual({
      site: 'poc',
      refused: false,
      message: expect.stringMatching(/^release train runbook-2023 → current: every version below moves at once/),
    });
  });

  test('the Patroni switch alone passes once every cluster runs one instance', () => {
    const single = (s: Site) =>
      withSite(s, (x) => {
        x.postgres.clusters[0].numberOfInstances = 1;
      });
    expect(
      upgradeSteps(
        'poc',
        siteVersions(report(single(poc)), distTree(single(poc)), 'poc'),
        siteVersions(report(single(moved)), distTree(single(moved)), 'poc'),
      ).find((s) => s.message.startsWith('postgres-operator')),
    ).toEqual({ site: 'poc', refused: false, message: expect.stringMatching(/every cluster runs one instance/) });
  });
});

describe('upgrade paths, read back from the rendered site at the base revision', () => {
  test("the POC's versions are read from its report and dist/", () => {
    expect(siteVersions(report(poc), distTree(poc), 'poc')).toEqual({
      kubernetes: '1.26.2',
      rook: 'v1.9.13',
      ceph: 'v16.2.7',
      postgres: { 'postgres/acid-test-cluster': '15' },
      train: 'runbook-2023',
      instances: { 'postgres/acid-test-cluster': 2 },
      patroniConfigMaps: 'false',
    });
  });

  test('no version change, no step', () => {
    expect(paths(poc, { ...poc })).toEqual([]);
  });

  test("a PostgreSQL major upgrade is explained as the operator's in-place upgrade; a downgrade is refused", () => {
    const on14 = withSite(poc, (s) => {
      s.postgres.clusters[0].version = '14';
    });
    expect(paths(on14, poc)).toEqual([
      {
        site: 'poc',
        refused: false,
        message: expect.stringMatching(
          /^postgres\/acid-test-cluster: PostgreSQL 14 → 15 through the operator's in-place major upgrade \(zalando\/postgres-operator@v1\.9\.0:docs\/reference\/operator_parameters\.md:234-241/,
        ),
      },
    ]);
    expect(paths(poc, on14)).toEqual([
      { site: 'poc', refused: true, message: expect.stringMatching(/PostgreSQL 15 → 14 is a downgrade/) },
    ]);
  });

  test('a Ceph release override is a step; two releases at once are refused with the next one named', () => {
    expect(paths(poc, { ...poc, versions: { ceph: 'v16.2.11' } })).toEqual([]);
    expect(upgradeSteps('poc', { ...none, ceph: 'v16.2.7' }, { ...none, ceph: 'v18.2.0' })).toEqual([
      { site: 'poc', refused: true, message: expect.stringMatching(/skips a release .*go to Ceph v17 first$/) },
    ]);
  });

  test('Kubernetes one minor at a time: 1.26 → 1.27 is the step, 1.26 → 1.28 is refused naming 1.27, a downgrade is refused', () => {
    const k = (kubernetes: string) => ({ ...none, kubernetes });
    expect(upgradeSteps('lab', k('1.26.2'), k('1.27.3'))).toEqual([
      {
        site: 'lab',
        refused: false,
        message: expect.stringMatching(
          /^Kubernetes 1\.26\.2 → 1\.27\.3: one minor, the supported step: upgrade the control plane first/,
        ),
      },
    ]);
    expect(upgradeSteps('lab', k('1.26.2'), k('1.28.0'))).toEqual([
      {
        site: 'lab',
        refused: true,
        message: expect.stringMatching(
          /^Kubernetes 1\.26\.2 → 1\.28\.0 skips 1 minor\(s\) \(kubernetes\/website:.*kubeadm-upgrade\.md: "Skipping MINOR versions when upgrading is unsupported"\): go to 1\.27 first/,
        ),
      },
    ]);
    expect(upgradeSteps('lab', k('1.27.3'), k('1.26.2'))[0].refused).toBe(true);
    expect(upgradeSteps('lab', k('1.26.2'), k('1.26.9'))).toEqual([]);
  });

  test('Rook one minor at a time: v1.9 → v1.11 is refused naming v1.10', () => {
    expect(upgradeSteps('poc', { ...none, rook: 'v1.9.13' }, { ...none, rook: 'v1.11.0' })).toEqual([
      {
        site: 'poc',
        refused: true,
        message: expect.stringMatching(
          /^Rook v1\.9\.13 → v1\.11\.0 skips 1 minor\(s\) \(rook\/rook@v1\.20\.6:Documentation\/Upgrade\/rook-upgrade\.md.*go to v1\.10 first/,
        ),
      },
    ]);
  });

  test('npm run diff prints the steps, refused ones marked', () => {
    expect(
      formatUpgradeSteps([
        { site: 'poc', refused: true, message: 'x' },
        { site: 'lab', refused: false, message: 'y' },
      ]),
    ).toEqual(['', 'Upgrade path:', '  REFUSED poc: x', '  ok lab: y']);
    expect(formatUpgradeSteps([])).toEqual([]);
  });
});

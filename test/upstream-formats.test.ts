import { describe, expect, test } from 'vitest';
import { upstreamFormatIssues } from '../lib/site/upstream-formats';
import { lab } from '../sites/lab';
import { poc } from '../sites/poc';
import { withSite } from './support/render';

const issues = (site: Parameters<typeof upstreamFormatIssues>[0]) =>
  upstreamFormatIssues(site).map((i) => `${i.path}: ${i.message}`);

describe('values upstream would refuse', () => {
  test("fails on a Spilo tag outside Spilo's scheme", () => {
    expect(issues({ ...lab, versions: { spilo: '4.1p3' } })).toEqual([
      "versions.spilo: '4.1p3' is not a spilo tag (zalando/spilo release tags, <x.y>-p<n>, e.g. '4.1-p2'; the train pins '4.1-p2'): no such image or package exists, every pull would fail",
    ]);
  });
  test('fails on an operator version without its v', () => {
    expect(issues({ ...poc, versions: { postgresOperator: '1.9.0' } })).toEqual([
      expect.stringMatching(
        /^versions\.postgresOperator: '1\.9\.0' is not a postgresOperator tag \(zalando\/postgres-operator tags, vX\.Y\.Z/,
      ),
    ]);
  });
  test('fails on a per-cluster Spilo image outside its naming', () => {
    const site = withSite(poc, (s) => {
      s.postgres.clusters[0].dockerImage = 'ghcr.io/zalando/spilo:15-3.0-p1';
    });
    expect(issues(site)).toEqual([
      "postgres.clusters[0].dockerImage: 'ghcr.io/zalando/spilo:15-3.0-p1' is not a Spilo image name: Spilo publishes <registry>/spilo-<PostgreSQL major>:<x.y>-p<n>, e.g. 'ghcr.io/zalando/spilo-15:4.1-p2'",
    ]);
  });
  test("fails on a control-plane virtual IP outside the nodes' network", () => {
    const site = withSite(lab, (s) => {
      s.kubernetes.controlPlaneEndpoint = '10.21.0.9:6443';
    });
    expect(issues(site)).toEqual([
      "kubernetes.controlPlaneEndpoint: virtual IP 10.21.0.9 is outside the nodes' network 10.20.0.0/24: kube-vip announces it by ARP on the control planes' interface, where no client of another network reaches it; pick a free address of 10.20.0.0/24",
    ]);
  });
  test('passes on the examples and on tags of the schemes', () => {
    expect(issues(lab)).toEqual([]);
    expect(issues(poc)).toEqual([]);
    expect(issues({ ...poc, versions: { spilo: '3.1-p1', postgresOperator: 'v1.9.0', ceph: 'v17.2.6' } })).toEqual([]);
  });
});

import { describe, expect, test } from 'vitest';
import { validateSite } from '../../lib/components/validate';
import { cluster, minimalSite, node, storageNodes } from './support/site';

describe("the unit tests' minimal sites are sites synth accepts", () => {
  test('the minimal site: one control plane, two Postgres nodes, one cluster on a local StorageClass', () => {
    expect(validateSite(minimalSite())).toEqual([]);
  });

  test('with Ceph on three storage nodes, and clusters in two namespaces', () => {
    const site = minimalSite({
      ceph: {},
      postgres: { clusters: [cluster(), cluster('acid-other', { namespace: 'analytics' })] },
    });
    expect(validateSite({ ...site, nodes: [...site.nodes, ...storageNodes()] })).toEqual([]);
  });

  test('fails when a cluster wants more instances than there are Postgres nodes (the builder does not hide rules)', () => {
    const three = minimalSite({ postgres: { clusters: [cluster('acid-main', { numberOfInstances: 3 })] } });
    expect(validateSite(three).map((i) => i.path)).toContain('postgres.clusters[0].numberOfInstances');
    expect(validateSite({ ...three, nodes: [...three.nodes, node('unit-pg3', 23, ['postgres'])] })).toEqual([]);
  });
});

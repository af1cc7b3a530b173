import { field } from '../lib/core/impact';
import { load } from 'js-yaml';
import { describe, expect, test } from 'vitest';
import { checkCapacity, siteLoad } from '../lib/check/capacity';
import { checkPlacement } from '../lib/check/placement';
import { checkSchemas } from '../lib/check/schema-check';
import { renderSiteReport } from '../lib/report/site-report';
import { validateSite } from '../lib/components/validate';
import { renderManifests } from '../lib/synth/render';
import { lab } from '../sites/lab';
import { poc } from '../sites/poc';
import { objectOf, renderedApps, withSite } from './support/render';
import { siteTree, withChanged } from './support/trees';

/** lab with its Postgres on the Ceph nodes: three workers that are both `postgres` and `storage`, sized for both. */
const shared = withSite(lab, (s) => {
  s.nodes = s.nodes.filter((n: { roles: string[] }) => !(n.roles.length === 1 && n.roles[0] === 'postgres'));
  for (const n of s.nodes)
    if (n.roles.includes('storage')) Object.assign(n, { roles: ['postgres', 'storage'], cpu: 8, memory: '32Gi' });
});
const STORAGE_TOLERATION = { key: 'storage-node', operator: 'Exists', effect: 'NoSchedule' };

describe('nodes that are both postgres and storage keep the storage taint; what must run there tolerates it', () => {
  const apps = renderedApps(shared);

  test('the site is valid', () => {
    expect(validateSite(shared)).toEqual([]);
  });

  test("the Spilo pods (and with them the operator's pooler pods) tolerate storage-node:NoSchedule", () => {
    for (const name of ['acid-orders', 'acid-analytics']) {
      expect(objectOf(apps, 'postgres-clusters', 'postgresql', name).spec.tolerations).toEqual([STORAGE_TOLERATION]);
    }
  });

  test("the Ceph CSI node plugin, which mounts their volumes, tolerates it too (Rook v1.20 on lab's train: the RBD Driver's node plugin; before: CSI_PLUGIN_TOLERATIONS)", () => {
    const driver = objectOf(apps, 'rook-ceph-operator', 'Driver', 'rook-ceph.rbd.csi.ceph.com');
    expect(field(driver, 'spec.nodePlugin.tolerations')).toEqual([STORAGE_TOLERATION]);
    const runbook = withSite(shared, (s) => {
      s.release = 'runbook-2023';
      s.kubernetes.version = '1.27.3';
      delete s.versions;
      s.postgres.clusters[0].version = '15';
    });
    const config = objectOf(renderedApps(runbook), 'rook-ceph-operator', 'ConfigMap', 'rook-ceph-operator-config');
    expect(load(config.data.CSI_PLUGIN_TOLERATIONS)).toEqual([STORAGE_TOLERATION]);
  });

  test('sites without shared nodes render no such toleration', () => {
    const pocApps = renderedApps(poc);
    expect(objectOf(pocApps, 'postgres-clusters', 'postgresql', 'acid-test-cluster').spec.tolerations).toBeUndefined();
    expect(
      objectOf(pocApps, 'rook-ceph-operator', 'ConfigMap', 'rook-ceph-operator-config').data.CSI_PLUGIN_TOLERATIONS,
    ).toBeUndefined();
  });

  test("the capacity check counts both roles' pods on a shared node: lab's 4 CPU / 16Gi nodes are too small for both", () => {
    const small = withSite(shared, (s) => {
      for (const n of s.nodes) if (n.roles.includes('storage')) Object.assign(n, { cpu: 4, memory: '16Gi' });
    });
    const errors = checkCapacity(siteTree(small)).filter((f) => f.severity === 'error');
    expect(errors.map((f) => f.where)).toEqual(['lab/node lab-ceph1', 'lab/node lab-ceph2', 'lab/node lab-ceph3']);
    expect(errors[0].message).toMatch(/Postgres instances of acid-orders .*Ceph mons/);
  });

  test('placement and capacity pass, the capacity model counts Ceph daemons and Spilo on the same node', () => {
    const tree = siteTree(shared);
    expect(checkPlacement(tree).filter((f) => f.severity === 'error')).toEqual([]);
    expect(checkCapacity(tree).filter((f) => f.severity === 'error')).toEqual([]);
    expect(checkSchemas(tree)).toEqual([]);
    const ceph1 = siteLoad(tree).nodes.find((n) => n.node.name === 'lab-ceph1')!;
    expect(ceph1.items.map((i) => i.workload.label)).toEqual(
      expect.arrayContaining([
        'Ceph OSDs',
        'Postgres instances of acid-orders',
        'pgbouncer pods of acid-orders-pooler',
      ]),
    );
  });

  test('the site report draws the Spilo pods on the shared nodes', () => {
    const report = renderSiteReport(shared, renderManifests(shared)).get('README.md')!;
    const spilo = /(w\d+)\(\["Postgres instances of acid-orders/.exec(report)![1];
    expect(report).toContain(`${spilo} --> node_lab_ceph1`);
    expect(report).not.toContain('Pending');
  });

  test('without the toleration, the report draws them as Pending instead of leaving them out', () => {
    const tree = withChanged(siteTree(shared), 'postgresql', 'acid-orders', (pg) => {
      delete pg.spec.tolerations;
    });
    expect(siteLoad(tree).pending.map((i) => [i.workload.label, i.pods])).toEqual([
      ['Postgres instances of acid-orders', 3],
      ['pgbouncer pods of acid-orders-pooler', 3],
      ['pgbouncer pods of acid-orders-pooler-repl', 3],
    ]);
    const report = renderSiteReport(shared, renderManifests(shared), tree.objects).get('README.md')!;
    expect(report).toMatch(
      /subgraph pending\["Pending: no node admits them[^\n]*\n\s+w\d+\(\["3x Postgres instances of acid-orders/,
    );
  });
});

import { describe, expect, test } from 'vitest';
import { checkPlacement } from '../lib/check/placement';
import { SITES } from '../lib/site-files';
import { poc } from '../sites/poc';
import { requiredNodeAffinity } from '../lib/site/roles';
import { withSite } from './support/render';
import { cephCluster, hardenedDeployment, siteTree, withChanged, withObjects } from './support/trees';

const messages = (findings: ReturnType<typeof checkPlacement>) =>
  findings.map((f) => `${f.severity} ${f.where}: ${f.message}`);

describe('placement', () => {
  test.each(SITES.map((s) => [s.name, s] as const))('passes on the rendered site %s', (_n, site) => {
    expect(checkPlacement(siteTree(site))).toEqual([]);
  });

  test("passes with the runbook's Ceph placement (storage nodes, tolerated taint, 3 mons, an OSD per storage node)", () => {
    expect(checkPlacement(withObjects(siteTree(poc), 'rook-ceph-cluster', cephCluster()))).toEqual([]);
  });

  test('fails when Postgres instances outnumber the postgres nodes', () => {
    // rendered without validateSite, which would refuse it first
    const tree = siteTree(
      withSite(poc, (d) => {
        d.postgres.clusters[0].numberOfInstances = 3;
      }),
    );
    expect(messages(checkPlacement(tree))).toEqual([
      'error poc/postgres-clusters: postgresql postgres/acid-test-cluster: Postgres instances of acid-test-cluster: 3 replicas need 3 distinct eligible nodes, the site has 2 (dnumworker1, dnumworker2); 2 of 10 nodes match its node selector/affinity: add nodes with the right role, or fix the selector/tolerations',
    ]);
  });

  test('fails when the Postgres affinity selects a label no node has', () => {
    const tree = withChanged(siteTree(poc), 'postgresql', 'acid-test-cluster', (o) => {
      o.spec.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].key =
        'postgres-operater';
    });
    expect(messages(checkPlacement(tree))[0]).toMatch(/the site has 0 \(none\); 0 of 10 nodes match/);
  });

  test('fails when Ceph mons target the storage nodes without tolerating their taint, and says so', () => {
    const tree = withObjects(
      siteTree(poc),
      'rook-ceph-cluster',
      cephCluster({ placement: { all: { nodeAffinity: requiredNodeAffinity('storage') } } }),
    );
    const found = messages(checkPlacement(tree));
    expect(found[0]).toBe(
      'error poc/rook-ceph-cluster: CephCluster rook-ceph/rook-ceph: Ceph mons: 3 replicas need 3 distinct eligible nodes, the site has 0 (none); 3 of 10 nodes match its node selector/affinity; dnumcephworker1, dnumcephworker2, dnumcephworker3 have the untolerated taint storage-node:NoSchedule: add nodes with the right role, or fix the selector/tolerations',
    );
    expect(found.filter((m) => m.includes('Ceph OSDs are pinned to node'))).toHaveLength(3);
  });

  test('fails when more mons than storage nodes and allowMultiplePerNode is off', () => {
    const tree = withObjects(siteTree(poc), 'rook-ceph-cluster', cephCluster({ mon: { count: 5 } }));
    expect(messages(checkPlacement(tree))).toEqual([
      expect.stringMatching(/Ceph mons: 5 replicas need 5 distinct eligible nodes, the site has 3/),
    ]);
  });

  test('fails when an OSD node is not a node of the site', () => {
    const tree = withObjects(
      siteTree(poc),
      'rook-ceph-cluster',
      cephCluster({ storage: { nodes: [{ name: 'dnumcephworker9', devices: [{ name: 'vdb' }] }] } }),
    );
    expect(messages(checkPlacement(tree))).toEqual([
      expect.stringMatching(/Ceph OSDs are pinned to node 'dnumcephworker9', which is not a node of site poc/),
    ]);
  });

  test('fails when an OSD node is outside the placement (a MinIO node listed under storage.nodes)', () => {
    const tree = withObjects(
      siteTree(poc),
      'rook-ceph-cluster',
      cephCluster({ storage: { nodes: [{ name: 'dnumminioworker1', devices: [{ name: 'vdb' }] }] } }),
    );
    expect(messages(checkPlacement(tree))).toEqual([
      expect.stringMatching(/pinned to node 'dnumminioworker1', but their placement excludes it \(0 of 1 nodes match/),
    ]);
  });

  test('MinIO servers with a hostname anti-affinity need as many s3 nodes', () => {
    const tenant = (servers: number) => ({
      apiVersion: 'minio.min.io/v2',
      kind: 'Tenant',
      metadata: { name: 'minio', namespace: 'minio' },
      spec: {
        pools: [
          {
            name: 'pool-0',
            servers,
            volumesPerServer: 1,
            nodeSelector: { role: 's3-node' },
            affinity: {
              podAntiAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: [
                  { topologyKey: 'kubernetes.io/hostname', labelSelector: {} },
                ],
              },
            },
          },
        ],
      },
    });
    expect(checkPlacement(withObjects(siteTree(poc), 'minio-tenant', tenant(4)))).toEqual([]);
    expect(messages(checkPlacement(withObjects(siteTree(poc), 'minio-tenant', tenant(5))))).toEqual([
      expect.stringMatching(/MinIO servers of pool pool-0: 5 replicas need 5 distinct eligible nodes, the site has 4/),
    ]);
  });

  test('a Deployment pinned by nodeSelector to a role nobody has fails; a DaemonSet with no node warns', () => {
    const pinned = hardenedDeployment('exporter', { nodeSelector: { role: 'gpu-node' } });
    const daemon = { ...hardenedDeployment('agent', { nodeSelector: { role: 'gpu-node' } }), kind: 'DaemonSet' };
    const found = checkPlacement(withObjects(siteTree(poc), 'monitoring', pinned, daemon));
    expect(found.map((f) => [f.severity, f.where])).toEqual([
      ['error', 'poc/monitoring: Deployment postgres-operator/exporter'],
      ['warning', 'poc/monitoring: DaemonSet postgres-operator/agent'],
    ]);
  });
});

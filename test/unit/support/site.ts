import type { PostgresClusterSpec, Site, SiteNode } from '../../../lib/site/model';

/**
 * Typed minimal sites for unit tests: the smallest site synth accepts, built here rather than taken from sites/, so a
 * unit test states every fact it depends on and no example site's change breaks it (test/unit/site.test.ts keeps
 * each builder's site valid).
 */

/** A node: 2 CPU and 4Gi unless given, on 10.0.0.<host>/24. */
export function node(name: string, host: number, roles: SiteNode['roles'], extra: Partial<SiteNode> = {}): SiteNode {
  return { name, address: `10.0.0.${host}`, roles, cpu: 2, memory: '4Gi', ...extra };
}

/** A StorageClass the cluster has without this project rendering it (a site without Ceph needs one). */
const LOCAL_STORAGE = 'local-path';

/** A Postgres cluster of team `acid`, two instances of PostgreSQL 15 on 1Gi of LOCAL_STORAGE. */
export function cluster(name = 'acid-main', extra: Partial<PostgresClusterSpec> = {}): PostgresClusterSpec {
  return {
    name,
    teamId: 'acid',
    numberOfInstances: 2,
    version: '15',
    volume: { size: '1Gi', storageClass: LOCAL_STORAGE },
    ...extra,
  };
}

/**
 * The minimal site `unit` on the runbook-2023 train (Kubernetes 1.26): one control plane, two Postgres nodes, one cluster on a local
 * StorageClass; no Ceph, MinIO, monitoring or load balancers. `extra` replaces whole sections.
 */
export function minimalSite(extra: Partial<Site> = {}): Site {
  return {
    name: 'unit',
    release: 'runbook-2023',
    kubernetes: { version: '1.26.2', controlPlaneEndpoint: '10.0.0.10:6443', podSubnet: '10.244.0.0/16' },
    gitops: { repoURL: 'https://git.example.org/platform/gitops.git', targetRevision: 'main' },
    nodes: [
      node('unit-cp1', 10, ['control-plane'], { cpu: 4, memory: '8Gi' }),
      node('unit-pg1', 21, ['postgres']),
      node('unit-pg2', 22, ['postgres']),
    ],
    externalStorageClasses: [LOCAL_STORAGE],
    postgres: { clusters: [cluster()] },
    ...extra,
  };
}

/** Three storage nodes with one 100Gi disk each, for a site with `ceph`. */
export const storageNodes = (): SiteNode[] =>
  [31, 32, 33].map((host, i) =>
    node(`unit-ceph${i + 1}`, host, ['storage'], { disks: [{ device: '/dev/vdb', size: '100Gi' }] }),
  );

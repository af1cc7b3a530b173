import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { fieldChanges } from '../lib/diff/fields';
import { diffFiles } from '../lib/diff/host-files';
import { MARKDOWN_LIMIT, formatMarkdown, formatTerminal } from '../lib/diff/format';
import { treeAtRevision, treeOnDisk } from '../lib/diff/git';
import { diffTrees, type ObjectDiff } from '../lib/diff/semantic';
import { lab } from '../sites/lab';
import { poc as pocSite } from '../sites/poc';
import { fakePassword } from './support/fake-secrets';
import { withSite } from './support/render';
import { cephCluster, distTree, withFile } from './support/trees';

const ROOT = join(__dirname, '..');
/** The POC with its one runbook cluster: the DR standby it also keeps (test/standby.test.ts) left out. */
const poc = withSite(pocSite, (d) => {
  d.postgres.clusters = d.postgres.clusters.filter((c: { standby?: unknown }) => !c.standby);
});
const one = (objects: readonly ObjectDiff[], kind: string, name: string) => {
  const found = objects.filter((o) => o.kind === kind && o.name === name);
  if (found.length !== 1)
    throw new Error(
      `expected one ${kind} ${name}, got ${objects.map((o) => `${o.action} ${o.kind}/${o.name}`).join(', ')}`,
    );
  return found[0];
};
const impacts = (o: ObjectDiff) => o.impacts.map((i) => `${i.level}: ${i.message}`);
const pgChange = (change: (pg: any) => void) => withSite(poc, (d) => change(d.postgres.clusters[0]));

describe('semantic diff of real renders (before/after pairs of the POC site)', () => {
  test('no change, no diff', () => {
    const d = diffTrees(distTree(poc), distTree(poc));
    expect(d.objects).toEqual([]);
    expect(formatTerminal(d)).toBe('Plan: 0 to add, 0 to change, 0 to destroy.');
  });

  test('Spilo image in the operator ConfigMap (a version override of one site): the operator rolls, then 2 Spilo pods with a switchover', () => {
    const before = distTree(poc);
    const after = distTree({ ...poc, versions: { spilo: '3.0-p2' } });
    const d = diffTrees(before, after);
    expect(d.counts).toEqual({ add: 0, change: 2, destroy: 0 });
    const config = one(d.objects, 'ConfigMap', 'postgres-operator');
    expect(config.fields).toEqual([
      {
        path: 'data.docker_image',
        before: 'ghcr.io/zalando/spilo-15:3.0-p1',
        after: 'ghcr.io/zalando/spilo-15:3.0-p2',
      },
    ]);
    expect(impacts(config)).toEqual([
      'disruptive: Spilo image ghcr.io/zalando/spilo-15:3.0-p1 → ghcr.io/zalando/spilo-15:3.0-p2: the operator restarts, then rolling restart of 2 pods in 1 cluster (acid-test-cluster): replicas first, then a switchover of the primary (a few seconds without writes), then the old primary',
    ]);
    const operator = one(d.objects, 'Deployment', 'postgres-operator');
    expect(operator.fields.map((f) => f.path)).toEqual(['spec.template.metadata.annotations["checksum/config"]']);
    expect(impacts(operator)).toEqual([
      'disruptive: pod template changed: 1 pod stopped then recreated (strategy Recreate): a short outage of postgres-operator',
    ]);
  });

  test('Spilo image of one cluster (CR dockerImage)', () => {
    const d = diffTrees(
      distTree(poc),
      distTree(
        pgChange((pg) => {
          pg.dockerImage = 'ghcr.io/zalando/spilo-15:3.0-p2';
        }),
      ),
    );
    expect(impacts(one(d.objects, 'postgresql', 'acid-test-cluster'))).toEqual([
      'disruptive: Spilo image ghcr.io/zalando/spilo-15:3.0-p1 → ghcr.io/zalando/spilo-15:3.0-p2: rolling restart of 2 pods of acid-test-cluster: replicas first, then a switchover of the primary (a few seconds without writes), then the old primary',
    ]);
  });

  test("PostgreSQL major version up: in-place major upgrade, per the operator's upgrade mode (manual)", () => {
    const d = diffTrees(
      distTree(
        pgChange((pg) => {
          pg.version = '14';
        }),
      ),
      distTree(poc),
    );
    const pg = one(d.objects, 'postgresql', 'acid-test-cluster');
    expect(pg.fields).toEqual([{ path: 'spec.postgresql.version', before: '14', after: '15' }]);
    expect(impacts(pg)).toEqual([
      "disruptive: PostgreSQL major version 14 → 15, in-place major upgrade of acid-test-cluster (2 pods): after the rolling restart the operator runs the in-place upgrade (inplace_upgrade.py) on the primary (mode 'manual'): the cluster is down during pg_upgrade; take a backup first",
    ]);
  });

  test('PostgreSQL major version up with major_version_upgrade_mode off: pods roll, no upgrade', () => {
    const off = (tree: Map<string, string>) =>
      new Map(
        [...tree].map(([p, y]) => [
          p,
          y.replace('major_version_upgrade_mode: manual', "major_version_upgrade_mode: 'off'"),
        ]),
      );
    const d = diffTrees(
      off(
        distTree(
          pgChange((pg) => {
            pg.version = '14';
          }),
        ),
      ),
      off(distTree(poc)),
    );
    expect(impacts(one(d.objects, 'postgresql', 'acid-test-cluster'))[0]).toMatch(
      /major_version_upgrade_mode is 'off': the pods roll with PGVERSION=15 but keep running PostgreSQL 14 \(no upgrade\) unless team 'acid' is in major_version_upgrade_team_allow_list/,
    );
  });

  test('PostgreSQL major version down: refused', () => {
    const d = diffTrees(
      distTree(poc),
      distTree(
        pgChange((pg) => {
          pg.version = '14';
        }),
      ),
    );
    expect(impacts(one(d.objects, 'postgresql', 'acid-test-cluster'))).toEqual([
      'refused: PostgreSQL 15 → 14 is a downgrade: the operator does not downgrade and the data directory stays on 15; revert',
    ]);
  });

  test('instances down: a replica removed, and no failover left', () => {
    const d = diffTrees(
      distTree(poc),
      distTree(
        pgChange((pg) => {
          pg.numberOfInstances = 1;
        }),
      ),
    );
    expect(impacts(one(d.objects, 'postgresql', 'acid-test-cluster'))).toEqual([
      'disruptive: 1 replica removed (2 → 1): pod(s) acid-test-cluster-1 are deleted (the StatefulSet keeps their volumes); no replica is left: no automatic failover',
    ]);
  });

  test('instances up: replicas added (lab, 3 → 5)', () => {
    const d = diffTrees(
      distTree(lab),
      distTree(
        withSite(lab, (s) => {
          s.postgres.clusters[0].numberOfInstances = 5;
        }),
      ),
    );
    expect(impacts(one(d.objects, 'postgresql', 'acid-orders'))).toEqual([
      "info: 2 replicas added (3 → 5): the new pods copy the primary's data (basebackup), extra load on the primary and storage",
    ]);
  });

  test('volume shrink: refused by the operator', () => {
    const d = diffTrees(
      distTree(poc),
      distTree(
        pgChange((pg) => {
          pg.volume.size = '512Mi';
        }),
      ),
    );
    expect(impacts(one(d.objects, 'postgresql', 'acid-test-cluster'))).toEqual([
      'refused: volume shrink 1Gi → 512Mi is refused by the operator (a PVC cannot shrink): the volumes stay 1Gi; revert',
    ]);
  });

  test('volume growth: online, unless the StorageClass forbids expansion', () => {
    const grow = pgChange((pg) => {
      pg.volume.size = '5Gi';
    });
    expect(impacts(one(diffTrees(distTree(poc), distTree(grow)).objects, 'postgresql', 'acid-test-cluster'))).toEqual([
      'info: volumes grow 1Gi → 5Gi for 2 pods, online (filesystem resized by the CSI driver)',
    ]);
    const sc = {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'rook-ceph-block' },
      provisioner: 'rook-ceph.rbd.csi.ceph.com',
      allowVolumeExpansion: false,
    };
    const path = 'poc/rook-ceph-cluster/storageclass-rook-ceph-block.yaml';
    const d = diffTrees(withFile(distTree(poc), path, sc), withFile(distTree(grow), path, sc));
    expect(impacts(one(d.objects, 'postgresql', 'acid-test-cluster'))).toEqual([
      'refused: volume 1Gi → 5Gi: StorageClass rook-ceph-block does not allow volume expansion, the resize fails',
    ]);
  });

  test('storage class change: ignored by the operator', () => {
    const d = diffTrees(
      distTree(poc),
      distTree(
        pgChange((pg) => {
          pg.volume.storageClass = 'local-path';
        }),
      ),
    );
    expect(impacts(one(d.objects, 'postgresql', 'acid-test-cluster'))).toEqual([
      'refused: storage class rook-ceph-block → local-path is ignored by the operator for existing volumes: migrate by cloning into a new cluster',
    ]);
  });

  test('removing a Postgres cluster: DESTRUCTIVE banner on top, for the CR and its namespace', () => {
    const d = diffTrees(
      distTree(poc),
      distTree(
        withSite(poc, (s) => {
          s.postgres.clusters = [];
        }),
      ),
    );
    // the CR and its namespace; its PodMonitor, rules, Prometheus Role and binding, exporter queries
    expect(d.counts.destroy).toBe(7);
    expect(impacts(one(d.objects, 'postgresql', 'acid-test-cluster'))).toEqual([
      'destructive: postgresql postgres/acid-test-cluster holds data and is removed from git: ArgoCD will not prune it (Prune=false,Delete=false) and leaves it running unmanaged; whoever deletes it deletes its data',
    ]);
    const text = formatTerminal(d);
    expect(text.split('\n')[0]).toBe('DESTRUCTIVE: 2 change(s) delete or endanger data');
    expect(text.split('\n')).toContain(
      "  ! poc/postgres-clusters: postgresql postgres/acid-test-cluster: postgresql postgres/acid-test-cluster holds data and is removed from git: ArgoCD will not prune it (Prune=false,Delete=false) and leaves it running unmanaged; whoever deletes it deletes its data [check fails unless the site acknowledges 'delete postgresql postgres/acid-test-cluster']",
    );
    expect(text).toMatch(/\nPlan: 0 to add, \d+ to change, 7 to destroy\.\n/);
    const md = formatMarkdown(d);
    expect(md.split('\n').slice(2, 4)).toEqual([
      '> [!CAUTION]',
      '> **DESTRUCTIVE: 2 change(s) delete or endanger data**',
    ]);
  });

  test('removing an unprotected data-bearing object: ArgoCD prunes it with its data', () => {
    const pvc = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'scratch', namespace: 'postgres' },
      spec: {},
    };
    const d = diffTrees(
      withFile(distTree(poc), 'poc/postgres-clusters/persistentvolumeclaim-scratch.yaml', pvc),
      distTree(poc),
    );
    expect(impacts(one(d.objects, 'PersistentVolumeClaim', 'scratch'))).toEqual([
      'destructive: PersistentVolumeClaim postgres/scratch holds data and ArgoCD will prune it: its data is deleted',
    ]);
  });

  test('dropping Prune=false,Delete=false is destructive', () => {
    const after = new Map(
      [...distTree(poc)].map(([p, y]) => [
        p,
        p.endsWith('postgresql-acid-test-cluster.yaml') ? y.replace('Delete=false,Prune=false,', '') : y,
      ]),
    );
    const d = diffTrees(distTree(poc), after);
    expect(impacts(one(d.objects, 'postgresql', 'acid-test-cluster'))).toEqual([
      'destructive: loses Prune=false,Delete=false: from now on a removal or an Application deletion deletes its data',
    ]);
  });

  test('removing a CRD deletes every object of its kind', () => {
    const before = distTree(poc);
    const after = new Map(before);
    after.delete('poc/postgres-operator/customresourcedefinition-postgresqls.acid.zalan.do.yaml');
    expect(
      impacts(one(diffTrees(before, after).objects, 'CustomResourceDefinition', 'postgresqls.acid.zalan.do')),
    ).toEqual(['destructive: deleting CRD postgresqls.acid.zalan.do deletes every postgresql in the cluster']);
  });

  test('an object moving between Applications', () => {
    const before = distTree(poc);
    const after = new Map(before);
    after.delete('poc/postgres-operator/service-postgres-operator.yaml');
    after.set(
      'poc/postgres-clusters/service-postgres-operator.yaml',
      before.get('poc/postgres-operator/service-postgres-operator.yaml')!,
    );
    const moved = one(diffTrees(before, after).objects, 'Service', 'postgres-operator');
    expect(moved).toMatchObject({
      action: 'change',
      app: 'postgres-clusters',
      movedFrom: 'postgres-operator',
      fields: [],
    });
    expect(impacts(moved)).toEqual([
      'disruptive: moves from Application postgres-operator to postgres-clusters: postgres-operator prunes it and postgres-clusters recreates it, a short gap',
    ]);
  });

  test('Ceph storage node or device removed: data rebalancing; added: new OSDs', () => {
    const path = 'poc/rook-ceph-cluster/cephcluster-rook-ceph.yaml';
    const full = cephCluster();
    const nodes = ['dnumcephworker1', 'dnumcephworker2'].map((name) => ({ name, devices: [{ name: 'vdb' }] }));
    const fewer = cephCluster({
      storage: {
        useAllNodes: false,
        useAllDevices: false,
        nodes: [...nodes, { name: 'dnumcephworker3', devices: [] }],
      },
    });
    const d = diffTrees(withFile(distTree(poc), path, full), withFile(distTree(poc), path, fewer));
    expect(impacts(one(d.objects, 'CephCluster', 'rook-ceph'))).toEqual([
      'disruptive: device(s) vdb removed from storage node dnumcephworker3: data rebalancing onto the remaining OSDs once their OSDs are marked out',
    ]);
    const gone = cephCluster({ storage: { useAllNodes: false, useAllDevices: false, nodes } });
    expect(
      impacts(
        one(
          diffTrees(withFile(distTree(poc), path, full), withFile(distTree(poc), path, gone)).objects,
          'CephCluster',
          'rook-ceph',
        ),
      ),
    ).toEqual([
      'destructive: storage node dnumcephworker3 removed from the CephCluster while it holds OSDs (vdb): their copies are lost to the pools until Ceph rebalances them onto the remaining OSDs (heavy I/O, less capacity; another failure meanwhile can lose data; Rook does not purge OSDs by itself): mark them out and wait for HEALTH_OK first (docs/operations.md)',
    ]);
    expect(
      impacts(
        one(
          diffTrees(withFile(distTree(poc), path, gone), withFile(distTree(poc), path, full)).objects,
          'CephCluster',
          'rook-ceph',
        ),
      ),
    ).toEqual(['info: new OSD(s) on dnumcephworker3 (vdb): Ceph rebalances data onto them']);
  });

  test('Ceph pool copies, ceph.conf overrides and the immutable StorageClass explained', () => {
    const poolSize = (n: number) =>
      withSite(poc, (s) => {
        s.ceph!.poolSize = n;
      });
    expect(
      impacts(one(diffTrees(distTree(poc), distTree(poolSize(2))).objects, 'CephBlockPool', 'replicapool')),
    ).toEqual([
      'destructive: pool replicapool keeps 2 copies instead of 3: less redundancy, the pool survives 1 lost host',
    ]);
    expect(
      impacts(one(diffTrees(distTree(poolSize(1)), distTree(poc)).objects, 'CephBlockPool', 'replicapool')),
    ).toEqual([
      'disruptive: pool replicapool keeps 3 copies instead of 1: Ceph writes one more copy of every object (heavy I/O on the storage nodes until its placement groups are clean again)',
    ]);
    const bigger = withSite(poc, (s) => {
      for (const n of s.nodes) if (n.roles.includes('storage')) n.memory = '8Gi';
    });
    const d = diffTrees(distTree(poc), distTree(bigger));
    expect(impacts(one(d.objects, 'ConfigMap', 'rook-config-override'))).toEqual([
      'info: ceph.conf overrides changed: each Ceph daemon reads them only when it restarts (Rook restarts none for this change)',
    ]);
    const retain = distTree(poc);
    const deleting = distTree(
      withSite(poc, (s) => {
        s.ceph!.reclaimPolicy = 'Delete';
      }),
    );
    expect(impacts(one(diffTrees(retain, deleting).objects, 'StorageClass', 'rook-ceph-block'))).toEqual([
      'refused: StorageClass rook-ceph-block: reclaimPolicy cannot be updated, the sync fails; existing volumes keep their settings anyway: delete the StorageClass by hand (its volumes stay) and let ArgoCD recreate it',
    ]);
    const path = 'poc/rook-ceph-cluster/storageclass-rook-ceph-block.yaml';
    const sc = (allowVolumeExpansion: boolean) => ({
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'rook-ceph-block' },
      provisioner: 'rook-ceph.rbd.csi.ceph.com',
      allowVolumeExpansion,
    });
    expect(
      impacts(
        one(
          diffTrees(withFile(retain, path, sc(false)), withFile(retain, path, sc(true))).objects,
          'StorageClass',
          'rook-ceph-block',
        ),
      ),
    ).toEqual([]);
  });

  test('Secret values are redacted', () => {
    const secret = (password: string) => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'creds', namespace: 'postgres' },
      stringData: { password },
    });
    const path = 'poc/postgres-clusters/secret-creds.yaml';
    const [before, after] = [fakePassword(), fakePassword()];
    const d = diffTrees(withFile(distTree(poc), path, secret(before)), withFile(distTree(poc), path, secret(after)));
    expect(one(d.objects, 'Secret', 'creds').fields).toEqual([
      { path: 'stringData.password', before: '(redacted)', after: '(redacted)' },
    ]);
    for (const text of [formatTerminal(d), formatMarkdown(d)])
      for (const value of [before, after]) expect(text).not.toContain(value);
  });

  test('multi-line text changes show as a unified hunk (argocd-cm health checks)', () => {
    const after = new Map(
      [...distTree(poc)].map(([p, y]) => [
        p,
        p.endsWith('configmap-argocd-cm.yaml') ? y.replace('hs.status = "Healthy"', 'hs.status = "Healthy" -- ok') : y,
      ]),
    );
    const text = formatTerminal(diffTrees(distTree(poc), after));
    expect(text).toContain('        @@ data["resource.customizations.health.acid.zalan.do_postgresql"]');
    expect(text).toContain('        -    hs.status = "Healthy"');
    expect(text).toContain('        +    hs.status = "Healthy" -- ok');
  });
});

describe('fieldChanges', () => {
  test('lists of named objects compare by name, lists of scalars as a whole', () => {
    expect(
      fieldChanges(
        {
          containers: [
            { name: 'a', image: 'x:1' },
            { name: 'b', image: 'y:1' },
          ],
          args: ['--a'],
        },
        {
          containers: [
            { name: 'b', image: 'y:2' },
            { name: 'a', image: 'x:1' },
          ],
          args: ['--a', '--b'],
        },
      ),
    ).toEqual([
      { path: 'args', before: ['--a'], after: ['--a', '--b'] },
      { path: 'containers[name=b].image', before: 'y:1', after: 'y:2' },
    ]);
  });
  test('lists of unnamed objects: same length compares by position, otherwise items added and removed', () => {
    const dest = (namespace: string) => ({ namespace, server: 'https://kubernetes.default.svc' });
    expect(fieldChanges({ d: [dest('a'), dest('b')] }, { d: [dest('a'), dest('c')] })).toEqual([
      { path: 'd[1].namespace', before: 'b', after: 'c' },
    ]);
    expect(fieldChanges({ d: [dest('a'), dest('b')] }, { d: [dest('b')] })).toEqual([
      { path: 'd[]', before: dest('a') },
    ]);
    expect(fieldChanges({ d: [dest('b')] }, { d: [dest('a'), dest('b')] })).toEqual([
      { path: 'd[]', after: dest('a') },
    ]);
  });
  test('added and removed fields have one side only', () => {
    expect(fieldChanges({ a: 1 }, { b: 2 })).toEqual([
      { path: 'a', before: 1 },
      { path: 'b', after: 2 },
    ]);
  });
  test('alerting rules compare by alert name, so a new rule does not shift the others', () => {
    const rule = (alert: string, expr: string) => ({ alert, expr });
    expect(
      fieldChanges(
        { rules: [rule('A', 'up == 0'), rule('B', 'x > 1')] },
        { rules: [rule('C', 'y'), rule('A', 'up == 0'), rule('B', 'x > 2')] },
      ),
    ).toEqual(
      [
        { path: 'rules[alert=B].expr', after: 'x > 2', before: 'x > 1' },
        { path: 'rules[alert=C]', after: rule('C', 'y') },
      ].map((c) => expect.objectContaining(c)),
    );
  });
});

describe('a long one-line value that changes at its end', () => {
  test('shows the part that differs, not two identical prefixes', () => {
    const { objects } = diffTrees(
      distTree(poc),
      distTree(
        withSite(poc, (s) => {
          s.postgres.clusters[0].alerts = { connectionsRatio: 0.9 };
        }),
      ),
    );
    const text = formatTerminal({
      ...diffTrees(distTree(poc), distTree(poc)),
      objects: objects.filter((o) => o.kind === 'PrometheusRule'),
    });
    const exprLines = text.split('\n').filter((l) => l.includes('[alert=PostgresConnectionsNearMax].expr'));
    expect(exprLines).toHaveLength(2);
    expect(exprLines[0]).toMatch(/> 0\.8$/);
    expect(exprLines[1]).toMatch(/> 0\.9$/);
    expect(exprLines[0]).toMatch(/: \.\.\./); // cut at the front
  });
});

describe('diffFiles (host-bootstrap)', () => {
  test('added, changed and removed files with unified hunks', () => {
    const files = diffFiles(
      new Map([
        ['poc/a.yaml', 'x\n'],
        ['poc/b.yaml', 'y\n'],
      ]),
      new Map([
        ['poc/b.yaml', 'z\n'],
        ['poc/c.yaml', 'w\n'],
      ]),
    );
    expect(files).toEqual([
      { path: 'poc/a.yaml', action: 'remove', lines: ['@@ -1,1 +1,0 @@', '-x'] },
      { path: 'poc/b.yaml', action: 'change', lines: ['@@ -1,1 +1,1 @@', '-y', '+z'] },
      { path: 'poc/c.yaml', action: 'add', lines: ['@@ -1,0 +1,1 @@', '+w'] },
    ]);
  });
});

describe('markdown', () => {
  test("is grouped by site and Application, and capped below GitHub's comment limit", () => {
    const d = diffTrees(
      distTree(poc),
      distTree(
        pgChange((pg) => {
          pg.numberOfInstances = 1;
        }),
      ),
    );
    const md = formatMarkdown(d);
    expect(md).toContain('#### Site `poc`');
    expect(md).toContain('**Application `postgres-clusters`**');
    expect(md).toContain('- `~` **postgresql** `postgres/acid-test-cluster`');
    expect(md).toContain('  - ⚠️ **disruptive**: 1 replica removed');
    const huge = diffTrees(
      new Map(),
      new Map(
        [...Array(2000).keys()].map((i) => [
          `poc/x/configmap-c${i}.yaml`,
          `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\n  namespace: ns-with-a-long-name-to-fill-the-comment\n`,
        ]),
      ),
    );
    const capped = formatMarkdown(huge);
    expect(capped.length).toBeLessThan(MARKDOWN_LIMIT + 100);
    expect(capped).toMatch(/truncated: run `npm run diff` locally for the rest\.$/);
  });
});

describe('git layer and CLI', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const git = (cwd: string, ...args: string[]) => {
    const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args], {
      cwd,
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(r.stderr);
    return r.stdout;
  };
  const write = (root: string, tree: Map<string, string>) => {
    rmSync(join(root, 'dist'), { recursive: true, force: true });
    for (const [p, y] of tree) {
      mkdirSync(dirname(join(root, 'dist', p)), { recursive: true });
      writeFileSync(join(root, 'dist', p), y);
    }
  };

  test('reads dist/ of a revision and of the working tree; npm run diff compares them', () => {
    const repo = mkdtempSync(join(tmpdir(), 'diff-'));
    dirs.push(repo);
    git(repo, 'init', '-q');
    write(repo, distTree(poc));
    mkdirSync(join(repo, 'host-bootstrap', 'poc'), { recursive: true });
    writeFileSync(join(repo, 'host-bootstrap', 'poc', 'dnumworker1.yaml'), '#cloud-config\npackages:\n  - lvm2\n');
    // the first control plane's kubeadm: its change ends the diff with the kubeadm upgrade plan
    const controlPlane = (v: string) =>
      `kind: InitConfiguration\napt_get install kubelet=${v} kubeadm=${v} kubectl=${v}\n`;
    writeFileSync(join(repo, 'host-bootstrap', 'poc', 'debian-cp.yaml'), controlPlane('1.26.2-1.1'));
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'poc');
    const removed = distTree(
      withSite(poc, (s) => {
        s.postgres.clusters = [];
      }),
    );
    write(repo, removed);
    writeFileSync(
      join(repo, 'host-bootstrap', 'poc', 'dnumworker1.yaml'),
      '#cloud-config\npackages:\n  - lvm2\n  - chrony\n',
    );
    writeFileSync(join(repo, 'host-bootstrap', 'poc', 'debian-cp.yaml'), controlPlane('1.26.5-1.1'));
    expect(treeAtRevision(repo, 'HEAD')).toEqual(distTree(poc));
    expect(treeAtRevision(repo, 'HEAD', 'host-bootstrap')).toEqual(
      new Map([
        ['poc/debian-cp.yaml', controlPlane('1.26.2-1.1')],
        ['poc/dnumworker1.yaml', '#cloud-config\npackages:\n  - lvm2\n'],
      ]),
    );
    expect(treeOnDisk(repo)).toEqual(removed);

    const run = spawnSync(
      join(ROOT, 'node_modules', '.bin', 'tsx'),
      [join(ROOT, 'scripts', 'diff.ts'), '--format', 'markdown'],
      { cwd: repo, encoding: 'utf8' },
    );
    // a progress line per phase, nothing else (no site here to be stale)
    expect(run.stderr).toMatch(/^diff: fresh… \d+ ms\n(diff: [^\n]+… \d+ ms\n)+$/);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^### Rendered changes\n\n> \[!CAUTION\]\n> \*\*DESTRUCTIVE: 2 change\(s\)/);
    expect(run.stdout).toContain('#### Host bootstrap\n\n> cloud-init runs at first boot only');
    expect(run.stdout).toContain(
      '- `~` `poc/dnumworker1.yaml`\n\n  ```diff\n  @@ -2,2 +2,3 @@\n   packages:\n     - lvm2\n  +  - chrony\n  ```',
    );
    expect(run.stdout, 'the kubeadm plan, in a code block of the PR comment').toContain(
      '\n```text\nkubeadm upgrade plan, poc: Kubernetes 1.26.2 → 1.26.5, in this order',
    );
    expect(run.stdout).toContain('  1. the first control plane: debian-cp\n');
    git(repo, 'commit', '-qam', 'remove the cluster');
    const between = spawnSync(
      join(ROOT, 'node_modules', '.bin', 'tsx'),
      [join(ROOT, 'scripts', 'diff.ts'), '--base', 'HEAD~1', '--head', 'HEAD'],
      { cwd: repo, encoding: 'utf8' },
    );
    expect(between.stdout).toMatch(/Plan: 0 to add, \d+ to change, 7 to destroy\./);
  });
});

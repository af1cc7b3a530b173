import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import type { ObjectDiff } from '../lib/diff/semantic';
import { OPERATIONS } from '../lib/operations/catalog';
import { operationsDoc } from '../lib/operations/doc';
import { runOperation, type OperationResult } from '../lib/operations/run';
import { catalogOf } from '../lib/site/catalog';
import { poc } from '../sites/poc';

/** The example's catalog (the runbook-2023 train, no overrides). */
const { images: IMAGES } = catalogOf(poc);

const ROOT = join(__dirname, '..');
const results = new Map<string, OperationResult>();

beforeAll(async () => {
  for (const op of OPERATIONS) results.set(op.id, await runOperation(op, ROOT));
});

const result = (id: string) => {
  const r = results.get(id);
  if (!r) throw new Error(`no operation ${id}`);
  return r;
};
const changed = (id: string, kind: string, name: string): ObjectDiff => {
  const found = result(id).diff?.objects.find((o) => o.kind === kind && o.name === name);
  if (!found) throw new Error(`${id} does not change ${kind} ${name}: ${result(id).output}`);
  return found;
};
const field = (o: ObjectDiff, path: string) => o.fields.find((f) => f.path === path);

describe('each day-2 operation is one change with the rendered effect and impact note an operator expects', () => {
  test('minor upgrade: the catalog bump reaches the operator docker_image and announces a rolling restart with a switchover', () => {
    const config = changed('minor-upgrade', 'ConfigMap', 'postgres-operator');
    expect(field(config, 'data.docker_image')).toEqual({
      path: 'data.docker_image',
      before: IMAGES.spilo,
      after: 'ghcr.io/zalando/spilo-15:3.1-p1',
    });
    expect(config.impacts).toEqual([
      expect.objectContaining({
        level: 'disruptive',
        message: expect.stringMatching(/rolling restart of 2 pods in 1 cluster \(acid-test-cluster\).*switchover/),
      }),
    ]);
    // the operator rolls because its pod template carries the config checksum
    expect(changed('minor-upgrade', 'Deployment', 'postgres-operator').fields.map((f) => f.path)).toEqual([
      'spec.template.metadata.annotations["checksum/config"]',
    ]);
    expect(result('minor-upgrade').diff?.counts).toEqual({ add: 0, change: 2, destroy: 0 });
  });

  test('major upgrade: 14 → 15 on the cluster, noted as an in-place upgrade', () => {
    const pg = changed('major-upgrade', 'postgresql', 'acid-test-cluster');
    expect(field(pg, 'spec.postgresql.version')).toMatchObject({ before: '14', after: '15' });
    expect(pg.impacts.map((i) => i.message).join('\n')).toMatch(/in-place major upgrade of acid-test-cluster/);
  });

  test('add a Postgres node: no manifest changes (placement is by label), a new cloud-init that joins with the label', () => {
    const r = result('add-postgres-node');
    expect(r.diff?.objects).toEqual([]);
    expect(r.hostFiles.map((f) => [f.path, f.action])).toEqual([['poc/dnumworker3.yaml', 'add']]);
    expect(r.hostFiles[0].lines).toContain('+          node-labels: postgres-operator=enabled');
  });

  test('scale: 2 → 3 instances adds a replica', () => {
    const pg = changed('scale', 'postgresql', 'acid-test-cluster');
    expect(field(pg, 'spec.numberOfInstances')).toMatchObject({ before: 2, after: 3 });
    expect(pg.impacts).toEqual([
      expect.objectContaining({ level: 'info', message: expect.stringMatching(/1 replica added \(2 → 3\)/) }),
    ]);
  });

  test("Kubernetes upgrade: every node's cloud-init moves to the 1.27 packages and kubeadm config", () => {
    const r = result('kubernetes-upgrade');
    expect(r.hostFiles.map((f) => f.path)).toEqual(poc.nodes.map((n) => `poc/${n.name}.yaml`).sort());
    for (const f of r.hostFiles) expect(f.lines.join('\n')).toContain('kubeadm=1.27.3-1.1');
    expect(r.hostFiles.find((f) => f.path === 'poc/debian-cp.yaml')?.lines).toContain(
      '+      kubernetesVersion: v1.27.3',
    );
    expect(r.plan, "the diff's kubeadm plan: the control plane applies the new version first").toContain(
      '       kubeadm upgrade apply v1.27.3 --patches /etc/kubernetes/patches',
    );
  });

  test('the skew rule: a worker newer than the control plane is refused with the field path', () => {
    expect(result('kubelet-skew').output).toMatch(
      /poc\.nodes\[dnumworker1\]\.kubeletVersion: kubelet 1\.27\.3 is newer than the control plane 1\.26\.2/,
    );
    expect(result('kubelet-skew').diff).toBeUndefined();
  });

  test("point-in-time recovery: a new cluster with the clone section, restored from the source's backups", () => {
    const added = result('point-in-time-recovery').diff?.objects.find((o) => o.kind === 'postgresql');
    expect(added).toMatchObject({ action: 'add', name: 'acid-test-cluster-pitr', namespace: 'postgres' });
    expect(added?.impacts).toEqual([
      {
        level: 'info',
        message:
          'point-in-time recovery: a new cluster restored from acid-test-cluster (uid 5c4b2a13-7a53-4a8e-9f0f-0123456789ab) to its state just before 2026-11-24T18:00:00+01:00; the source is untouched',
      },
    ]);
  });

  test('add a storage node: its disk joins the CephCluster, noted as an OSD with rebalancing, and it gets a cloud-init', () => {
    const ceph = changed('add-storage-node', 'CephCluster', 'rook-ceph');
    expect(ceph.impacts).toEqual([
      { level: 'info', message: expect.stringMatching(/new OSD\(s\) on dnumcephworker4 \(vdb\): Ceph rebalances/) },
    ]);
    expect(result('add-storage-node').hostFiles.map((f) => [f.path, f.action])).toEqual([
      ['poc/dnumcephworker4.yaml', 'add'],
    ]);
  });

  test('add an s3 node: a new MinIO pool with its local volumes, never a resized one', () => {
    const tenant = changed('add-s3-pool', 'Tenant', 'minio');
    expect(tenant.impacts).toEqual([{ level: 'info', message: expect.stringMatching(/new MinIO pool pool-1/) }]);
    const added = result('add-s3-pool')
      .diff!.objects.filter((o) => o.action === 'add')
      .map((o) => `${o.kind} ${o.name}`);
    expect(added).toEqual(['vdb', 'vdc', 'vdd', 'vde'].map((d) => `PersistentVolume minio-dnumminioworker5-${d}`));
  });

  test("replace a control plane: the manifests change only where NetworkPolicies name the API servers; the old node's cloud-init goes, the new one joins as a control plane with the certificate-key placeholder", () => {
    const r = result('replace-control-plane');
    expect(r.diff?.objects.map((o) => `${o.action} ${o.kind} ${o.namespace}/${o.name}`)).toEqual([
      'change NetworkPolicy analytics/spilo-acid-analytics',
      'change NetworkPolicy postgres/spilo-acid-orders',
      'change NetworkPolicy postgres-operator/postgres-operator',
    ]);
    for (const o of r.diff?.objects ?? [])
      expect(o.fields).toEqual([
        {
          path: expect.stringMatching(/^spec\.egress\[\d\]\.to\[2\]\.ipBlock\.cidr$/),
          before: '10.20.0.12/32',
          after: '10.20.0.13/32',
        },
      ]);
    expect(r.hostFiles.map((f) => [f.path, f.action])).toEqual([
      ['lab/lab-cp3.yaml', 'remove'],
      ['lab/lab-cp4.yaml', 'add'],
    ]);
    const joined = r.hostFiles[1].lines.join('\n');
    expect(joined).toMatch(
      /\+ +controlPlane:\n\+ +localAPIEndpoint:\n\+ +advertiseAddress: 10\.20\.0\.13\n\+ +bindPort: 6443\n\+ +certificateKey: <KUBEADM_CERTIFICATE_KEY>/,
    );
    expect(joined).toContain('advertiseAddress: 10.20.0.13');
    expect(joined).toContain('kube-vip');
  });

  test('a fourth control plane is refused with the quorum reason', () => {
    expect(result('even-control-planes').output).toMatch(
      /lab\.nodes: 4 control-plane nodes run 4 stacked etcd members, .*quorum.*use 1, 3 or 5 control planes/,
    );
  });

  test('every change is a small source edit: one line, two for a new MinIO pool (the node and the pool), none for a promotion (a removal)', () => {
    for (const op of OPERATIONS) {
      const added = result(op.id)
        .sourceDiff.split('\n')
        .filter((l) => /^\+[^+]/.test(l));
      // a promotion only removes: the standby section
      expect(added, op.id).toHaveLength({ 'add-s3-pool': 2, 'promote-standby': 0 }[op.id] ?? 1);
    }
  });
});

describe('docs/operations.md', () => {
  test('is what the operations produce today (run npm run docs:operations when this fails)', () => {
    expect(readFileSync(join(ROOT, 'docs/operations.md'), 'utf8')).toBe(`${operationsDoc(poc, OPERATIONS, results)}\n`);
  });

  test("tells how to connect a client with the operator's Secret and TLS", () => {
    const doc = readFileSync(join(ROOT, 'docs/operations.md'), 'utf8');
    expect(doc).toContain('kubectl -n postgres port-forward svc/acid-test-cluster 5432:5432');
    expect(doc).toContain(
      'kubectl -n postgres get secret zalando.acid-test-cluster.credentials.postgresql.acid.zalan.do',
    );
    expect(doc).toContain('export PGSSLMODE=require');
  });
});

test('fails on an edit whose text is not found exactly once (a stale catalog)', async () => {
  await expect(
    runOperation({ ...OPERATIONS[0], change: [{ file: 'sites/poc.ts', from: 'no such text', to: 'x' }] }, ROOT),
  ).rejects.toThrow(/sites\/poc.ts: expected 'no such text' once, found it 0 times/);
});

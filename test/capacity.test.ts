import { describe, expect, test } from 'vitest';
import { checkCapacity, memoryText, siteLoad, systemReserve } from '../lib/check/capacity';
import { SITES } from '../lib/site-files';
import { lab } from '../sites/lab';
import { withSite, runbookPoc as poc } from './support/render';
import { scaledSite } from './support/scaled-site';
import { cephCluster, hardenedDeployment, siteTree, withChanged, withObjects } from './support/trees';
import { workloadsOf } from '../lib/check/workloads';
import { DATA_PRIORITY_CLASS } from '../lib/site/priority';

const Mi = 2 ** 20;
/** poc without its Ceph and MinIO: the crafted workloads below stand alone on the nodes. */
const bare = () =>
  siteTree({ ...poc, ceph: undefined, minio: undefined, postgres: { ...poc.postgres, backups: undefined } });
const Gi = 2 ** 30;

describe('system reserve (GKE allocatable formula + 100Mi eviction threshold)', () => {
  test('a runbook worker, 2 CPU / 2 GB: 70m and 612Mi reserved', () => {
    const r = systemReserve({ cpu: 2, memory: 2 * Gi });
    expect(r.cpu).toBeCloseTo(0.07);
    expect(r.memory).toBe(612 * Mi);
  });
  test('the runbook control plane, 8 CPU / 8 GB: 90m and 1.9Gi reserved', () => {
    const r = systemReserve({ cpu: 8, memory: 8 * Gi });
    expect(r.cpu).toBeCloseTo(0.06 + 0.01 + 0.01 + 0.01);
    expect(r.memory).toBe(1 * Gi + 0.8 * Gi + 100 * Mi);
  });
});

describe('capacity', () => {
  test.each(SITES.map((s) => [s.name, s] as const))('passes on the rendered site %s', (_n, site) => {
    expect(checkCapacity(siteTree(site)).filter((f) => f.severity === 'error')).toEqual([]);
  });

  test("the runbook's 2 CPU / 2 GB storage workers: the derived Ceph sizes fit, below Rook's minimums (an honest warning)", () => {
    const findings = checkCapacity(siteTree(poc));
    expect(findings.map((f) => [f.severity, f.where])).toEqual([
      ['warning', 'poc/node dnumcephworker1'],
      ['warning', 'poc/node dnumcephworker2'],
      ['warning', 'poc/node dnumcephworker3'],
    ]);
    expect(findings[0].message).toMatch(
      /^the pods pinned here fit by their requests \(1\.4Gi\) but need at least 3\.6Gi to run/,
    );
    expect(checkCapacity(siteTree(lab))).toEqual([]);
  });

  test('counts what is pinned per node, with the system pods that are not in dist/', () => {
    const load = siteLoad(bare());
    const worker = load.nodes.find((n) => n.node.name === 'dnumworker1')!;
    expect(worker.items.map((i) => `${i.pods}x ${i.workload.label} (${i.workload.from.app})`)).toEqual([
      '1x pods of DaemonSet kube-flannel-ds (host-bootstrap)',
      '1x pods of DaemonSet node-exporter (kube-prometheus)',
      '1x Postgres instances of acid-test-cluster (postgres-clusters)',
    ]);
    // flannel 100m/50Mi + node-exporter 112m/50Mi (with its kube-rbac-proxy) + Spilo 10m/100Mi (poc.ts) + its
    // postgres_exporter sidecar 10m/32Mi
    expect(worker.requests.cpu).toBeCloseTo(0.232);
    expect(worker.requests.memory).toBe(232 * Mi);
    const cp = load.nodes.find((n) => n.node.name === 'debian-cp')!;
    expect(cp.requests.cpu).toBeCloseTo(0.862);
    // kube-prometheus' Deployments select kubernetes.io/os: linux, which every node has: they float
    expect(load.floating.map((w) => w.label)).toEqual([
      'pods of Deployment coredns',
      'Alertmanager servers of main',
      'pods of Deployment blackbox-exporter',
      'pods of Deployment kube-state-metrics',
      'pods of Deployment prometheus-adapter',
      'pods of Deployment prometheus-operator',
      'pods of Deployment grafana',
      'Prometheus servers of k8s',
      'pods of Deployment postgres-operator-ui',
      'pods of Deployment postgres-operator',
    ]);
    // the site's one Prometheus (the POC's 200Mi), with the operator's config-reloader (50Mi)
    const prometheus = load.floating.find((w) => w.label === 'Prometheus servers of k8s')!;
    expect([prometheus.replicas, prometheus.requests.memory]).toEqual([1, 250 * Mi]);
  });

  test("a crafted Ceph without requests fits by its empty requests but not by Rook's minimums (warning)", () => {
    const findings = checkCapacity(withObjects(bare(), 'rook-ceph-cluster', cephCluster()));
    expect(findings.map((f) => [f.severity, f.where])).toEqual([
      ['warning', 'poc/node dnumcephworker1'],
      ['warning', 'poc/node dnumcephworker2'],
      ['warning', 'poc/node dnumcephworker3'],
    ]);
    // a mon (1Gi) and an OSD (2Gi) per storage node, the mgr (512Mi) on one of them at worst
    expect(findings[0].message).toMatch(
      /fit by their requests \(100Mi\) but need at least 3.6Gi to run \(pods of DaemonSet kube-flannel-ds \(host-bootstrap\) 50Mi, pods of DaemonSet node-exporter \(kube-prometheus\) 50Mi, Ceph mons \(rook-ceph-cluster\) 1Gi, Ceph mgrs \(rook-ceph-cluster\) 512Mi, Ceph OSDs \(rook-ceph-cluster\) 2Gi; upstream minimums\)/,
    );
    expect(findings[0].message).toMatch(
      /allocatable 1\.93 CPU \/ 1\.4Gi after the system reserve\): expect OOM kills and crash loops; give the node at least 4\.2Gi/,
    );
  });

  test('fails when the declared requests of pinned pods exceed a node', () => {
    const resources = {
      mon: { requests: { cpu: '500m', memory: '1Gi' } },
      osd: { requests: { cpu: '1', memory: '2Gi' } },
    };
    const findings = checkCapacity(withObjects(bare(), 'rook-ceph-cluster', cephCluster({ resources })));
    expect(findings.map((f) => [f.severity, f.where])).toEqual([
      ['error', 'poc/node dnumcephworker1'],
      ['error', 'poc/node dnumcephworker2'],
      ['error', 'poc/node dnumcephworker3'],
    ]);
    expect(findings[0].message).toMatch(
      /^memory requests 3.1Gi of the pods pinned here exceed the node \(2 CPU \/ 2Gi/,
    );
    expect(findings[0].message).toMatch(/pods would stay Pending/);
  });

  test('fails on CPU too', () => {
    const findings = checkCapacity(
      withObjects(
        bare(),
        'rook-ceph-cluster',
        cephCluster({ resources: { osd: { requests: { cpu: '2', memory: '100Mi' } } } }),
      ),
    );
    expect(findings[0].message).toMatch(/^CPU requests 2\.21 of the pods pinned here exceed the node/);
  });

  test('fails when an unpinned pod is larger than any node has left', () => {
    const big = hardenedDeployment(
      'huge',
      {},
      { resources: { requests: { cpu: '1', memory: '7Gi' }, limits: { cpu: '1', memory: '7Gi' } } },
    );
    const findings = checkCapacity(withObjects(bare(), 'postgres-operator', big));
    expect(findings.map((f) => f.message)).toEqual([
      expect.stringMatching(
        /^pods of Deployment huge request 1 CPU \/ 7Gi per pod: only 0 of 1 fit in what the pinned pods leave on the nodes they may use \(dnumworker1, dnumworker2, dnumminioworker1/,
      ),
    ]);
  });

  test('fails when unpinned pods together exceed what the nodes have left', () => {
    const many = {
      ...hardenedDeployment(
        'many',
        {},
        { resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } } },
      ),
    };
    (many.spec as { replicas: number }).replicas = 12;
    const findings = checkCapacity(withObjects(bare(), 'postgres-operator', many)).filter((f) =>
      f.where.endsWith('/many'),
    );
    // 6 untainted workers with 1.4Gi allocatable hold one 1Gi pod each
    expect(findings.map((f) => [f.where, f.message])).toEqual([
      [
        'poc/postgres-operator: Deployment postgres-operator/many',
        expect.stringMatching(/: only 6 of 12 fit in what the pinned pods leave/),
      ],
    ]);
  });

  test('a Prometheus too big for the workers fails like any other pods', () => {
    const big = siteTree(
      withSite(poc, (s) => {
        s.monitoring!.prometheus = { replicas: 2, resources: { requests: { cpu: '1', memory: '4Gi' } } };
      }),
    );
    expect(
      checkCapacity(big)
        .filter((f) => f.severity === 'error')
        .map((f) => [f.where, f.message]),
    ).toEqual([
      [
        'poc/monitoring: Prometheus monitoring/k8s',
        expect.stringMatching(/^Prometheus servers of k8s request 1\.01 CPU \/ 4\.05Gi per pod: only 0 of 2 fit/),
      ],
    ]);
  });

  test('pinned pods whose nodes the floating pods of earlier sync waves fill first: the Tenant without its PriorityClass', () => {
    const tree = siteTree(poc);
    const tenant = tree.objects.find((o) => o.obj.kind === 'Tenant')!;
    expect(workloadsOf(tenant).map((w) => w.priorityClassName)).toEqual([DATA_PRIORITY_CLASS.name]);
    const broken = withChanged(tree, 'Tenant', 'minio', (o) => {
      delete o.spec.priorityClassName;
    });
    const findings = checkCapacity(broken).filter((f) => f.severity === 'error');
    expect(findings.map((f) => f.where)).toEqual(['poc/minio: Tenant minio/minio']);
    // the 4 servers (1Gi each, wave 0) would fit on the 4 s3 nodes alone; cert-manager and the operators (waves -2/-1)
    // came first
    expect(findings[0].message).toMatch(
      /^MinIO servers of pool pool-0 request 500m CPU \/ 1Gi per pod: only 0 of 4 find room when they come \(app minio\): .*dnumminioworker1: .*\(cert-manager\).*PriorityClass above theirs/,
    );
    // with it, the scheduler preempts them for the servers: placed as if they came first
    expect(checkCapacity(siteTree(poc)).filter((f) => f.severity === 'error')).toEqual([]);
  });

  test('priority classes as the scheduler reads them: pod templates, Spilo (podPriorityClassName), Rook daemons, the Tenant', () => {
    const tree = siteTree(poc);
    const classes = (kind: string) =>
      tree.objects
        .filter((o) => o.obj.kind === kind)
        .flatMap(workloadsOf)
        .map((w) => `${w.label}: ${w.priorityClassName ?? '-'}`);
    expect(classes('postgresql')).toEqual([`Postgres instances of acid-test-cluster: ${DATA_PRIORITY_CLASS.name}`]);
    expect(classes('CephCluster')).toEqual([
      'Ceph mons: system-node-critical',
      'Ceph mgrs: system-cluster-critical',
      'Ceph OSDs: system-node-critical',
    ]);
    expect(classes('Deployment')).toContain('pods of Deployment postgres-operator: -');
    const priority = tree.objects.find((o) => o.obj.kind === 'PriorityClass')!;
    expect([priority.app, priority.obj.metadata.name, (priority.obj as { value?: number }).value]).toEqual([
      'argocd',
      DATA_PRIORITY_CLASS.name,
      DATA_PRIORITY_CLASS.value,
    ]);
  });

  test('a missing request counts as the limit', () => {
    const d = hardenedDeployment(
      'limits-only',
      { nodeSelector: { 'kubernetes.io/hostname': 'dnumminioworker1' } },
      { resources: { limits: { cpu: '3', memory: '100Mi' } } },
    );
    expect(checkCapacity(withObjects(bare(), 'x', d)).map((f) => f.where)).toEqual(['poc/node dnumminioworker1']);
    expect(memoryText(1.5 * Gi)).toBe('1.5Gi');
  });
});

describe('capacity at 1,000 clusters (2 instances each on 103 Postgres nodes: room to spare)', () => {
  const site = scaledSite(lab, 1000);
  const tree = siteTree(site);
  const postgresNodes = site.nodes.filter((n) => n.roles.includes('postgres')).map((n) => n.name);

  test("no capacity error: each cluster's 2 pods are charged to 2 nodes, not to all 103", () => {
    expect(checkCapacity(tree).filter((f) => f.severity === 'error')).toEqual([]);
    const load = siteLoad(tree);
    const perCluster = new Map<string, string[]>();
    for (const n of load.nodes) {
      for (const i of n.items.filter((x) => x.workload.label.startsWith('Postgres instances of'))) {
        expect(i.pods).toBe(1);
        perCluster.set(i.workload.label, [...(perCluster.get(i.workload.label) ?? []), n.node.name]);
      }
    }
    expect(perCluster.size).toBe(1000);
    for (const nodes of perCluster.values()) {
      expect(new Set(nodes).size).toBe(2);
      for (const n of nodes) expect(postgresNodes).toContain(n);
    }
    // spread evenly: 2,000 pods on 103 nodes, 19 or 20 each
    const counts = load.nodes
      .filter((n) => postgresNodes.includes(n.node.name))
      .map((n) => n.items.filter((i) => i.workload.label.startsWith('Postgres')).length);
    expect(Math.min(...counts)).toBe(19);
    expect(Math.max(...counts)).toBe(20);
  });

  test('fails on every Postgres node when the same clusters have 13 nodes (154 pods of 110m CPU and 132Mi each, on 3.92 CPU and 13.3Gi)', () => {
    const keep = new Set(postgresNodes.slice(0, 13));
    const small = {
      site: { ...site, nodes: site.nodes.filter((n) => !n.roles.includes('postgres') || keep.has(n.name)) },
      objects: tree.objects,
    };
    const errors = checkCapacity(small).filter((f) => f.severity === 'error');
    expect(errors.map((f) => f.where)).toEqual([...keep].map((n) => `bench/node ${n}`));
    expect(errors[0].message).toMatch(
      /^CPU requests 17\.\d+ and memory requests 20\.\d+Gi of the pods pinned here exceed the node/,
    );
  });
});

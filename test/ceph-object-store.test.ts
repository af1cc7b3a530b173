import { field } from '../lib/core/impact';
import type { KubeObject } from '../lib/core/objects';
import { ofKind } from './support/kinds';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { checkCapacity } from '../lib/check/capacity';
import { checkPlacement } from '../lib/check/placement';
import { SchemaValidator, schemaVersionFor } from '../lib/check/schema-validator';
import { workloadsOf } from '../lib/check/workloads';
import { readSite } from '../lib/site-files/validated';
import { unmaintainedIssues } from '../lib/site/compatibility';
import { RUNBOOK_2023 } from '../lib/site/trains/runbook-2023';
import { CURRENT } from '../lib/site/trains/current';
import { CephObjectStoreChart } from '../lib/components/ceph-object-store';
import { App } from 'cdk8s';
import { lab } from '../sites/lab';
import { poc } from '../sites/poc';
import { objectStoreOf, s3ProviderOf } from '../lib/site/object-store';
import { resolveSite } from '../lib/site/resolve';
import { validateSite } from '../lib/components/validate';
import { PROJECT_ROOT } from '../lib/upstream';
import { probes } from '../lib/verify/probes';
import { objectOf, renderedApps, withSite, type K8sObject } from './support/render';
import { spiloEnvironment, walPrefix } from './support/spilo-env';
import { siteTree } from './support/trees';

/** The example of the ceph-object-store provider on the runbook-2023 train. */
const converged = readSite({
  name: 'converged',
  file: 'sites/converged.yaml',
  path: join(PROJECT_ROOT, 'sites', 'converged.yaml'),
});
const apps = renderedApps(converged);
const s3Nodes = converged.nodes.filter((n) => n.roles.includes('s3')).map((n) => n.name);
const storage = converged.nodes.filter((n) => n.roles.includes('storage')).map((n) => n.name);
const store = objectOf(apps, 'ceph-object-store', 'CephObjectStore', 'object-store');
const cluster = objectOf(apps, 'rook-ceph-cluster', 'CephCluster', 'rook-ceph');
const terms = (affinity: any) =>
  affinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms.map((t: any) => t.matchExpressions);

describe("the Ceph object store: backups in another failure domain than the databases' volumes", () => {
  test("the s3 nodes' disks are OSDs of device class s3, the storage nodes' of class block", () => {
    const nodes = cluster.spec.storage.nodes.map((n: any) => [
      n.name,
      n.config?.deviceClass,
      n.devices.map((d: any) => d.name),
    ]);
    expect(nodes).toEqual([
      ...storage.map((n) => [n, 'block', ['sdb']]),
      ...s3Nodes.map((n) => [n, 's3', ['sdb', 'sdc']]),
    ]);
  });
  test('both RGW pools select the s3 OSDs only, one copy per s3 node (failure domain host), and survive the CephObjectStore', () => {
    for (const pool of [store.spec.metadataPool, store.spec.dataPool]) {
      expect(pool).toMatchObject({
        deviceClass: 's3',
        failureDomain: 'host',
        replicated: { size: 3, requireSafeReplicaSize: true },
      });
    }
    expect(store.spec.preservePoolsOnDelete).toBe(true);
  });
  test("the databases' block pool selects the storage nodes' OSDs only", () => {
    expect(objectOf(apps, 'rook-ceph-cluster', 'CephBlockPool', 'replicapool').spec).toMatchObject({
      deviceClass: 'block',
      failureDomain: 'host',
    });
  });
  test('OSDs may run on both roles, mons and mgrs on the storage nodes only', () => {
    const { placement } = cluster.spec;
    expect(terms(placement.all.nodeAffinity)).toEqual([
      [{ key: 'role', operator: 'In', values: ['storage-node'] }],
      [{ key: 'role', operator: 'In', values: ['s3-node'] }],
    ]);
    for (const daemon of ['mon', 'mgr'])
      expect(terms(placement[daemon].nodeAffinity)).toEqual([
        [{ key: 'role', operator: 'In', values: ['storage-node'] }],
      ]);
  });
  test('the RGW pods on the s3 nodes, one per node, sized as the example suggests', () => {
    expect(terms(store.spec.gateway.placement.nodeAffinity)).toEqual([
      [{ key: 'role', operator: 'In', values: ['s3-node'] }],
    ]);
    expect(
      store.spec.gateway.placement.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey,
    ).toBe('kubernetes.io/hostname');
    expect(store.spec.gateway).toMatchObject({
      instances: 2,
      port: 80,
      resources: { requests: { cpu: '500m', memory: '1Gi' } },
    });
  });
  test("the static checks place the gateways on s3 nodes and charge them there, and verify probes them with the gateway's placement", () => {
    const tree = siteTree(converged);
    const gateways = tree.objects.filter((o) => o.obj.kind === 'CephObjectStore').flatMap(workloadsOf);
    expect(gateways.map((w) => [w.label, w.replicas, w.onePerNode])).toEqual([
      ['Ceph RGW gateways of object-store', 2, true],
    ]);
    expect([...checkPlacement(tree), ...checkCapacity(tree)].filter((f) => f.severity === 'error')).toEqual([]);
    const [probe] = probes(tree.objects.filter((o) => o.obj.kind === 'CephObjectStore'));
    expect(probe.pods).toHaveLength(2);
    for (const pod of probe.pods)
      expect(terms(field(pod, 'spec.affinity.nodeAffinity'))).toEqual([
        [{ key: 'role', operator: 'In', values: ['s3-node'] }],
      ]);
  });
  test('a gateway that cannot be placed on an s3 node is a placement error', () => {
    const tree = siteTree(
      withSite(converged, (s) => {
        s.s3!.gateways = 3;
        s.nodes = s.nodes.filter((n: any) => n.name !== 'cv-s3-3');
        s.nodes.push({ name: 'cv-s3-3', address: '10.30.0.43', roles: [], cpu: 4, memory: '8Gi' });
      }),
    );
    expect(checkPlacement(tree).map((f) => f.where)).toContainEqual(expect.stringContaining('object-store'));
  });
  test('the store, the bucket StorageClass and the claims validate against the pinned Rook CRDs', () => {
    const v = new SchemaValidator(schemaVersionFor(converged.kubernetes.version));
    const claim = objectOf(apps, 'postgres-clusters', 'ObjectBucketClaim', 'postgres-backups-postgres');
    for (const o of [store, objectOf(apps, 'ceph-object-store', 'StorageClass', 'rook-ceph-bucket'), claim])
      expect(v.validate(o)).toEqual([]);
    expect(v.validate({ ...claim, spec: { ...claim.spec, bucketname: 'x' } })).not.toEqual([]);
  });
  test('the store, the StorageClass and the claims are never pruned or deleted by ArgoCD; the StorageClass retains buckets', () => {
    const sc = objectOf(apps, 'ceph-object-store', 'StorageClass', 'rook-ceph-bucket');
    expect(sc).toMatchObject({
      provisioner: 'rook-ceph.ceph.rook.io/bucket',
      reclaimPolicy: 'Retain',
      parameters: { objectStoreName: 'object-store', objectStoreNamespace: 'rook-ceph' },
    });
    for (const o of [
      store,
      sc,
      objectOf(apps, 'postgres-clusters', 'ObjectBucketClaim', 'postgres-backups-postgres'),
    ]) {
      expect(o.metadata.annotations?.['argocd.argoproj.io/sync-options'], `${o.kind}`).toMatch(
        /Delete=false.*Prune=false/,
      );
    }
  });
  test('no MinIO on the site', () => {
    expect([...apps.keys()].filter((a) => a.startsWith('minio'))).toEqual([]);
  });
});

describe('WAL-G into RGW: the same backups and point-in-time recovery as with MinIO', () => {
  const SOURCE_UID = '5c4b2a13-7a53-4a8e-9f0f-0123456789ab';
  const site = withSite(converged, (s) => {
    s.postgres.clusters.push({
      ...s.postgres.clusters[0],
      name: 'acid-main-pitr',
      numberOfInstances: 1,
      enableConnectionPooler: false,
      enableMasterPoolerLoadBalancer: false,
      clone: { cluster: 'acid-main', uid: SOURCE_UID, timestamp: '2026-11-24T18:00:00+01:00' },
    });
    s.postgres.clusters.push({
      ...s.postgres.clusters[0],
      name: 'acid-other',
      namespace: 'analytics',
      numberOfInstances: 1,
      enableConnectionPooler: false,
      enableMasterPoolerLoadBalancer: false,
    });
  });
  const rendered = renderedApps(site);
  const data = (name: string) =>
    (objectOf(rendered, 'postgres-operator', 'ConfigMap', name) as K8sObject & { data: Record<string, string> }).data;
  const pg = (name: string) => objectOf(rendered, 'postgres-clusters', 'postgresql', name);
  const envOf = (cluster: any, uid: string) =>
    spiloEnvironment({
      cluster,
      uid,
      operatorConfig: data('postgres-operator'),
      podEnvironment: data('postgres-pod-config'),
      secretKeys: [],
    });

  test('valid', () => {
    expect(validateSite(site)).toEqual([]);
  });
  test("one claim per Postgres namespace for that namespace's bucket, of the bucket's name", () => {
    const claims = ofKind(rendered.get('postgres-clusters')!, 'ObjectBucketClaim');
    expect(claims.map((c) => [c.metadata.namespace, c.metadata.name, c.spec])).toEqual([
      [
        'analytics',
        'postgres-backups-analytics',
        { bucketName: 'postgres-backups-analytics', storageClassName: 'rook-ceph-bucket' },
      ],
      [
        'postgres',
        'postgres-backups-postgres',
        { bucketName: 'postgres-backups-postgres', storageClassName: 'rook-ceph-bucket' },
      ],
    ]);
  });
  test('the pod environment points WAL-G at the RGW Service, path style, over the pod network; no key in it and no admin Secret', () => {
    expect(data('postgres-pod-config')).toMatchObject({
      USE_WALG_BACKUP: 'true',
      USE_WALG_RESTORE: 'true',
      AWS_ENDPOINT: 'http://rook-ceph-rgw-object-store.rook-ceph.svc:80',
      AWS_S3_FORCE_PATH_STYLE: 'true',
      CLONE_AWS_ENDPOINT: 'http://rook-ceph-rgw-object-store.rook-ceph.svc:80',
      CLONE_USE_WALG_RESTORE: 'true',
    });
    expect(Object.keys(data('postgres-pod-config')).filter((k) => /SECRET|ACCESS_KEY|CA_CERT/.test(k))).toEqual([]);
    expect(data('postgres-operator').pod_environment_secret).toBeUndefined();
  });
  test("each cluster archives into its namespace's bucket with the keys of that namespace's claim Secret", () => {
    const main = envOf(pg('acid-main'), SOURCE_UID);
    expect(walPrefix(main, '')).toBe(`s3://postgres-backups-postgres/spilo/acid-main/${SOURCE_UID}/wal/15`);
    expect([main.get('AWS_ACCESS_KEY_ID'), main.get('AWS_SECRET_ACCESS_KEY')]).toEqual([
      'secret:postgres-backups-postgres/AWS_ACCESS_KEY_ID',
      'secret:postgres-backups-postgres/AWS_SECRET_ACCESS_KEY',
    ]);
    expect(walPrefix(envOf(pg('acid-other'), SOURCE_UID), '')).toMatch(/^s3:\/\/postgres-backups-analytics\//);
  });
  test('the clone reads exactly the WAL path the source archives to, with the same keys, and archives under its own uid', () => {
    const source = envOf(pg('acid-main'), SOURCE_UID);
    const clone = envOf(pg('acid-main-pitr'), '0b1c2d3e-0000-4000-8000-000000000001');
    expect(walPrefix(clone, 'CLONE_')).toBe(walPrefix(source, ''));
    expect(clone.get('CLONE_AWS_ACCESS_KEY_ID')).toBe('secret:postgres-backups-postgres/AWS_ACCESS_KEY_ID');
    expect(clone.get('CLONE_AWS_ENDPOINT')).toBe(source.get('AWS_ENDPOINT'));
    expect(walPrefix(clone, '')).not.toBe(walPrefix(source, ''));
  });
  test("the clone names the source's WAL path itself: without it the operator appends CLONE_WAL_S3_BUCKET=<wal_s3_bucket>, which would hide the namespace's bucket", () => {
    const clone = pg('acid-main-pitr');
    expect(clone.spec.clone).toEqual({
      cluster: 'acid-main',
      uid: SOURCE_UID,
      timestamp: '2026-11-24T18:00:00+01:00',
      s3_wal_path: `s3://postgres-backups-postgres/spilo/acid-main/${SOURCE_UID}/wal/15`,
    });
    expect(clone.spec.env.map((e: any) => e.name)).toEqual([
      'WAL_S3_BUCKET',
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'CLONE_AWS_ACCESS_KEY_ID',
      'CLONE_AWS_SECRET_ACCESS_KEY',
      'WALG_LIBSODIUM_KEY',
      'WALG_LIBSODIUM_KEY_TRANSFORM',
      'CLONE_WALG_LIBSODIUM_KEY',
      'CLONE_WALG_LIBSODIUM_KEY_TRANSFORM',
    ]);
  });
  test("encrypted before upload (converged's backups.encryptionKeySecret): every cluster and the clone read the site's key by reference", () => {
    for (const [name, uid] of [
      ['acid-main', SOURCE_UID],
      ['acid-other', SOURCE_UID],
      ['acid-main-pitr', '0b1c2d3e-0000-4000-8000-000000000001'],
    ]) {
      const env = envOf(pg(name), uid);
      expect(env.get('WALG_LIBSODIUM_KEY'), name).toBe('secret:postgres-backup-key/WALG_LIBSODIUM_KEY');
      expect(env.get('WALG_LIBSODIUM_KEY_TRANSFORM'), name).toBe('base64');
    }
    const clone = envOf(pg('acid-main-pitr'), '0b1c2d3e-0000-4000-8000-000000000001');
    expect(clone.get('CLONE_WALG_LIBSODIUM_KEY')).toBe('secret:postgres-backup-key/WALG_LIBSODIUM_KEY');
    expect(clone.get('CLONE_WALG_LIBSODIUM_KEY_TRANSFORM')).toBe('base64');
    expect(Object.keys(data('postgres-pod-config')).filter((k) => k.includes('LIBSODIUM'))).toEqual([]);
  });
});

describe('bad ceph-object-store input is refused with the field path and the fix', () => {
  const issues = (change: (s: any) => void) => validateSite(withSite(converged, change));
  test('without ceph', () => {
    expect(
      issues((s) => {
        delete s.ceph;
        s.postgres.clusters[0].volume.storageClass = 'local';
        s.externalStorageClasses = ['local'];
      }),
    ).toContainEqual({ path: 's3.provider', message: expect.stringMatching(/this site has no ceph: add ceph/) });
  });
  test('with a MinIO tenant on the same disks', () => {
    expect(
      issues((s) => {
        s.minio = { rootCredentialsSecret: 'minio-root', buckets: ['postgres-backups'] };
      }),
    ).toContainEqual({ path: 'minio', message: expect.stringMatching(/MinIO cannot have them too/) });
  });
  test('a credentials Secret, which the claims make unnecessary', () => {
    expect(
      issues((s) => {
        s.postgres.backups.credentialsSecret = 'postgres-backup-s3';
      }),
    ).toEqual([
      { path: 'postgres.backups.credentialsSecret', message: expect.stringMatching(/remove credentialsSecret/) },
    ]);
  });
  test('more gateways than s3 nodes', () => {
    expect(
      issues((s) => {
        s.s3.gateways = 4;
      }),
    ).toEqual([{ path: 's3.gateways', message: expect.stringMatching(/4 RGW pods need as many s3 nodes .* has 3/) }]);
  });
  test('an s3 node without disks', () => {
    expect(
      issues((s) => {
        delete s.nodes[8].disks;
      }),
    ).toEqual([{ path: 'nodes[8].disks', message: expect.stringMatching(/s3 node 'cv-s3-3' has no disk/) }]);
  });
  test("a bucket whose namespace's name makes it too long", () => {
    expect(
      issues((s) => {
        s.postgres.backups.bucket = 'b'.repeat(55);
      }).map((i) => i.path),
    ).toEqual(['postgres.backups.bucket']);
  });
  test('a clone from another namespace, whose keys open another bucket', () => {
    const found = issues((s) => {
      s.postgres.clusters.push({
        ...s.postgres.clusters[0],
        name: 'acid-copy',
        namespace: 'analytics',
        enableConnectionPooler: false,
        enableMasterPoolerLoadBalancer: false,
        clone: {
          cluster: 'acid-main',
          uid: '5c4b2a13-7a53-4a8e-9f0f-0123456789ab',
          timestamp: '2026-11-24T18:00:00+01:00',
        },
      });
    });
    expect(found).toEqual([
      { path: 'postgres.clusters[1].clone.cluster', message: expect.stringMatching(/restore into that namespace/) },
    ]);
  });
  test('gateways with the MinIO provider', () => {
    expect(
      issues((s) => {
        s.s3 = { provider: 'minio', gateways: 2 };
        s.minio = { rootCredentialsSecret: 'minio-root', buckets: ['postgres-backups'] };
        s.postgres.backups.credentialsSecret = 'postgres-backup-s3';
      }),
    ).toEqual([{ path: 's3.gateways', message: expect.stringMatching(/provider is 'minio': remove it/) }]);
  });
  test('an unknown provider, at its path', () => {
    expect(
      issues((s) => {
        s.s3.provider = 'ceph';
      }),
    ).toEqual([
      {
        path: 's3.provider',
        message: expect.stringMatching(/unknown S3 provider 'ceph': use one of minio, ceph-object-store/),
      },
    ]);
  });
});

describe('the compatibility guard refuses an unmaintained MinIO where the train declares it so, unless accepted', () => {
  // a train as the current one declares MinIO (TRAINS.md, "minio/operator: status")
  const train = {
    ...RUNBOOK_2023,
    compatibility: {
      ...RUNBOOK_2023.compatibility,
      unmaintained: [
        {
          component: 'minioOperator' as const,
          source: '../shared/upstream/TRAINS.md "minio/operator: status"',
          quote: 'treat v7.1.1 as the last release, and expect no fixes',
          instead: "s3: { provider: 'ceph-object-store' }",
        },
      ],
    },
  };
  test('a MinIO site is refused with the source quoted and both ways out named', () => {
    expect(unmaintainedIssues(poc, train)).toEqual([
      {
        path: 'release',
        message: expect.stringMatching(
          /^minioOperator v5\.0\.6 is no longer maintained upstream \(.*TRAINS\.md.*"treat v7\.1\.1 as the last release, and expect no fixes"\): use s3: \{ provider: 'ceph-object-store' \}, or keep it while moving off it with acceptUnsupported: \['minioOperator'\]/,
        ),
      },
    ]);
  });
  test('accepted, or on the object store, it is not refused', () => {
    expect(
      unmaintainedIssues(
        withSite(poc, (s) => {
          s.acceptUnsupported = [...(s.acceptUnsupported ?? []), 'minioOperator'];
        }),
        train,
      ),
    ).toEqual([]);
    expect(unmaintainedIssues(converged, train)).toEqual([]);
  });
  test('the current train declares the MinIO operator unmaintained and defaults to the Ceph object store', () => {
    expect(CURRENT.s3Provider).toBe('ceph-object-store');
    expect(unmaintainedIssues(poc, CURRENT)).toEqual([
      {
        path: 'release',
        message: expect.stringMatching(
          /^minioOperator .* is no longer maintained upstream \(\.\.\/shared\/upstream\/TRAINS\.md, "minio\/operator: status": "No tag is newer than v7\.1\.1/,
        ),
      },
    ]);
  });
  test("the runbook train declares nothing unmaintained: its MinIO is the runbook's", () => {
    expect(RUNBOOK_2023.compatibility.unmaintained).toEqual([]);
    expect(RUNBOOK_2023.s3Provider).toBe('minio');
  });
});

describe("on the current train (Rook v1.20.6), rendered from that tag's examples: lab", () => {
  test("lab keeps its backups on the object store, the current train's S3 store: no MinIO, nothing accepted unsupported", () => {
    expect([s3ProviderOf(lab), lab.acceptUnsupported, validateSite(lab)]).toEqual(['ceph-object-store', undefined, []]);
    const labApps = renderedApps(lab);
    expect([...labApps.keys()].filter((a) => a.startsWith('minio'))).toEqual([]);
    expect(
      (labApps.get('postgres-clusters') ?? [])
        .filter((o) => o.kind === 'ObjectBucketClaim')
        .map((o) => `${o.metadata.namespace}/${o.metadata.name}`),
    ).toEqual(['analytics/postgres-backups-analytics', 'postgres/postgres-backups-postgres']);
    const gateways = objectOf(labApps, 'ceph-object-store', 'CephObjectStore', 'object-store');
    expect([gateways.spec.gateway.instances, gateways.spec.dataPool.replicated.size]).toEqual([2, 3]);
  });
  const app = new App();
  const chart = new CephObjectStoreChart(app, 'ceph-object-store', {
    store: objectStoreOf(lab),
    upstream: resolveSite(lab).upstream.rook,
  });
  const rendered = chart.toJson() as KubeObject[];
  const v = new SchemaValidator(schemaVersionFor('1.36.5', CURRENT.versions), CURRENT.versions);
  test("the store follows v1.20.6's object.yaml (no healthCheck.bucket, the data pool bulk) and validates against v1.20.6's CRDs", () => {
    const [store] = ofKind(rendered, 'CephObjectStore');
    expect(field(store, 'spec.healthCheck.bucket')).toBeUndefined();
    expect(store.spec.dataPool).toMatchObject({ deviceClass: 's3', parameters: { bulk: 'true' } });
    for (const o of rendered) expect(v.validate(o), o.kind).toEqual([]);
  });
});

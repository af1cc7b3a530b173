import { field } from '../lib/core/impact';
import { ofKind } from './support/kinds';
import { describe, expect, test } from 'vitest';
import { SchemaValidator } from '../lib/check/schema-validator';
import { cephConfigOverride, rookDeviceName } from '../lib/components/rook-ceph/rook-ceph-cluster';
import { CEPH_MIN_OSD_MEMORY_TARGET, cephResources, validateCeph } from '../lib/site/ceph';
import { validateSite } from '../lib/components/validate';
import { catalogOf } from '../lib/site/catalog';
import type { SiteNode } from '../lib/site/model';
import { lab } from '../sites/lab';
import { objectOf, renderedApps, withSite, runbookPoc as poc } from './support/render';
import { unexpectedDrift } from './support/drift';
import { loadUpstreamYaml, upstreamOf } from '../lib/upstream';

/** The example's catalog (the runbook-2023 train, no overrides). */
const { versions: VERSIONS, images: IMAGES } = catalogOf(poc);

const apps = renderedApps(poc);
const cluster = objectOf(apps, 'rook-ceph-cluster', 'CephCluster', 'rook-ceph');
const MiB = 2 ** 20;

describe('CephCluster (dist/poc/rook-ceph-cluster)', () => {
  test('pinned Ceph image, host data path, 3 mons one per node, 2 mgrs, dashboard over TLS', () => {
    expect(cluster.metadata.namespace).toBe('rook-ceph');
    expect(cluster.spec.cephVersion).toEqual({ image: 'quay.io/ceph/ceph:v16.2.7', allowUnsupported: false });
    expect(cluster.spec.dataDirHostPath).toBe('/var/lib/rook');
    expect(cluster.spec.mon).toEqual({ count: 3, allowMultiplePerNode: false });
    expect(cluster.spec.mgr.count).toBe(2);
    expect(cluster.spec.dashboard).toEqual({ enabled: true, ssl: true });
  });

  test('the runbook placement: required role=storage-node affinity and the storage taint tolerated, from roles.ts', () => {
    expect(cluster.spec.placement).toEqual({
      all: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: 'role', operator: 'In', values: ['storage-node'] }] }],
          },
        },
        tolerations: [{ key: 'storage-node', operator: 'Exists', effect: 'NoSchedule' }],
      },
    });
  });

  test("OSDs on the inventory's raw disks of the storage nodes only, never all nodes or all devices", () => {
    expect(cluster.spec.storage).toEqual({
      useAllNodes: false,
      useAllDevices: false,
      nodes: ['dnumcephworker1', 'dnumcephworker2', 'dnumcephworker3'].map((name) => ({
        name,
        devices: [{ name: 'vdb' }],
      })),
    });
    const labCluster = objectOf(renderedApps(lab), 'rook-ceph-cluster', 'CephCluster', 'rook-ceph');
    // lab's s3 nodes are OSD hosts too (its object store): each node's OSDs get their device class
    expect(labCluster.spec.storage.nodes[0]).toEqual({
      name: 'lab-ceph1',
      devices: [{ name: 'vdb' }, { name: 'vdc' }],
      config: { deviceClass: 'block' },
    });
    expect(rookDeviceName('/dev/disk/by-id/wwn-0x5000c500a1b2c3d4')).toBe('/dev/disk/by-id/wwn-0x5000c500a1b2c3d4');
  });

  test('no cleanup confirmation and no zero values that change meaning', () => {
    expect(cluster.spec.cleanupPolicy).toBeUndefined();
    expect(JSON.stringify(cluster.spec)).not.toMatch(/":0[,}]/);
  });

  test('sizes derived from the 2 GiB storage nodes: explicit requests, memory limits, no CPU limits', () => {
    const r = cluster.spec.resources;
    expect(r.mon).toEqual({ requests: { cpu: '300m', memory: '332Mi' }, limits: { memory: '332Mi' } });
    expect(r.mgr).toEqual({ requests: { cpu: '200m', memory: '199Mi' }, limits: { memory: '199Mi' } });
    // the OSD's share is requested; its limit leaves room for Ceph's minimum target (896 MiB / 0.8)
    expect(r.osd).toEqual({ requests: { cpu: '700m', memory: '798Mi' }, limits: { memory: '1120Mi' } });
    // the requests of mon + mgr + OSD fit in ~65% of a 2 GiB node
    expect(332 + 199 + 798).toBeLessThanOrEqual(0.65 * 2048);
  });

  test("osd_memory_target and mon_memory_target are explicit through rook-config-override, never below Ceph's minimum", () => {
    const override = objectOf(apps, 'rook-ceph-cluster', 'ConfigMap', 'rook-config-override');
    // 80% of the OSD's 798Mi share (638Mi) is refused by Ceph, which would keep its 4 GiB default
    expect(override.data.config).toBe(
      `[mon]\nmon_memory_target = ${265 * MiB}\n[osd]\nosd_memory_target = ${896 * MiB}\n`,
    );
    expect(CEPH_MIN_OSD_MEMORY_TARGET).toBe(939524096);
    expect(cephConfigOverride(cephResources(poc))).toBe(override.data.config);
  });

  test("every OSD target lies between Ceph's minimum and 80% of the OSD's limit, on any node size", () => {
    for (const memory of ['1Gi', '2Gi', '3Gi', '4Gi', '8Gi', '16Gi', '64Gi', '256Gi']) {
      for (const disks of [1, 2, 4]) {
        const site = withSite(lab, (s) => {
          for (const n of s.nodes) {
            n.memory = memory;
            if (n.disks)
              n.disks = Array.from({ length: disks }, (_, i) => ({ device: `/dev/vd${'bcde'[i]}`, size: '50Gi' }));
          }
        });
        const { osd, osdMemoryTarget } = cephResources(site);
        expect(osdMemoryTarget, `${memory} x${disks}`).toBeGreaterThanOrEqual(CEPH_MIN_OSD_MEMORY_TARGET);
        expect(osdMemoryTarget, `${memory} x${disks}`).toBeLessThanOrEqual(osd.memoryLimit * 0.8);
        expect(osd.memoryRequest, `${memory} x${disks}`).toBeLessThanOrEqual(osd.memoryLimit);
      }
    }
  });

  test("big nodes get Ceph's recommended sizes, not more", () => {
    const big = withSite(lab, (s) => {
      for (const n of s.nodes) n.memory = '256Gi';
    });
    const sizes = cephResources(big);
    expect(sizes.osd).toMatchObject({ memoryRequest: 5 * 1024 * MiB, memoryLimit: 5 * 1024 * MiB });
    expect(sizes.osdMemoryTarget).toBe(4 * 1024 * MiB);
    expect(sizes.mon.memoryLimit).toBe(2 * 1024 * MiB);
    // lab: two OSDs per storage node share the OSD budget, request = limit above Ceph's minimum
    const share = Math.floor((16 * 1024 * 0.65 * 0.6) / 2) * MiB;
    expect(cephResources(lab).osd).toMatchObject({ memoryRequest: share, memoryLimit: share });
  });
});

describe('block pool and StorageClass rook-ceph-block', () => {
  test('replicated pool, failure domain host, size from the storage nodes', () => {
    const pool = objectOf(apps, 'rook-ceph-cluster', 'CephBlockPool', 'replicapool');
    expect(pool.spec).toEqual({ failureDomain: 'host', replicated: { size: 3, requireSafeReplicaSize: true } });
  });

  test('the RBD CSI StorageClass with every parameter it needs', () => {
    const sc = objectOf(apps, 'rook-ceph-cluster', 'StorageClass', 'rook-ceph-block');
    expect(sc.metadata.namespace).toBeUndefined();
    expect(sc.provisioner).toBe('rook-ceph.rbd.csi.ceph.com');
    expect(sc.parameters).toEqual({
      clusterID: 'rook-ceph',
      pool: 'replicapool',
      imageFormat: '2',
      imageFeatures: 'layering',
      'csi.storage.k8s.io/provisioner-secret-name': 'rook-csi-rbd-provisioner',
      'csi.storage.k8s.io/provisioner-secret-namespace': 'rook-ceph',
      'csi.storage.k8s.io/controller-expand-secret-name': 'rook-csi-rbd-provisioner',
      'csi.storage.k8s.io/controller-expand-secret-namespace': 'rook-ceph',
      'csi.storage.k8s.io/node-stage-secret-name': 'rook-csi-rbd-node',
      'csi.storage.k8s.io/node-stage-secret-namespace': 'rook-ceph',
      'csi.storage.k8s.io/fstype': 'ext4',
    });
    expect(sc.reclaimPolicy).toBe('Retain');
    expect(sc.allowVolumeExpansion).toBe(true);
  });

  test.each([
    ['poc', poc],
    ['lab', lab],
  ])(
    "%s: every CSI secret parameter of its Rook tag's csi/rbd/storageclass.yaml (v1.20: controller-publish, for fencing)",
    (_, site) => {
      const sc = objectOf(renderedApps(site), 'rook-ceph-cluster', 'StorageClass', 'rook-ceph-block');
      const pinned = upstreamOf(catalogOf(site).versions).rook.blockStorageClass;
      const [example] = ofKind(loadUpstreamYaml(pinned), 'StorageClass');
      expect(unexpectedDrift(example.parameters, sc.parameters, [])).toEqual([]);
      expect(sc.provisioner).toBe(example.provisioner);
      const publish = Object.keys(sc.parameters).filter((k) => k.includes('controller-publish'));
      expect(publish).toEqual(
        catalogOf(site).versions.rook === 'v1.20.6'
          ? [
              'csi.storage.k8s.io/controller-publish-secret-name',
              'csi.storage.k8s.io/controller-publish-secret-namespace',
            ]
          : [],
      );
    },
  );

  test('the Postgres clusters ask for the class the Ceph app provides', () => {
    const pg = objectOf(apps, 'postgres-clusters', 'postgresql', 'acid-test-cluster');
    expect(pg.spec.volume.storageClass).toBe('rook-ceph-block');
  });
});

describe('safety and ordering', () => {
  test('CephCluster, pool, StorageClass and the namespace are never pruned or deleted by ArgoCD', () => {
    for (const [app, kind, name] of [
      ['rook-ceph-cluster', 'CephCluster', 'rook-ceph'],
      ['rook-ceph-cluster', 'CephBlockPool', 'replicapool'],
      ['rook-ceph-cluster', 'StorageClass', 'rook-ceph-block'],
      ['rook-ceph-operator', 'Namespace', 'rook-ceph'],
    ]) {
      expect(
        objectOf(apps, app, kind, name).metadata.annotations?.['argocd.argoproj.io/sync-options'],
        `${kind} ${name}`,
      ).toMatch(/Delete=false.*Prune=false/);
    }
  });

  test('the operator syncs before the cluster, which syncs before the Postgres clusters; CRDs server-side', () => {
    const wave = (n: string) =>
      Number(objectOf(apps, 'argocd', 'Application', n).metadata.annotations?.['argocd.argoproj.io/sync-wave']);
    expect(wave('cert-manager')).toBeLessThan(wave('rook-ceph-operator'));
    expect(wave('rook-ceph-operator')).toBeLessThan(wave('rook-ceph-cluster'));
    expect(wave('rook-ceph-cluster')).toBeLessThan(wave('postgres-clusters'));
    const crds = apps.get('rook-ceph-operator')!.filter((o) => o.kind === 'CustomResourceDefinition');
    expect(crds.map((c) => c.metadata.name)).toContain('cephclusters.ceph.rook.io');
    for (const crd of crds)
      expect(crd.metadata.annotations?.['argocd.argoproj.io/sync-options']).toBe('ServerSideApply=true');
    expect(cluster.metadata.annotations['argocd.argoproj.io/sync-options']).toContain(
      'SkipDryRunOnMissingResource=true',
    );
  });

  test('no PodSecurityPolicy (removed in Kubernetes 1.25) is shipped from the upstream common.yaml', () => {
    const kinds = apps.get('rook-ceph-operator')!.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(kinds.some((k) => k.startsWith('PodSecurityPolicy/') || k.includes('psp'))).toBe(false);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'ServiceAccount/rook-ceph-system',
        'ClusterRole/rook-ceph-global',
        'ServiceAccount/rook-ceph-osd',
      ]),
    );
  });

  test('the rook-ceph namespace is privileged (OSDs and the CSI node plugin need host access)', () => {
    expect(
      objectOf(apps, 'rook-ceph-operator', 'Namespace', 'rook-ceph').metadata.labels?.[
        'pod-security.kubernetes.io/enforce'
      ],
    ).toBe('privileged');
  });
});

describe('operator (dist/poc/rook-ceph-operator)', () => {
  const deployment = objectOf(apps, 'rook-ceph-operator', 'Deployment', 'rook-ceph-operator');
  const [container] = deployment.spec.template.spec.containers;
  test('pinned image, hardened, limited, one replica replaced not rolled', () => {
    expect(container.image).toBe(IMAGES.rook);
    expect(container.image).toBe('rook/ceph:v1.9.13');
    // v1.9.2 errors forever on Kubernetes >= 1.25 deleting a batch/v1beta1 CronJob: fixed in v1.9.10 (rook/rook#10822)
    const [major, minor, patch] = VERSIONS.rook.slice(1).split('.').map(Number);
    expect([major, minor]).toEqual([1, 9]);
    expect(patch).toBeGreaterThanOrEqual(10);
    expect(container.securityContext).toMatchObject({
      runAsUser: 2016,
      runAsGroup: 2016,
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(container.resources).toEqual({
      requests: { cpu: '100m', memory: '128Mi' },
      limits: { cpu: '500m', memory: '512Mi' },
    });
    expect(deployment.spec.strategy.type).toBe('Recreate');
    expect(container.volumeMounts.map((m: any) => m.mountPath)).toEqual([
      '/var/lib/rook',
      '/etc/ceph',
      '/etc/webhook',
      '/tmp',
    ]);
  });
  test.each([
    ['poc', poc],
    ['lab', lab],
  ])(
    "%s: every field of its Rook tag's operator Deployment but our image, admission setting, resources and hardening (v1.20: the 5 s unreachable-node toleration)",
    (_, site) => {
      const rendered = objectOf(renderedApps(site), 'rook-ceph-operator', 'Deployment', 'rook-ceph-operator');
      const pinned = upstreamOf(catalogOf(site).versions).rook.operator;
      const upstream = loadUpstreamYaml(pinned).find((m) => m.kind === 'Deployment');
      const pod = 'spec.template.spec';
      const main = `${pod}.containers[name=rook-ceph-operator]`;
      expect(
        unexpectedDrift(upstream, rendered, [
          `${pod}.securityContext`,
          `${main}.image`,
          `${main}.env[name=ROOK_DISABLE_ADMISSION_CONTROLLER]`,
          `${main}.resources`,
          `${main}.securityContext`,
          `${main}.volumeMounts[name=tmp]`,
          `${pod}.volumes[name=tmp]`,
        ]),
      ).toEqual([]);
    },
  );
  test('the admission controller follows cert-manager; CephFS CSI is off (block storage only)', () => {
    const env = Object.fromEntries(
      container.env.filter((e: any) => e.value !== undefined).map((e: any) => [e.name, e.value]),
    );
    expect(env.ROOK_DISABLE_ADMISSION_CONTROLLER).toBe('false');
    const config = objectOf(apps, 'rook-ceph-operator', 'ConfigMap', 'rook-ceph-operator-config');
    expect(config.data.ROOK_CSI_ENABLE_CEPHFS).toBe('false');
    expect(config.data.ROOK_CSI_ENABLE_RBD).toBe('true');
    expect(apps.get('rook-ceph-operator')!.some((o) => o.apiVersion === 'csi.ceph.io/v1')).toBe(false);
  });
  test('Rook v1.20 (lab, current train): the Ceph CSI operator deploys the RBD driver alone; no CSI_* key and no admission controller left', () => {
    const labApps = renderedApps(lab);
    const objects = labApps.get('rook-ceph-operator')!;
    const config = objectOf(labApps, 'rook-ceph-operator', 'ConfigMap', 'rook-ceph-operator-config');
    expect(Object.keys(config.data).filter((k) => /^(ROOK_)?CSI_/.test(k))).toEqual([]);
    expect(objects.filter((o) => o.kind === 'Driver').map((o) => o.metadata.name)).toEqual([
      'rook-ceph.rbd.csi.ceph.com',
    ]);
    expect(objects.filter((o) => o.kind === 'OperatorConfig').map((o) => o.metadata.name)).toEqual([
      'ceph-csi-operator-config',
    ]);
    const csi = objectOf(labApps, 'rook-ceph-operator', 'Deployment', 'ceph-csi-controller-manager');
    expect(csi.spec.template.spec.containers[0].image).toBe(
      'registry.lab.example.org:5000/mirror/quay.io/cephcsi/ceph-csi-operator:v1.0.4',
    );
    const env = objectOf(labApps, 'rook-ceph-operator', 'Deployment', 'rook-ceph-operator').spec.template.spec
      .containers[0].env;
    expect(env.some((e: any) => e.name === 'ROOK_DISABLE_ADMISSION_CONTROLLER')).toBe(false);
    // the drivers' images go through the mirror too
    const images = objectOf(labApps, 'rook-ceph-operator', 'ConfigMap', 'rook-csi-operator-image-set-configmap');
    for (const image of Object.values(images.data) as string[])
      expect(image).toMatch(/^registry\.lab\.example\.org:5000\/mirror\//);
  });
  test('Rook v1.20 on postgres nodes that share the storage taint: the RBD node plugin tolerates it (was CSI_PLUGIN_TOLERATIONS)', () => {
    const shared = withSite(lab, (s) => {
      s.nodes = s.nodes.map((n: SiteNode) =>
        n.roles.includes('postgres')
          ? { ...n, roles: ['postgres', 'storage'], disks: [{ device: '/dev/vdb', size: '200Gi' }] }
          : n,
      );
    });
    const driver = objectOf(renderedApps(shared), 'rook-ceph-operator', 'Driver', 'rook-ceph.rbd.csi.ceph.com');
    expect(field(driver, 'spec.nodePlugin.tolerations')).toEqual([
      { key: 'storage-node', operator: 'Exists', effect: 'NoSchedule' },
    ]);
    expect(field(driver, 'spec.nodePlugin.updateStrategy')).toEqual({ type: 'RollingUpdate' });
  });
  test('cert-manager (for the admission webhook) syncs a wave before the operator, on the POC only', () => {
    const wave = (n: string) =>
      Number(objectOf(apps, 'argocd', 'Application', n).metadata.annotations?.['argocd.argoproj.io/sync-wave']);
    expect(wave('cert-manager')).toBeLessThan(wave('rook-ceph-operator'));
    expect(renderedApps(lab).has('cert-manager')).toBe(false);
  });
  test('the optional toolbox is hardened and limited', () => {
    const tools = objectOf(apps, 'rook-ceph-cluster', 'Deployment', 'rook-ceph-tools');
    expect(tools.spec.template.spec.containers[0].securityContext).toMatchObject({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
    });
    expect(
      renderedApps(lab)
        .get('rook-ceph-cluster')!
        .some((o) => o.kind === 'Deployment'),
    ).toBe(false);
  });
});

describe('schemas: the pinned Rook v1.9.13 CRDs and Kubernetes 1.26', () => {
  const validator = new SchemaValidator('1.26.0');
  const rendered = ['rook-ceph-operator', 'rook-ceph-cluster'].flatMap((app) => apps.get(app)!);
  test('every Rook object of the POC is valid, custom resources included', () => {
    expect(
      rendered
        .filter((o) => o.apiVersion === 'ceph.rook.io/v1')
        .map((o) => o.kind)
        .sort(),
    ).toEqual(['CephBlockPool', 'CephCluster']);
    for (const obj of rendered) expect(validator.validate(obj), `${obj.kind}/${obj.metadata.name}`).toEqual([]);
  });
  test('fails on a CephCluster field the v1.9.13 CRD does not have (it would be pruned, OutOfSync forever)', () => {
    const bad = { ...cluster, spec: { ...cluster.spec, cephConfig: { global: { osd_pool_default_size: '3' } } } };
    expect(validator.validate(bad)).toEqual(["/spec: must NOT have additional properties 'cephConfig'"]);
  });
  test('fails on counts beyond the CRD bounds (mgr at most 2, mon at most 9)', () => {
    const bad = structuredClone(cluster);
    bad.spec.mgr.count = 3;
    bad.spec.mon.count = 10;
    expect(validator.validate(bad)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\/spec\/mgr\/count: must be <= 2/),
        expect.stringMatching(/^\/spec\/mon\/count: must be <= 9/),
      ]),
    );
  });
});

describe('bad Ceph input is refused with the field path and the fix', () => {
  const issues = (change: (s: any) => void) => validateSite(withSite(poc, change));
  test('fails on an even mon count', () => {
    expect(
      issues((s) => {
        s.ceph.monCount = 2;
      }),
    ).toEqual([
      { path: 'ceph.monCount', message: expect.stringMatching(/2 mons cannot form a majority.*use an odd number/) },
    ]);
  });
  test('fails on more mons than storage nodes', () => {
    expect(
      issues((s) => {
        s.ceph.monCount = 5;
      }),
    ).toEqual([
      { path: 'ceph.monCount', message: expect.stringMatching(/5 mons need as many storage nodes.*the site has 3/) },
    ]);
  });
  test('fails on a pool size greater than the storage nodes with devices', () => {
    expect(
      issues((s) => {
        s.ceph.poolSize = 4;
      }),
    ).toEqual([
      {
        path: 'ceph.poolSize',
        message: expect.stringMatching(/pool size 4 needs as many storage nodes with disks.*the site has 3/),
      },
    ]);
  });
  test('fails on a storage node without a device', () => {
    expect(
      issues((s) => {
        delete s.nodes[3].disks;
      }),
    ).toEqual(
      expect.arrayContaining([
        { path: 'nodes[3].disks', message: expect.stringMatching(/storage node 'dnumcephworker1' has no disk/) },
      ]),
    );
  });
  test('fails on a duplicate device path', () => {
    expect(
      issues((s) => {
        s.nodes[3].disks.push({ device: '/dev/vdb', size: '10Gi' });
      }),
    ).toEqual([
      { path: 'nodes[3].disks[1].device', message: expect.stringMatching(/device '\/dev\/vdb' is listed twice/) },
    ]);
  });
  test('fails on a Postgres cluster (and Prometheus) asking for rook-ceph-block on a site without Ceph', () => {
    expect(
      issues((s) => {
        delete s.ceph;
      }),
    ).toEqual([
      {
        path: 'postgres.clusters[0].volume.storageClass',
        message: expect.stringMatching(/StorageClass 'rook-ceph-block' is not provided by this site.*enable Ceph/),
      },
      {
        path: 'monitoring.prometheus.storage.storageClass',
        message: expect.stringMatching(/StorageClass 'rook-ceph-block' is not provided by this site/),
      },
    ]);
  });
  test('fails on more than 2 mgrs', () => {
    expect(
      issues((s) => {
        s.ceph.mgrCount = 3;
      }),
    ).toEqual([{ path: 'ceph.mgrCount', message: 'Rook runs 1 or 2 mgrs, not 3' }]);
  });
  test('fails on a pool size that is not a number of copies', () => {
    expect(
      issues((s) => {
        s.ceph.poolSize = 0;
      }),
    ).toEqual([
      { path: 'ceph.poolSize', message: expect.stringMatching(/pool size 0 is not a number of copies: use 1 to 3/) },
    ]);
  });
  test("fails on a storage node too small for its OSDs at Ceph's minimum", () => {
    expect(
      issues((s) => {
        s.nodes[3].disks.push({ device: '/dev/vdc', size: '50Gi' });
      }),
    ).toEqual([
      {
        path: 'nodes[3].memory',
        message:
          "storage node 'dnumcephworker1' has 2Gi for 2 OSDs, an OSD needs at least 1120Mi (Ceph refuses an osd_memory_target below 896Mi): give it more memory or fewer disks",
      },
    ]);
    expect(
      issues((s) => {
        s.nodes[3].memory = '3Gi';
        s.nodes[3].disks.push({ device: '/dev/vdc', size: '50Gi' });
      }),
    ).toEqual([]);
  });
  test('fails on Ceph without storage nodes', () => {
    expect(
      validateCeph(
        withSite(poc, (s) => {
          s.nodes = s.nodes.filter((n: any) => !n.roles.includes('storage'));
        }),
      ),
    ).toEqual([{ path: 'ceph', message: expect.stringMatching(/needs nodes with role 'storage'/) }]);
  });
});

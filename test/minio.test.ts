import { ofKind } from './support/kinds';
import type { SiteNode } from '../lib/site/model';
import { describe, expect, test } from 'vitest';
import { load } from 'js-yaml';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { diffTrees } from '../lib/diff/semantic';
import { validateSite } from '../lib/components/validate';
import { catalogOf } from '../lib/site/catalog';
import { UPSTREAM, chartsOf, loadRenderedChart } from '../lib/upstream';
import { podSecurityViolations } from '../lib/check/pod-security';
import { userDataText } from './support/bootstrap';
import { labOnMinio } from './support/lab-on-minio';
import { objectOf, renderedApps, withSite, type K8sObject, runbookPoc as poc } from './support/render';
import { distTree } from './support/trees';
import { spiloEnvironment, walPrefix } from './support/spilo-env';

/** The example's catalog (the runbook-2023 train, no overrides). */
const { versions: VERSIONS, images: IMAGES } = catalogOf(poc);

const apps = renderedApps(poc);
const tenant = objectOf(apps, 'minio', 'Tenant', 'minio');
const pool = tenant.spec.pools[0];
const s3Nodes = ['dnumminioworker1', 'dnumminioworker2', 'dnumminioworker3', 'dnumminioworker4'];

describe('MinIO operator v5.0.6 (pinned chart rendered at import, before the tenant)', () => {
  const app = objectOf(apps, 'argocd', 'Application', 'minio-operator');
  const operatorApp = apps.get('minio-operator')!;
  test('its dist folder, its own restricted namespace, a wave before the tenant', () => {
    expect(app.spec.source).toEqual({
      repoURL: poc.gitops.repoURL,
      targetRevision: poc.gitops.targetRevision,
      path: 'dist/poc/minio-operator',
    });
    expect(
      objectOf(apps, 'minio-operator', 'Namespace', 'minio-operator').metadata.labels?.[
        'pod-security.kubernetes.io/enforce'
      ],
    ).toBe('restricted');
    const wave = (n: string) =>
      Number(objectOf(apps, 'argocd', 'Application', n).metadata.annotations?.['argocd.argoproj.io/sync-wave']);
    expect(wave('minio-operator')).toBeLessThan(wave('minio'));
    // the chart leaves namespaces to `helm install`: every namespaced object is placed in the operator's
    for (const o of operatorApp.filter(
      (x) => !['ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'Namespace'].includes(x.kind),
    )) {
      expect(o.metadata.namespace, `${o.kind} ${o.metadata.name}`).toBe('minio-operator');
    }
  });
  test("the chart's objects, the operator with our limits and the console hardened (the chart hardens operator.* only)", () => {
    const chart = loadRenderedChart(chartsOf(VERSIONS).minioOperator);
    expect(
      operatorApp
        .filter((o) => o.kind !== 'Namespace')
        .map((o) => `${o.kind}/${o.metadata.name}`)
        .sort(),
    ).toEqual(chart.map((o) => `${o.kind}/${o.metadata.name}`).sort());
    const upstreamConsole = ofKind(chart, 'Deployment').find((o) => o.metadata.name === 'console')!;
    expect(podSecurityViolations(upstreamConsole.spec.template.spec, 'restricted')).not.toEqual([]);
    for (const name of ['console', 'minio-operator']) {
      const pod = objectOf(apps, 'minio-operator', 'Deployment', name).spec.template.spec;
      expect(podSecurityViolations(pod, 'restricted'), name).toEqual([]);
      expect(pod.containers[0].resources.limits, name).toBeDefined();
    }
    expect(
      objectOf(apps, 'minio-operator', 'Deployment', 'minio-operator').spec.template.spec.containers[0].resources
        .limits,
    ).toEqual({ cpu: '500m', memory: '512Mi' });
  });
  test("ArgoCD tracks by annotation: the operator copies the Tenant's labels to its pods (minio/operator#2287)", () => {
    const cm = objectOf(apps, 'argocd', 'ConfigMap', 'argocd-cm');
    expect(cm.data['application.resourceTrackingMethod']).toBe('annotation');
  });
});

describe('Tenant (dist/poc/minio)', () => {
  test('one server per s3 node, one volume per declared disk, sized from the inventory', () => {
    expect(tenant.apiVersion).toBe('minio.min.io/v2');
    expect(tenant.metadata.namespace).toBe('minio');
    expect(pool).toMatchObject({ name: 'pool-0', servers: 4, volumesPerServer: 1 });
    expect(pool.volumeClaimTemplate).toEqual({
      metadata: { name: 'data' },
      spec: {
        accessModes: ['ReadWriteOnce'],
        storageClassName: 'minio-local',
        resources: { requests: { storage: '51200Mi' } },
      },
    });
  });
  test("the runbook's pod placement: required role=s3-node affinity and one server per host", () => {
    expect(pool.affinity.nodeAffinity).toEqual({
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [
          {
            matchExpressions: [
              { key: 'role', operator: 'In', values: ['s3-node'] },
              { key: 'kubernetes.io/hostname', operator: 'In', values: s3Nodes },
            ],
          },
        ],
      },
    });
    expect(pool.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toEqual([
      {
        labelSelector: { matchExpressions: [{ key: 'v1.min.io/tenant', operator: 'In', values: ['minio'] }] },
        topologyKey: 'kubernetes.io/hostname',
      },
    ]);
  });
  test("pinned image (the pinned tenant chart's default), non-root, no escalation, resources from the node size", () => {
    const values = load(
      readFileSync(join(__dirname, '..', 'imports', 'upstream', UPSTREAM.minio.tenantValues.path), 'utf8'),
    ) as { tenant: { image: { tag: string } } };
    expect(VERSIONS.minio).toBe(values.tenant.image.tag);
    expect(tenant.spec.image).toBe(IMAGES.minio);
    expect(pool.containerSecurityContext).toEqual({
      runAsUser: 1000,
      runAsGroup: 1000,
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pool.resources).toEqual({ requests: { cpu: '500m', memory: '1024Mi' }, limits: { memory: '1228Mi' } });
  });
  test('wizard screens: TLS auto-cert, root credentials by Secret name, buckets, public metrics, no operator-managed Prometheus', () => {
    expect(tenant.spec.requestAutoCert).toBe(true);
    expect(tenant.spec.configuration).toEqual({ name: 'minio-root' });
    expect(tenant.spec.buckets).toEqual([{ name: 'postgres-backups' }]);
    expect(tenant.spec.env).toEqual([{ name: 'MINIO_PROMETHEUS_AUTH_TYPE', value: 'public' }]);
    expect(tenant.spec.prometheusOperator).toBe(false);
  });
  test('lab keeping MinIO: OIDC, KES and the audit webhook, every secret by reference', () => {
    const labTenant = objectOf(renderedApps(labOnMinio), 'minio', 'Tenant', 'minio');
    const env = Object.fromEntries(labTenant.spec.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env.MINIO_IDENTITY_OPENID_CONFIG_URL).toBe(
      'https://sso.lab.example.org/realms/lab/.well-known/openid-configuration',
    );
    expect(env.MINIO_IDENTITY_OPENID_CLIENT_SECRET).toEqual({
      secretKeyRef: { name: 'minio-openid', key: 'client-secret' },
    });
    expect(env.MINIO_AUDIT_WEBHOOK_ENDPOINT_AUDIT).toBe('https://audit.lab.example.org/minio');
    expect(env.MINIO_AUDIT_WEBHOOK_AUTH_TOKEN_AUDIT).toEqual({
      secretKeyRef: { name: 'minio-audit-token', key: 'token' },
    });
    expect(labTenant.spec.kes).toMatchObject({ kesSecret: { name: 'minio-kes-config' }, keyName: 'minio-default' });
  });
  test('no Secret with a value is rendered: every credential is created at deploy time', () => {
    for (const site of [poc, labOnMinio]) {
      const secrets = ofKind([...renderedApps(site).values()].flat(), 'Secret');
      // but the MinIO console's ServiceAccount token, which Kubernetes fills in, and (with load
      // balancers) MetalLB's empty webhook-server-cert, which its controller fills with a certificate it makes
      expect(secrets.map((s) => [s.metadata.name, s.type, s.data ?? s.stringData])).toEqual([
        ['console-sa-secret', 'kubernetes.io/service-account-token', undefined],
        // (named metallb-webhook-cert since v0.14, lab's train runs v0.16.1)
        ...(site.loadBalancers
          ? [
              [
                catalogOf(site).versions.metallb === 'v0.13.11' ? 'webhook-server-cert' : 'metallb-webhook-cert',
                undefined,
                undefined,
              ],
            ]
          : []),
      ]);
    }
  });
});

describe('local volumes where the site has no provisioner', () => {
  const pvs = ofKind(apps.get('minio')!, 'PersistentVolume');
  test('a no-provisioner StorageClass binding on first consumer, retained', () => {
    const sc = objectOf(apps, 'minio', 'StorageClass', 'minio-local');
    expect(sc).toMatchObject({
      provisioner: 'kubernetes.io/no-provisioner',
      volumeBindingMode: 'WaitForFirstConsumer',
      reclaimPolicy: 'Retain',
    });
  });
  test('one PV per disk of each s3 node, pinned to that node, the raw device formatted XFS by the kubelet', () => {
    expect(pvs.map((p) => p.metadata.name).sort()).toEqual(s3Nodes.map((n) => `minio-${n}-vdb`));
    const pv = pvs.find((p) => p.metadata.name === 'minio-dnumminioworker1-vdb')!;
    expect(pv.spec).toMatchObject({
      capacity: { storage: '51200Mi' },
      storageClassName: 'minio-local',
      persistentVolumeReclaimPolicy: 'Retain',
      local: { path: '/dev/vdb', fsType: 'xfs' },
    });
    expect(pv.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions).toEqual([
      { key: 'kubernetes.io/hostname', operator: 'In', values: ['dnumminioworker1'] },
    ]);
    // and the s3 nodes' cloud-init installs mkfs.xfs
    expect(userDataText(poc, 'dnumminioworker1')).toContain(' xfsprogs');
    expect(userDataText(poc, 'dnumworker1')).not.toContain('xfsprogs');
  });
  test('a site with a provisioner gets no local volumes', () => {
    const provisioned = renderedApps(
      withSite(poc, (s) => {
        s.minio!.storageClass = 'local-path';
      }),
    ).get('minio')!;
    expect(provisioned.filter((o) => o.kind === 'PersistentVolume' || o.kind === 'StorageClass')).toEqual([]);
  });
  test('Tenant, PVs and the namespace are never pruned or deleted by ArgoCD', () => {
    for (const o of [tenant, ...pvs, objectOf(apps, 'minio', 'Namespace', 'minio')]) {
      expect(o.metadata.annotations['argocd.argoproj.io/sync-options'], `${o.kind} ${o.metadata.name}`).toMatch(
        /Delete=false.*Prune=false/,
      );
    }
  });
});

describe('Postgres WAL-G backups into MinIO', () => {
  const operator = objectOf(apps, 'postgres-operator', 'ConfigMap', 'postgres-operator');
  const podEnv = objectOf(apps, 'postgres-operator', 'ConfigMap', 'postgres-pod-config');
  test('the operator: bucket, pod environment ConfigMap and the credentials Secret by name', () => {
    expect(operator.data.wal_s3_bucket).toBe('postgres-backups');
    expect(operator.data.pod_environment_configmap).toBe('postgres-operator/postgres-pod-config');
    expect(operator.data.pod_environment_secret).toBe('postgres-backup-s3');
  });
  test('the pods: WAL-G to the in-cluster endpoint, path style, TLS trusted through the cluster CA, schedule and retention', () => {
    expect(podEnv.data).toMatchObject({
      USE_WALG_BACKUP: 'true',
      USE_WALG_RESTORE: 'true',
      AWS_ENDPOINT: 'https://minio.minio.svc.cluster.local',
      AWS_S3_FORCE_PATH_STYLE: 'true',
      AWS_REGION: 'us-east-1',
      WALG_DISABLE_S3_SSE: 'true',
      WALG_S3_CA_CERT_FILE: '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt',
      BACKUP_SCHEDULE: '0 1 * * *',
      BACKUP_NUM_TO_RETAIN: '5',
      CLONE_AWS_ENDPOINT: 'https://minio.minio.svc.cluster.local',
      CLONE_USE_WALG_RESTORE: 'true',
    });
    expect(Object.keys(podEnv.data).filter((k) => /SECRET|PASSWORD|ACCESS_KEY/.test(k))).toEqual([]);
    const labEnv = objectOf(renderedApps(labOnMinio), 'postgres-operator', 'ConfigMap', 'postgres-pod-config').data;
    expect([labEnv.BACKUP_SCHEDULE, labEnv.BACKUP_NUM_TO_RETAIN, labEnv.WALG_DISABLE_S3_SSE]).toEqual([
      '30 2 * * *',
      '7',
      'false',
    ]);
  });
  test('unencrypted unless the site names a key (poc); with one, every cluster reads it by reference, as the Ceph store', () => {
    const env = (site: typeof poc) =>
      objectOf(renderedApps(site), 'postgres-clusters', 'postgresql', 'acid-test-cluster').spec.env ?? [];
    expect(env(poc).filter((e) => e.name.includes('LIBSODIUM'))).toEqual([]);
    const encrypted = env(withSite(poc, (s) => (s.postgres.backups!.encryptionKeySecret = 'postgres-backup-key')));
    expect(encrypted.filter((e) => e.name.includes('LIBSODIUM'))).toEqual([
      {
        name: 'WALG_LIBSODIUM_KEY',
        valueFrom: { secretKeyRef: { name: 'postgres-backup-key', key: 'WALG_LIBSODIUM_KEY' } },
      },
      { name: 'WALG_LIBSODIUM_KEY_TRANSFORM', value: 'base64' },
    ]);
  });
  test('a site without backups renders no pod environment', () => {
    const none = renderedApps(
      withSite(poc, (s) => {
        delete s.postgres.backups;
      }),
    ).get('postgres-operator')!;
    expect(none.some((o) => o.metadata.name === 'postgres-pod-config')).toBe(false);
    expect(
      ofKind(none, 'ConfigMap').find((o) => o.metadata.name === 'postgres-operator')!.data.wal_s3_bucket,
    ).toBeUndefined();
  });
});

describe('point-in-time recovery: the rendered settings round-trip to what Spilo restores from', () => {
  const SOURCE_UID = '5c4b2a13-7a53-4a8e-9f0f-0123456789ab';
  const restored = withSite(poc, (s) => {
    s.postgres.clusters.push({
      ...s.postgres.clusters[0],
      name: 'acid-test-cluster-pitr',
      numberOfInstances: 1,
      clone: { cluster: 'acid-test-cluster', uid: SOURCE_UID, timestamp: '2026-11-24T18:00:00+01:00' },
    });
  });
  const rendered = renderedApps(restored);
  const clone = objectOf(rendered, 'postgres-clusters', 'postgresql', 'acid-test-cluster-pitr');
  const source = objectOf(rendered, 'postgres-clusters', 'postgresql', 'acid-test-cluster');
  const data = (name: string) =>
    (objectOf(rendered, 'postgres-operator', 'ConfigMap', name) as K8sObject & { data: Record<string, string> }).data;
  // the Secret as docs/minio-backups.md creates it
  const secretKeys = [
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'CLONE_AWS_ACCESS_KEY_ID',
    'CLONE_AWS_SECRET_ACCESS_KEY',
  ];
  const envOf = (cluster: any, uid: string) =>
    spiloEnvironment({
      cluster,
      uid,
      operatorConfig: data('postgres-operator'),
      podEnvironment: data('postgres-pod-config'),
      secretKeys,
    });

  test('the CR carries the clone section', () => {
    expect(clone.spec.clone).toEqual({
      cluster: 'acid-test-cluster',
      uid: SOURCE_UID,
      timestamp: '2026-11-24T18:00:00+01:00',
    });
  });
  test('the clone reads exactly the WAL path the source archives to, at the same endpoint, with the same keys', () => {
    const sourceEnv = envOf(source, SOURCE_UID);
    const cloneEnv = envOf(clone, '0b1c2d3e-0000-4000-8000-000000000001');
    expect(walPrefix(sourceEnv, '')).toBe(`s3://postgres-backups/spilo/acid-test-cluster/${SOURCE_UID}/wal/15`);
    expect(walPrefix(cloneEnv, 'CLONE_')).toBe(walPrefix(sourceEnv, ''));
    expect(cloneEnv.get('CLONE_METHOD')).toBe('CLONE_WITH_WALE');
    expect(cloneEnv.get('CLONE_TARGET_TIME')).toBe('2026-11-24T18:00:00+01:00');
    expect(cloneEnv.get('CLONE_AWS_ENDPOINT')).toBe(sourceEnv.get('AWS_ENDPOINT'));
    expect(cloneEnv.get('CLONE_AWS_S3_FORCE_PATH_STYLE')).toBe('true');
    expect(cloneEnv.get('CLONE_WALG_S3_CA_CERT_FILE')).toBe(sourceEnv.get('WALG_S3_CA_CERT_FILE'));
    expect(cloneEnv.get('CLONE_AWS_ACCESS_KEY_ID')).toBe('secret:postgres-backup-s3/CLONE_AWS_ACCESS_KEY_ID');
    // the clone archives its own WAL under its own uid, not over the source's
    expect(walPrefix(cloneEnv, '')).not.toBe(walPrefix(sourceEnv, ''));
  });
  test('the restored cluster is valid and validated against the pinned CRD', () => {
    expect(validateSite(restored)).toEqual([]);
  });
});

describe('bad MinIO, backup and clone input is refused with the field path and the fix', () => {
  const issues = (change: (s: any) => void) => validateSite(withSite(poc, change));
  const withClone = (clone: Record<string, string>) => (s: any) => {
    s.postgres.clusters.push({ ...s.postgres.clusters[0], name: 'acid-restore', numberOfInstances: 1, clone });
  };
  const good = {
    cluster: 'acid-test-cluster',
    uid: '5c4b2a13-7a53-4a8e-9f0f-0123456789ab',
    timestamp: '2026-11-24T18:00:00+00:00',
  };
  test('fails on a missing root credentials reference', () => {
    expect(
      issues((s) => {
        delete s.minio.rootCredentialsSecret;
      }),
    ).toEqual([
      {
        path: 'minio.rootCredentialsSecret',
        message: expect.stringMatching(
          /^is required: add it \(a string\): Secret in the tenant namespace whose key config.env holds/,
        ),
      },
    ]);
  });
  test('fails on a missing backup credentials reference', () => {
    expect(
      issues((s) => {
        s.postgres.backups.credentialsSecret = '';
      }),
    ).toEqual([
      {
        path: 'postgres.backups.credentialsSecret',
        message: expect.stringMatching(/must name the Secret holding the S3 keys/),
      },
    ]);
  });
  test('fails on an encryption key Secret that is no Secret name', () => {
    expect(
      issues((s) => {
        s.postgres.backups.encryptionKeySecret = 'Backup Key';
      }),
    ).toEqual([
      {
        path: 'postgres.backups.encryptionKeySecret',
        message:
          "'Backup Key' is not a Secret name (a DNS-1123 subdomain: lower-case letters, digits, '-' and '.'), e.g. 'postgres-backup-key'",
      },
    ]);
  });
  test('fails on a backup bucket the tenant does not create', () => {
    expect(
      issues((s) => {
        s.minio.buckets = [];
      }),
    ).toEqual([
      {
        path: 'postgres.backups.bucket',
        message: "bucket 'postgres-backups' is not created by the tenant: add it to minio.buckets",
      },
    ]);
  });
  test('fails on backups without MinIO', () => {
    expect(
      issues((s) => {
        delete s.minio;
      }),
    ).toEqual([{ path: 'postgres.backups', message: expect.stringMatching(/this site has none: add minio/) }]);
  });
  test('fails on s3 nodes with different disk counts', () => {
    expect(
      issues((s) => {
        s.nodes[6].disks.push({ device: '/dev/vdc', size: '50Gi' });
      }),
    ).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'nodes[7].disks' })]));
  });
  test('fails below the 4 drives of erasure coding', () => {
    expect(
      issues((s) => {
        s.nodes = s.nodes.filter((n: any) => !['dnumminioworker3', 'dnumminioworker4'].includes(n.name));
      }),
    ).toEqual([
      {
        path: 'minio',
        message: expect.stringMatching(/pool 'pool-0': 2 servers × 1 volume\(s\) is below the 4 drives/),
      },
    ]);
  });
  test('fails on an s3 node left out of the declared pools, and on a node in two pools', () => {
    const found = issues((s) => {
      s.minio.pools = [
        { name: 'pool-0', nodes: ['dnumminioworker1', 'dnumminioworker2', 'dnumminioworker3'] },
        { name: 'pool-1', nodes: ['dnumminioworker3'] },
      ];
    });
    expect(found).toEqual(
      expect.arrayContaining([
        { path: 'minio.pools[1].nodes[0]', message: expect.stringMatching(/already a server of pool 'pool-0'/) },
        {
          path: 'nodes[9]',
          message: expect.stringMatching(/'dnumminioworker4' is in no MinIO pool: add it to a new pool/),
        },
      ]),
    );
  });
  test('fails on a clone timestamp without a time zone', () => {
    expect(issues(withClone({ ...good, timestamp: '2026-11-24T18:00:00' }))).toEqual([
      { path: 'postgres.clusters[1].clone.timestamp', message: expect.stringMatching(/no numeric time zone offset/) },
    ]);
  });
  test("fails on a clone timestamp in Z form, which the operator's CRD refuses", () => {
    expect(issues(withClone({ ...good, timestamp: '2026-11-24T18:00:00Z' })).map((i) => i.path)).toEqual([
      'postgres.clusters[1].clone.timestamp',
    ]);
  });
  test('fails on an unknown source cluster', () => {
    expect(issues(withClone({ ...good, cluster: 'acid-gone' }))).toEqual([
      {
        path: 'postgres.clusters[1].clone.cluster',
        message: expect.stringMatching(/source cluster 'acid-gone' is not another cluster of this site/),
      },
    ]);
  });
  test('fails on a clone on a site without backups', () => {
    const found = issues((s) => {
      withClone(good)(s);
      delete s.postgres.backups;
    });
    expect(found).toEqual([
      {
        path: 'postgres.clusters[1].clone',
        message: expect.stringMatching(/restores from WAL backups, and this site has none/),
      },
    ]);
  });
  test('fails on a source uid that is not a UID', () => {
    expect(issues(withClone({ ...good, uid: 'acid-test-cluster' })).map((i) => i.path)).toEqual([
      'postgres.clusters[1].clone.uid',
    ]);
  });
});

describe('the diff says how MinIO grows', () => {
  const s3 = (name: string, address: string): SiteNode => ({
    name,
    address,
    roles: ['s3'],
    cpu: 2,
    memory: '2Gi',
    disks: [{ device: '/dev/vdb', size: '50Gi' }],
  });
  const impactsOf = (after: typeof poc) =>
    diffTrees(distTree(poc), distTree(after)).objects.find((o) => o.kind === 'Tenant')?.impacts ?? [];
  test('an s3 node added to the existing pool is refused: MinIO never resizes a pool', () => {
    const grown = withSite(poc, (s) => {
      s.nodes.push(s3('dnumminioworker5', '10.10.10.55'));
    });
    expect(impactsOf(grown)).toEqual([
      {
        level: 'refused',
        message: expect.stringMatching(
          /MinIO pool pool-0 resized \(servers × volumes 4×1 → 5×1\).*add a new pool instead/,
        ),
      },
    ]);
  });
  test('a new pool of new s3 nodes expands the tenant', () => {
    const names = ['dnumminioworker5', 'dnumminioworker6', 'dnumminioworker7', 'dnumminioworker8'];
    const expanded = withSite(poc, (s) => {
      names.forEach((n, i) => s.nodes.push(s3(n, `10.10.10.${55 + i}`)));
      s.minio!.pools = [
        { name: 'pool-0', nodes: s3Nodes },
        { name: 'pool-1', nodes: names },
      ];
    });
    expect(validateSite(expanded)).toEqual([]);
    expect(impactsOf(expanded)).toEqual([
      { level: 'info', message: expect.stringMatching(/new MinIO pool pool-1 \(4×1 servers × volumes\)/) },
    ]);
  });
  test('removing a pool is destructive', () => {
    const before = withSite(poc, (s) => {
      s.minio!.pools = [{ name: 'pool-0', nodes: s3Nodes.slice(0, 4) }];
    });
    const after = withSite(poc, (s) => {
      s.minio!.pools = [{ name: 'pool-1', nodes: s3Nodes.slice(0, 4) }];
    });
    const impacts =
      diffTrees(distTree(before), distTree(after)).objects.find((o) => o.kind === 'Tenant')?.impacts ?? [];
    expect(impacts.map((i) => i.level)).toEqual(['destructive', 'info']);
  });
});

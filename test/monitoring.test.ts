import { asRecord } from '../lib/core/records';
import { ofKind, type Kind } from './support/kinds';
import { field } from '../lib/core/impact';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parser } from '@prometheus-io/lezer-promql';
import { load } from 'js-yaml';
import type { Client } from 'pg';
import { SchemaValidator } from '../lib/check/schema-validator';
import { siteImages } from '../lib/synth/site-images';
import { dashboardExpressions } from '../lib/components/monitoring/dashboard';
import {
  CUSTOM_QUERIES,
  EXPORTER,
  EXPORTER_BUILTIN_METRICS,
  KUBERNETES_METRICS,
  customMetricNames,
  EXPORTER_ROLE,
  exporterInfrastructureRole,
  exporterSecret,
} from '../lib/components/monitoring/exporter';
import { postgresAlertRules } from '../lib/components/monitoring/rules';
import { DEFAULTS } from '../lib/site/defaults';
import { validateSite } from '../lib/components/validate';
import { catalogOf } from '../lib/site/catalog';
import { TRAINS } from '../lib/site/trains';
import { imagesOf } from '../lib/core/images';
import { lab } from '../sites/lab';
import { poc } from '../sites/poc';
import { UPSTREAM, loadUpstreamYaml, upstreamOf } from '../lib/upstream';
import { postgresBinDir, startPostgres, type TestServer } from './support/postgres';
import { objectOf, renderedApps, withSite, type K8sObject } from './support/render';
import { unexpectedDrift } from './support/drift';
import { kubePrometheusManifest } from '../lib/components/monitoring/kube-prometheus';

/** The example's catalog (the runbook-2023 train, no overrides). */
const { images: IMAGES } = catalogOf(poc);

const apps = renderedApps(poc);
const labApps = renderedApps(lab);
const inApp = <K extends Kind>(a: Map<string, K8sObject[]>, app: string, kind: K) => ofKind(a.get(app) ?? [], kind);
const wave = (a: Map<string, K8sObject[]>, name: string) =>
  Number(objectOf(a, 'argocd', 'Application', name).metadata.annotations?.['argocd.argoproj.io/sync-wave']);

/** PromQL parsed by Prometheus' own grammar: error nodes, and the metric names it selects. */
function promql(expr: string): { errors: number[]; metrics: string[] } {
  const errors: number[] = [];
  const metrics: string[] = [];
  parser.parse(expr).iterate({
    enter: (n) => {
      if (n.type.isError) errors.push(n.from);
      if (n.name === 'Identifier' && n.node.parent?.name === 'VectorSelector') metrics.push(expr.slice(n.from, n.to));
    },
  });
  return { errors, metrics };
}

/** What the sidecar and kube-prometheus' kubelet scrape emit. */
const EMITTED = new Set([...Object.keys(EXPORTER_BUILTIN_METRICS), ...customMetricNames(), ...KUBERNETES_METRICS]);

describe('kube-prometheus v0.13.0: setup a wave before the stack', () => {
  const setup = apps.get('kube-prometheus-setup')!;
  test('the monitoring namespace of the pinned setup/, privileged for node-exporter', () => {
    const ns = objectOf(apps, 'kube-prometheus-setup', 'Namespace', 'monitoring');
    expect(loadUpstreamYaml(UPSTREAM.kubePrometheus.namespace)[0].metadata.name).toBe('monitoring');
    expect(ns.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('privileged');
  });
  test('every pinned monitoring.coreos.com CRD, unchanged, applied server-side (prometheuses is over 256 KiB)', () => {
    const pinned = UPSTREAM.kubePrometheus.crds.flatMap((f) => loadUpstreamYaml(f));
    const crds = ofKind(setup, 'CustomResourceDefinition');
    expect(crds.map((c) => c.metadata.name).sort()).toEqual(pinned.map((c) => c.metadata.name).sort());
    expect(crds).toHaveLength(10);
    for (const crd of crds) {
      expect(crd.metadata.annotations['argocd.argoproj.io/sync-options']).toContain('ServerSideApply=true');
      expect(crd.spec).toEqual(pinned.find((p) => p.metadata.name === crd.metadata.name)!.spec);
    }
  });
  test("the stack from the pinned manifests/, Grafana's Deployment, the Prometheus and Alertmanager's config Secret left out, after the CRDs and before the monitors", () => {
    const app = objectOf(apps, 'argocd', 'Application', 'kube-prometheus');
    expect(app.spec.source).toEqual({
      repoURL: poc.gitops.repoURL,
      path: 'dist/poc/kube-prometheus',
      targetRevision: poc.gitops.targetRevision,
    });
    const names = (a: Map<string, K8sObject[]>, kind: string) =>
      (a.get('kube-prometheus') ?? []).filter((o) => o.kind === kind).map((o) => o.metadata.name);
    // the POC runs one Prometheus: upstream's PodDisruptionBudget (minAvailable 1) would block every drain
    expect(names(apps, 'PodDisruptionBudget').sort()).toEqual(['alertmanager-main', 'prometheus-adapter']);
    expect(names(labApps, 'PodDisruptionBudget').sort()).toEqual([
      'alertmanager-main',
      'prometheus-adapter',
      'prometheus-k8s',
    ]);
    for (const a of [apps, labApps]) {
      expect(names(a, 'Deployment')).not.toContain('grafana');
      expect(names(a, 'Prometheus')).toEqual([]);
      expect(names(a, 'Secret')).not.toContain('alertmanager-main');
    }
    // every other object of the pinned files is shipped (the dashboards' ConfigMapList as its ConfigMaps)
    const upstreamDeployments = UPSTREAM.kubePrometheus.manifests.filter(
      (f) => f.path.endsWith('-deployment.yaml') && !f.path.includes('grafana'),
    );
    expect(names(apps, 'Deployment').sort()).toEqual(
      upstreamDeployments
        .flatMap((f) => loadUpstreamYaml(f))
        .map((d) => d.metadata.name)
        .sort(),
    );
    expect(names(apps, 'ConfigMap')).toContain('grafana-dashboard-nodes');
    expect(app.spec.destination.namespace).toBe('monitoring');
    // its namespace comes from the setup app: ArgoCD must not create it with other labels; its objects
    // are small enough for client-side apply, and app-wide server-side apply had bugs in 2.7
    expect(app.spec.syncPolicy.syncOptions).toBeUndefined();
    expect(app.spec.syncPolicy.managedNamespaceMetadata).toBeUndefined();
    expect(wave(apps, 'kube-prometheus-setup')).toBeLessThan(wave(apps, 'kube-prometheus'));
    expect(wave(apps, 'kube-prometheus')).toBeLessThan(wave(apps, 'monitoring'));
  });
  test("its images are listed for air-gapped mirrors from the rendered objects, the operator's config-reloader flag included", () => {
    // lab runs the current train: kube-prometheus v0.18.0
    const images = siteImages(lab).map((i) => i.image);
    const upstream = upstreamOf(catalogOf(lab).versions)
      .kubePrometheus.manifests.filter((f) => !f.path.includes('grafana-deployment'))
      .flatMap((f) => loadUpstreamYaml(f))
      .flatMap((m) => imagesOf(m).map((i) => i.image));
    expect(upstream).toContain('quay.io/prometheus-operator/prometheus-config-reloader:v0.92.0');
    for (const image of [...upstream, catalogOf(lab).images.postgresExporter, catalogOf(lab).images.grafana])
      expect(images).toContain(image);
  });
});

describe('postgres_exporter sidecar on every Spilo pod', () => {
  const clusters = [
    ...inApp(apps, 'postgres-clusters', 'postgresql'),
    ...inApp(labApps, 'postgres-clusters', 'postgresql'),
  ];
  test.each(clusters.map((c) => [c.metadata.name, c]))(
    "%s: pinned image, named port, the pg_monitor role's credentials by reference to the operator's Secret",
    (_n, pg) => {
      expect(pg.spec.sidecars).toHaveLength(1);
      const [sidecar] = pg.spec.sidecars;
      // lab is air-gapped: the same image through its mirror
      expect(sidecar.image).toMatch(/(^|\/)quay\.io\/prometheuscommunity\/postgres-exporter:v0\.(13\.2|20\.1)$/);
      expect(sidecar.ports).toEqual([{ name: 'exporter', containerPort: 9187, protocol: 'TCP' }]);
      const env = Object.fromEntries(sidecar.env.map((e: any) => [e.name, e]));
      expect(env.DATA_SOURCE_URI.value).toBe('localhost:5432/postgres?sslmode=disable');
      // the operator's Secret of the exporter role, not the superuser's (postgres.<cluster>...)
      const secret = `postgres-exporter.${pg.metadata.name}.credentials.postgresql.acid.zalan.do`;
      expect(env.DATA_SOURCE_USER).toEqual({
        name: 'DATA_SOURCE_USER',
        valueFrom: { secretKeyRef: { name: secret, key: 'username', optional: true } },
      });
      expect(env.DATA_SOURCE_PASS).toEqual({
        name: 'DATA_SOURCE_PASS',
        valueFrom: { secretKeyRef: { name: secret, key: 'password', optional: true } },
      });
      expect(sidecar.env.some((e: any) => /PASS/.test(e.name) && e.value !== undefined)).toBe(false);
      // the operator reads only these fields of a CR sidecar: anything else would be dropped silently
      expect(Object.keys(sidecar).sort()).toEqual(['env', 'image', 'name', 'ports', 'resources']);
      expect(sidecar.resources.limits).toBeDefined();
    },
  );
  test.each(clusters.map((c) => [c.metadata.name, c]))(
    '%s: the custom queries are mounted into the sidecar only, from a ConfigMap of its namespace',
    (_n, pg) => {
      const volume = pg.spec.additionalVolumes.find((v: any) => v.mountPath === EXPORTER.queriesDir);
      expect(volume!.targetContainers).toEqual(['exporter']);
      const all = [...(apps.get('postgres-clusters') ?? []), ...(labApps.get('postgres-clusters') ?? [])];
      const cm = ofKind(all, 'ConfigMap').find(
        (o) =>
          o.metadata.name === field(volume, 'volumeSource.configMap.name') &&
          o.metadata.namespace === pg.metadata.namespace,
      );
      expect(cm).toBeDefined();
      const queries = asRecord(load(cm!.data[EXPORTER.queriesFile]));
      expect(Object.keys(queries)).toEqual(Object.keys(CUSTOM_QUERIES));
      const env = pg.spec.sidecars[0].env.find((e: any) => e.name === 'PG_EXPORTER_EXTEND_QUERY_PATH');
      expect(env.value).toBe(`${volume!.mountPath}/${EXPORTER.queriesFile}`);
    },
  );
  test('the sidecar is a valid core/v1 Container of the pinned Kubernetes schema', () => {
    const validator = new SchemaValidator('1.26.0');
    const [sidecar] = clusters[0].spec.sidecars;
    expect(
      validator.validate({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'spilo' },
        spec: { containers: [sidecar] },
      }),
    ).toEqual([]);
    expect(
      validator.validate({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'spilo' },
        spec: { containers: [{ ...sidecar, port: 9187 }] },
      }),
    ).not.toEqual([]);
  });
  test('a site without monitoring gets no sidecar, no queries and no monitoring apps', () => {
    const bare = renderedApps(
      withSite(poc, (s) => {
        delete s.monitoring;
      }),
    );
    expect(inApp(bare, 'postgres-clusters', 'postgresql')[0].spec.sidecars).toBeUndefined();
    expect(inApp(bare, 'postgres-clusters', 'ConfigMap')).toEqual([]);
    expect([...bare.keys()].filter((a) => /monitoring|prometheus/.test(a))).toEqual([]);
    expect(inApp(bare, 'argocd', 'Application').map((a) => a.metadata.name)).not.toContain('kube-prometheus');
  });
});

describe('scraping: Spilo pods, Ceph, MinIO, and the RBAC kube-prometheus does not grant', () => {
  const operatorConfig = objectOf(apps, 'postgres-operator', 'ConfigMap', 'postgres-operator');
  test("a PodMonitor per Postgres namespace selects the pods by the operator's cluster_labels and scrapes the sidecar's port", () => {
    const [key, value] = operatorConfig.data.cluster_labels.split(':');
    const monitors = inApp(labApps, 'monitoring', 'PodMonitor');
    expect(monitors.map((m) => m.metadata.namespace).sort()).toEqual(['analytics', 'postgres']);
    for (const m of monitors) {
      expect(m.spec.selector).toEqual({ matchLabels: { [key]: value } });
      expect(m.spec.namespaceSelector).toBeUndefined(); // its own namespace
      const [endpoint] = m.spec.podMetricsEndpoints;
      expect(endpoint.port).toBe(EXPORTER.port.name);
      // cluster-name, as Prometheus sanitises pod label names, becomes the rules' cluster_name
      const label = operatorConfig.data.cluster_name_label.replace(/[^a-zA-Z0-9_]/g, '_');
      expect(endpoint.relabelings).toEqual([
        { sourceLabels: [`__meta_kubernetes_pod_label_${label}`], targetLabel: 'cluster_name', action: 'replace' },
      ]);
    }
  });
  test.each([
    ['poc', poc, ['minio', 'postgres', 'rook-ceph']],
    ['lab', lab, ['analytics', 'postgres', 'rook-ceph']],
  ])(
    "%s: Prometheus (monitoring/prometheus-k8s) may discover in every scraped namespace what its train's Roles grant, read-only, through its discovery role",
    (_, site, namespaces) => {
      const a = renderedApps(site);
      const roles = inApp(a, 'monitoring', 'Role');
      const bindings = inApp(a, 'monitoring', 'RoleBinding');
      expect(roles.map((r) => r.metadata.namespace).sort()).toEqual(namespaces);
      const pinned = kubePrometheusManifest(
        upstreamOf(catalogOf(site).versions).kubePrometheus,
        'prometheus-roleSpecificNamespaces.yaml',
      );
      const upstreamRules = (loadUpstreamYaml(pinned)[0].items as any[])[0].rules;
      // the operator watches endpointslices (discovery.k8s.io) with serviceDiscoveryRole EndpointSlice, else endpoints
      // a field of the current train's Prometheus CRD, which the runbook train's generated class lacks
      const role = field(objectOf(a, 'monitoring', 'Prometheus', 'k8s'), 'spec.serviceDiscoveryRole') ?? 'Endpoints';
      const discovered = role === 'EndpointSlice' ? ['discovery.k8s.io', 'endpointslices'] : ['', 'endpoints'];
      for (const r of roles) {
        expect(r.rules).toEqual(upstreamRules);
        expect(
          r.rules.some((rule: any) => rule.apiGroups.includes(discovered[0]) && rule.resources.includes(discovered[1])),
          `${r.metadata.namespace}: ${discovered[1]} for ${role}`,
        ).toBe(true);
        for (const rule of r.rules) expect(rule.verbs).toEqual(['get', 'list', 'watch']);
        const binding = bindings.find((b) => b.metadata.namespace === r.metadata.namespace);
        expect(binding!.roleRef).toEqual({
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'Role',
          name: r.metadata.name,
        });
        expect(binding!.subjects).toEqual([
          { apiGroup: '', kind: 'ServiceAccount', name: 'prometheus-k8s', namespace: 'monitoring' },
        ]);
      }
    },
  );
  test("Ceph's mgr and MinIO's cluster metrics are scraped when the site has them, not otherwise", () => {
    const monitors = inApp(apps, 'monitoring', 'ServiceMonitor');
    const ceph = monitors.find((m) => m.metadata.namespace === 'rook-ceph');
    expect(ceph!.spec).toEqual({
      selector: { matchLabels: { app: 'rook-ceph-mgr', rook_cluster: 'rook-ceph' } },
      endpoints: [{ port: 'http-metrics', path: '/metrics', interval: '30s' }],
    });
    const minio = monitors.find((m) => m.metadata.namespace === 'minio');
    expect(minio!.spec.endpoints[0]).toMatchObject({
      port: 'https-minio',
      path: '/minio/v2/metrics/cluster',
      scheme: 'https',
    });
    expect(minio!.spec.endpoints[0].tlsConfig.caFile).toBe('/var/run/secrets/kubernetes.io/serviceaccount/ca.crt');
    const bare = renderedApps(
      withSite(poc, (s) => {
        delete s.ceph;
        delete s.minio;
        delete s.postgres.backups;
        s.externalStorageClasses = ['rook-ceph-block'];
      }),
    );
    expect(inApp(bare, 'monitoring', 'ServiceMonitor')).toEqual([]);
    expect(inApp(bare, 'monitoring', 'Role').map((r) => r.metadata.namespace)).toEqual(['postgres']);
    const privateMetrics = renderedApps(
      withSite(poc, (s) => {
        s.minio!.publicMetrics = false;
      }),
    );
    expect(inApp(privateMetrics, 'monitoring', 'ServiceMonitor').map((m) => m.metadata.namespace)).toEqual([
      'rook-ceph',
    ]);
  });
});

describe('PrometheusRules: what a DBA pages on', () => {
  const rulesOf = (a: Map<string, K8sObject[]>, cluster: string) => {
    const rule = inApp(a, 'monitoring', 'PrometheusRule').find((r) => r.metadata.name === `postgres-${cluster}`);
    return rule!.spec.groups[0].rules as any[];
  };
  const all = [
    ...inApp(apps, 'monitoring', 'PrometheusRule'),
    ...inApp(labApps, 'monitoring', 'PrometheusRule'),
  ].flatMap((r) => r.spec.groups[0].rules as any[]);

  test("one rule object per cluster, in the cluster's namespace", () => {
    expect(
      inApp(labApps, 'monitoring', 'PrometheusRule')
        .map((r) => `${r.metadata.namespace}/${r.metadata.name}`)
        .sort(),
    ).toEqual(['analytics/postgres-acid-analytics', 'postgres/postgres-acid-orders']);
  });
  test('the alerts the issue lists, backups included when the site has them', () => {
    expect(rulesOf(apps, 'acid-test-cluster').map((r) => r.alert)).toEqual([
      'PostgresInstanceDown',
      'PostgresNoPrimary',
      'PostgresReplicasBelowSpec',
      'PostgresReplicationLag',
      'PostgresConnectionsNearMax',
      'PostgresVolumeNearlyFull',
      'PostgresFailover',
      'PostgresBackupsFailing',
    ]);
    const noBackups = renderedApps(
      withSite(poc, (s) => {
        delete s.postgres.backups;
      }),
    );
    expect(rulesOf(noBackups, 'acid-test-cluster').map((r) => r.alert)).not.toContain('PostgresBackupsFailing');
  });
  test.each(all.map((r, i) => [`${i} ${r.alert}`, r]))(
    '%s parses as PromQL and uses only metrics the sidecar or kubelet emits',
    (_n, rule) => {
      const { errors, metrics } = promql(rule.expr);
      expect(errors).toEqual([]);
      expect(metrics.length).toBeGreaterThan(0);
      for (const m of metrics) expect(EMITTED.has(m) ? m : `${m} is emitted by nothing scraped`).toBe(m);
      expect(['critical', 'warning']).toContain(rule.labels.severity);
      expect(rule.annotations.summary).toBeTruthy();
    },
  );
  test('the parser catches a broken expression (so the test above can fail)', () => {
    expect(promql('sum(pg_up{namespace="x"} ==').errors).not.toEqual([]);
    expect(promql('pg_up{namespace="x"} >> 1').errors).not.toEqual([]);
  });
  test("thresholds: defaults, the site's, and a cluster's own", () => {
    const expr = (a: Map<string, K8sObject[]>, cluster: string, alert: string) =>
      rulesOf(a, cluster).find((r) => r.alert === alert).expr as string;
    expect(expr(apps, 'acid-test-cluster', 'PostgresReplicationLag')).toMatch(
      new RegExp(`> ${DEFAULTS.thresholds.replicationLagSeconds}$`),
    );
    expect(expr(apps, 'acid-test-cluster', 'PostgresConnectionsNearMax')).toMatch(/> 0\.8$/);
    expect(expr(labApps, 'acid-orders', 'PostgresReplicationLag')).toMatch(/> 30$/); // lab's site-wide value
    expect(expr(labApps, 'acid-orders', 'PostgresVolumeNearlyFull')).toMatch(/< 0\.2$/);
    expect(expr(labApps, 'acid-orders', 'PostgresConnectionsNearMax')).toMatch(/> 0\.8$/);
    expect(expr(labApps, 'acid-analytics', 'PostgresConnectionsNearMax')).toMatch(/> 0\.95$/); // its own
    expect(rulesOf(labApps, 'acid-orders').find((r) => r.alert === 'PostgresInstanceDown').for).toBe('2m');
  });
  test('replicas below spec compares with numberOfInstances - 1, and a single instance has no such rule', () => {
    expect(rulesOf(labApps, 'acid-orders').find((r) => r.alert === 'PostgresReplicasBelowSpec').expr).toMatch(/< 2$/);
    const single = postgresAlertRules(
      { ...poc.postgres.clusters[0], numberOfInstances: 1 },
      DEFAULTS.thresholds,
      false,
    );
    expect(single.map((r) => r.alert)).not.toContain('PostgresReplicasBelowSpec');
  });
  test('every rule selects its own cluster only', () => {
    for (const rule of rulesOf(labApps, 'acid-analytics')) {
      expect(rule.expr).toContain('namespace="analytics"');
      expect(rule.expr).not.toContain('acid-orders');
      expect(rule.labels).toMatchObject({ namespace: 'analytics', cluster_name: 'acid-analytics' });
    }
  });
});

describe('Prometheus k8s, sized by the site', () => {
  const prometheusOf = (a: Map<string, K8sObject[]>) => objectOf(a, 'monitoring', 'Prometheus', 'k8s');
  test("upstream's identity: name, labels, service account, Alertmanager, and selectors for every monitor and rule of every namespace", () => {
    const p = prometheusOf(apps);
    expect(p.metadata.namespace).toBe('monitoring');
    expect(p.spec.podMetadata.labels).toMatchObject({
      'app.kubernetes.io/name': 'prometheus',
      'app.kubernetes.io/instance': 'k8s',
      'app.kubernetes.io/part-of': 'kube-prometheus',
    });
    expect(p.spec.serviceAccountName).toBe('prometheus-k8s');
    expect(p.spec.alerting.alertmanagers).toEqual([
      { apiVersion: 'v2', name: 'alertmanager-main', namespace: 'monitoring', port: 'web' },
    ]);
    for (const k of ['serviceMonitor', 'podMonitor', 'probe', 'rule']) {
      expect(field(p, `spec.${k}Selector`)).toEqual({});
      expect(field(p, `spec.${k}NamespaceSelector`)).toEqual({});
    }
    expect(p.spec.image).toBe(`quay.io/prometheus/prometheus:v${p.spec.version}`);
    const pinned = UPSTREAM.kubePrometheus.manifests.find((f) => f.path.endsWith('/prometheus-prometheus.yaml'))!;
    expect(loadUpstreamYaml(pinned)[0].spec).toMatchObject({ image: p.spec.image, version: p.spec.version });
  });
  test.each([
    ['poc', poc],
    ['lab', lab],
  ])(
    "%s: every field of its train's prometheus-prometheus.yaml but the site's sizes (v0.18.0: EndpointSlice discovery, ScrapeConfig selectors, Linux nodes)",
    (_, site) => {
      const pinned = kubePrometheusManifest(
        upstreamOf(catalogOf(site).versions).kubePrometheus,
        'prometheus-prometheus.yaml',
      );
      const [upstream] = loadUpstreamYaml(pinned) as any[];
      const rendered = prometheusOf(renderedApps(site));
      // the image may be rewritten to the site's mirror; the sizes are the site's
      const sized = ['spec.replicas', 'spec.retention', 'spec.storage', 'spec.resources', 'spec.image'];
      expect(unexpectedDrift(upstream, rendered, ['metadata.annotations', ...sized])).toEqual([]);
      expect(rendered.spec.image).toMatch(new RegExp(`${upstream.spec.image.replace(/[.]/g, '\\.')}$`));
    },
  );
  test('the drift check fails on the v0.13 shape on the current train (no discovery role, selectors or node selector)', () => {
    const pinned = kubePrometheusManifest(
      upstreamOf(catalogOf(lab).versions).kubePrometheus,
      'prometheus-prometheus.yaml',
    );
    const [upstream] = loadUpstreamYaml(pinned) as any[];
    const { serviceDiscoveryRole: _r, scrapeConfigSelector: _s, nodeSelector: _n, ...v013 } = upstream.spec;
    expect(unexpectedDrift(upstream, { ...upstream, spec: v013 }, [])).toEqual([
      'spec.nodeSelector',
      'spec.scrapeConfigSelector',
      'spec.serviceDiscoveryRole',
    ]);
  });
  test("the POC: one server, 7 days on a Ceph volume; lab: its resources; a site that says nothing: upstream's sizes, emptyDir", () => {
    const poc1 = prometheusOf(apps).spec;
    expect(poc1).toMatchObject({
      replicas: 1,
      retention: '7d',
      resources: { requests: { cpu: '50m', memory: '200Mi' } },
    });
    expect(poc1.storage.volumeClaimTemplate.spec).toEqual({
      storageClassName: 'rook-ceph-block',
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: '10Gi' } },
    });
    expect(prometheusOf(labApps).spec.resources).toEqual({
      requests: { cpu: '500m', memory: '2Gi' },
      limits: { cpu: '2', memory: '4Gi' },
    });
    const plain = prometheusOf(
      renderedApps(
        withSite(poc, (s) => {
          s.monitoring = {};
        }),
      ),
    ).spec;
    expect(plain.replicas).toBe(2);
    expect(plain.retention).toBeUndefined();
    expect(plain.storage).toBeUndefined();
    expect(plain.resources).toEqual({ requests: { memory: '400Mi' } });
  });
});

describe("Grafana: the Postgres dashboard in kube-prometheus' Grafana", () => {
  const deployment = objectOf(apps, 'monitoring', 'Deployment', 'grafana');
  const cm = objectOf(apps, 'monitoring', 'ConfigMap', 'grafana-dashboard-postgres-clusters');
  const dashboard = JSON.parse(cm.data['postgres-clusters.json']);
  test("the dashboard is mounted in the folder kube-prometheus' dashboard provider reads", () => {
    const pod = deployment.spec.template.spec;
    const volume = pod.volumes.find((v) => v.configMap?.name === cm.metadata.name)!;
    expect(volume.configMap.optional).toBeUndefined();
    const mount = pod.containers[0].volumeMounts.find((m) => m.name === volume.name)!;
    expect(mount.mountPath).toBe('/grafana-dashboard-definitions/0/postgres-clusters');
    // upstream's configuration Secrets hold no secret: the kube-prometheus app renders them as ConfigMaps
    for (const name of ['grafana-datasources', 'grafana-config']) {
      expect(pod.volumes.some((v) => v.configMap?.name === name)).toBe(true);
      expect(objectOf(apps, 'kube-prometheus', 'ConfigMap', name).metadata.namespace).toBe('monitoring');
    }
    expect(pod.volumes.find((v) => v.name === 'grafana-dashboards')?.configMap.name).toBe('grafana-dashboards');
  });
  test("kube-prometheus' own Deployment is replaced: same name, selector and service account, hardened", () => {
    expect(deployment.metadata.namespace).toBe('monitoring');
    expect(deployment.spec.selector.matchLabels).toEqual({
      'app.kubernetes.io/component': 'grafana',
      'app.kubernetes.io/name': 'grafana',
      'app.kubernetes.io/part-of': 'kube-prometheus',
    });
    const pod = deployment.spec.template.spec;
    expect(pod.serviceAccountName).toBe('grafana');
    const [c] = pod.containers;
    expect(c.image).toBe(IMAGES.grafana);
    expect(c.ports).toEqual([{ name: 'http', containerPort: 3000 }]);
    expect(c.securityContext).toMatchObject({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(c.resources.limits).toBeDefined();
  });
  test('every panel query parses and uses only emitted metrics; variables pick the namespace and cluster', () => {
    const exprs = dashboard.panels.flatMap((p: any) => p.targets.map((t: any) => t.expr));
    expect(exprs).toEqual(dashboardExpressions());
    for (const expr of exprs) {
      const { errors, metrics } = promql(expr);
      expect(errors).toEqual([]);
      for (const m of metrics) expect(EMITTED.has(m) ? m : `${m} is emitted by nothing scraped`).toBe(m);
    }
    expect(dashboard.templating.list.map((v: any) => v.name)).toEqual(['datasource', 'namespace', 'cluster']);
    expect(dashboard.uid).toBe('postgres-clusters');
  });
});

describe('Grafana hardened: the admin from a Secret, never admin/admin; nothing anonymous, nothing phoned home', () => {
  const env = (site: typeof poc) =>
    objectOf(renderedApps(site), 'monitoring', 'Deployment', 'grafana').spec.template.spec.containers[0].env;
  test("the admin account from the Secret 'grafana-admin' by default (not optional: no default password if it is missing)", () => {
    expect(env(poc).filter((e: any) => e.valueFrom)).toEqual([
      { name: 'GF_SECURITY_ADMIN_USER', valueFrom: { secretKeyRef: { name: 'grafana-admin', key: 'admin-user' } } },
      {
        name: 'GF_SECURITY_ADMIN_PASSWORD',
        valueFrom: { secretKeyRef: { name: 'grafana-admin', key: 'admin-password' } },
      },
    ]);
    expect(env(poc).some((e: any) => e.name === 'GF_SECURITY_ADMIN_PASSWORD' && e.value !== undefined)).toBe(false);
  });
  test('the site names another Secret: monitoring.grafana.adminSecret', () => {
    const named = env(withSite(poc, (s) => (s.monitoring!.grafana = { adminSecret: 'ops-grafana' })));
    expect(named.filter((e: any) => e.valueFrom).map((e: any) => e.valueFrom.secretKeyRef.name)).toEqual([
      'ops-grafana',
      'ops-grafana',
    ]);
  });
  test('anonymous access, sign-up, Gravatar, external snapshots, reporting and update checks off; SameSite=strict', () => {
    const values = Object.fromEntries(
      env(lab)
        .filter((e: any) => e.value)
        .map((e: any) => [e.name, e.value]),
    );
    expect(values).toEqual({
      GF_AUTH_ANONYMOUS_ENABLED: 'false',
      GF_USERS_ALLOW_SIGN_UP: 'false',
      GF_SECURITY_DISABLE_GRAVATAR: 'true',
      GF_SECURITY_COOKIE_SAMESITE: 'strict',
      GF_SNAPSHOTS_EXTERNAL_ENABLED: 'false',
      GF_ANALYTICS_REPORTING_ENABLED: 'false',
      GF_ANALYTICS_CHECK_FOR_UPDATES: 'false',
    });
  });
});

describe('validation', () => {
  const messages = (site: typeof poc) => validateSite(site).map((i) => `${i.path}: ${i.message}`);
  test.each([
    [
      'a ratio of 80',
      (s: any) => {
        s.monitoring.thresholds = { connectionsRatio: 80 };
      },
      /^monitoring\.thresholds\.connectionsRatio: 80 is not a share between 0 and 1/,
    ],
    [
      'a free share of 0',
      (s: any) => {
        s.monitoring.thresholds = { volumeFreeRatio: 0 };
      },
      /^monitoring\.thresholds\.volumeFreeRatio: 0 is not a share/,
    ],
    [
      'a negative lag',
      (s: any) => {
        s.monitoring.thresholds = { replicationLagSeconds: -5 };
      },
      /^monitoring\.thresholds\.replicationLagSeconds: -5 is not a number of seconds/,
    ],
    [
      'a duration without unit',
      (s: any) => {
        s.postgres.clusters[0].alerts = { instanceDownFor: '5' };
      },
      /^postgres\.clusters\[0\]\.alerts\.instanceDownFor: '5' is not a Prometheus duration/,
    ],
    [
      'a compound duration',
      (s: any) => {
        s.monitoring.thresholds = { archiveFailingFor: '1h30m' };
      },
      /^monitoring\.thresholds\.archiveFailingFor: '1h30m' is not a Prometheus duration/,
    ],
    [
      'alerts without monitoring',
      (s: any) => {
        delete s.monitoring;
        s.postgres.clusters[0].alerts = { connectionsRatio: 0.9 };
      },
      /^postgres\.clusters\[0\]\.alerts: alert thresholds need monitoring/,
    ],
    [
      'no Prometheus server',
      (s: any) => {
        s.monitoring.prometheus.replicas = 0;
      },
      /^monitoring\.prometheus\.replicas: 0 is not a whole number >= 1/,
    ],
    [
      'a retention in words',
      (s: any) => {
        s.monitoring.prometheus.retention = '2 weeks';
      },
      /^monitoring\.prometheus\.retention: '2 weeks' is not a retention Prometheus reads/,
    ],
    [
      'a volume of a class the site lacks',
      (s: any) => {
        s.monitoring.prometheus.storage.storageClass = 'fast-ssd';
      },
      /^monitoring\.prometheus\.storage\.storageClass: StorageClass 'fast-ssd' is not provided by this site \(it has rook-ceph-block\)/,
    ],
    [
      'a volume size in GB',
      (s: any) => {
        s.monitoring.prometheus.storage.size = '10GB';
      },
      /^monitoring\.prometheus\.storage\.size: '10GB' is not a Kubernetes quantity: use binary units like '10Gi'/,
    ],
    [
      'a limit below its request',
      (s: any) => {
        s.monitoring.prometheus.resources = {
          requests: { cpu: '1', memory: '2Gi' },
          limits: { cpu: '1', memory: '1Gi' },
        };
      },
      /^monitoring\.prometheus\.resources\.limits\.memory: limit 1Gi is below the request 2Gi/,
    ],
    [
      "a Grafana admin Secret that can't be a name",
      (s: any) => {
        s.monitoring.grafana = { adminSecret: 'Grafana Admin' };
      },
      /^monitoring\.grafana\.adminSecret: 'Grafana Admin' is not a Secret name/,
    ],
  ])('%s is refused with its field path', (_n, change, expected) => {
    expect(messages(withSite(poc, change))).toEqual([expect.stringMatching(expected)]);
  });
});

const pgInstalled = postgresBinDir() !== undefined;
describe.runIf(pgInstalled || process.env.CI === 'true')(
  'custom exporter queries against a real PostgreSQL server',
  () => {
    let server: TestServer;
    let client: Client;
    beforeAll(async () => {
      // archiving that always fails, as with a wrong bucket or bad S3 credentials
      server = await startPostgres({ wal_level: 'replica', archive_mode: 'on', archive_command: "'false'" });
      client = await server.connect();
    }, 60_000);
    afterAll(async () => {
      await client?.end();
      await server?.stop();
    });

    // whichever major the host's package manager installs (Debian 12: 15, Ubuntu 24.04: 16): the queries must
    // hold on every major a train's Spilo runs, so any major between the oldest and the newest is a fair referee
    test("the server's major is within the trains' Spilo majors", async () => {
      const majors = Object.values(TRAINS).map((t) => Number(t.versions.spiloMajor));
      const { rows } = await client.query('SHOW server_version_num');
      expect(Math.floor(Number(rows[0].server_version_num) / 10000)).toBe(server.major);
      expect(server.major).toBeGreaterThanOrEqual(Math.min(...majors));
      expect(server.major).toBeLessThanOrEqual(Math.max(...majors));
    });

    test.each(Object.entries(CUSTOM_QUERIES))(
      '%s returns exactly its declared columns, numbers or NULL',
      async (_name, q) => {
        const result = await client.query(q.query);
        expect(result.fields.map((f) => f.name).sort()).toEqual(Object.keys(q.columns).sort());
        expect(result.rows.length).toBeGreaterThan(0);
        for (const row of result.rows) {
          for (const [column, c] of Object.entries(q.columns)) {
            if (c.usage !== 'LABEL' && row[column] !== null) expect(Number.isFinite(Number(row[column]))).toBe(true);
          }
        }
      },
    );

    test('failing WAL archiving shows as the backups-failing alert expects', async () => {
      await client.query('CREATE TABLE t AS SELECT generate_series(1, 1000) AS n');
      await client.query('SELECT pg_switch_wal()');
      let row: any;
      for (let i = 0; i < 50; i += 1) {
        ({
          rows: [row],
        } = await client.query(CUSTOM_QUERIES.pgplatform_archiver.query));
        if (Number(row.failed_count) > 0) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(Number(row.failed_count)).toBeGreaterThan(0);
      expect(Number(row.archived_count)).toBe(0);
      expect(row.last_archived_time).toBeNull(); // NaN for the exporter
      expect(Number(row.last_failed_time)).toBeGreaterThan(Date.now() / 1000 - 300);
      // the rule's second arm: failures and never a success
      const rule = postgresAlertRules(poc.postgres.clusters[0], DEFAULTS.thresholds, true).find(
        (r) => r.alert === 'PostgresBackupsFailing',
      )!;
      expect(rule.expr).toContain('pgplatform_archiver_failed_count');
      expect(rule.expr).toContain('pgplatform_archiver_archived_count');
    }, 30_000);

    test("the exporter role as the operator creates it (LOGIN IN ROLE pg_monitor) reads every query, other sessions' included; without pg_monitor it would not", async () => {
      // users.go createUserSQL: CREATE ROLE "<name>" LOGIN IN ROLE pg_monitor (the infrastructure role's membership)
      await client.query(`CREATE ROLE ${EXPORTER_ROLE} LOGIN IN ROLE pg_monitor`);
      await client.query('CREATE ROLE plain_login LOGIN');
      const other = await server.connect();
      try {
        await other.query("SELECT 'the other session'");
        const seen = async (role: string) => {
          await client.query(`SET ROLE ${role}`);
          try {
            for (const q of Object.values(CUSTOM_QUERIES)) await client.query(q.query);
            const { rows } = await client.query(
              "SELECT query FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND backend_type = 'client backend'",
            );
            const {
              rows: [me],
            } = await client.query('SELECT rolsuper FROM pg_roles WHERE rolname = current_user');
            return { superuser: me.rolsuper, queries: rows.map((r) => r.query) };
          } finally {
            await client.query('RESET ROLE');
          }
        };
        const exporter = await seen(EXPORTER_ROLE);
        expect(exporter.superuser).toBe(false);
        expect(exporter.queries).toContain("SELECT 'the other session'");
        expect((await seen('plain_login')).queries).not.toContain("SELECT 'the other session'");
      } finally {
        await other.end();
      }
    });

    test("the built-in metrics the rules use read what exists on the server's major", async () => {
      // pg_settings_max_connections, pg_stat_activity_count and pg_replication_* come from these
      const {
        rows: [settings],
      } = await client.query("SELECT setting::int AS max FROM pg_settings WHERE name = 'max_connections'");
      expect(settings.max).toBeGreaterThan(0);
      const { rows: activity } = await client.query(
        'SELECT datname, state, count(*) FROM pg_stat_activity GROUP BY datname, state',
      );
      expect(activity.length).toBeGreaterThan(0);
      const {
        rows: [replication],
      } = await client.query(
        'SELECT pg_is_in_recovery() AS replica, CASE WHEN NOT pg_is_in_recovery() THEN 0 ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END AS lag',
      );
      expect(replication.replica).toBe(false);
      expect(Number(replication.lag)).toBe(0);
    });
  },
);

test('docs/monitoring.md documents every alert and threshold', () => {
  const doc = readFileSync(join(__dirname, '..', 'docs', 'monitoring.md'), 'utf8');
  for (const rule of postgresAlertRules(poc.postgres.clusters[0], DEFAULTS.thresholds, true))
    expect(doc).toContain(`| \`${rule.alert}\` | ${rule.labels.severity} |`);
  for (const [key, value] of Object.entries(DEFAULTS.thresholds))
    expect(doc).toMatch(new RegExp(`\\| \`${key}\` \\| \`?${value}\`? \\|`));
});

test("the exporter role: the operator creates it in every cluster, a member of pg_monitor, from the deploy-time Secret; its Secret name is the operator's template", () => {
  expect(exporterSecret(poc.postgres.clusters[0])).toBe(
    'postgres-exporter.acid-test-cluster.credentials.postgresql.acid.zalan.do',
  );
  const config = (site: typeof poc) =>
    (objectOf(renderedApps(site), 'postgres-operator', 'ConfigMap', 'postgres-operator') as any).data;
  expect(config(poc).infrastructure_roles_secrets).toBe(
    'secretname:postgres-operator/postgres-exporter,defaultuservalue:postgres_exporter,passwordkey:password,defaultrolevalue:pg_monitor',
  );
  expect(exporterInfrastructureRole('ops')).toMatch(/^secretname:ops\/postgres-exporter,/);
  expect(config(withSite(poc, (s) => delete s.monitoring)).infrastructure_roles_secrets).toBeUndefined();
});

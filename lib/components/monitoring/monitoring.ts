import { ApiObject, App } from 'cdk8s';
import { Construct } from 'constructs';
import {
  IntOrString,
  KubeConfigMap,
  KubeDeployment,
  KubeRole,
  type PolicyRule,
  type Volume,
  type VolumeMount,
} from '../../../imports/k8s';
import {
  PodMonitor,
  PodMonitorSpecPodMetricsEndpointsRelabelingsAction,
  PrometheusRule,
  PrometheusRuleSpecGroupsRulesExpr,
  ServiceMonitor,
  ServiceMonitorSpecEndpointsRelabelingsAction,
  ServiceMonitorSpecEndpointsScheme,
} from '../../../imports/monitoring.coreos.com';
import { AppChart } from '../../constructs/app-chart';
import { upstreamObject, upstreamObjects } from '../../constructs/upstream-manifest';
import { asRecord } from '../../core/records';
import { kubePrometheusManifest, listItems } from './kube-prometheus';
import type { Manifest, Upstream, UpstreamFile } from '../../upstream';
import { addSyncOptions } from '../../constructs/argocd-sync';
import { HARDENED_POD, hardenedContainer, resources } from '../../constructs/hardening';
import { bindRole, serviceAccountRef } from '../../constructs/rbac';
import { DASHBOARD, postgresDashboard } from './dashboard';
import { EXPORTER } from './exporter';
import { grafanaEnv } from './grafana-settings';
import { postgresAlertRules } from './rules';
import { ROOK_NAMESPACE } from '../../site/ceph';
import type { PostgresClusterSpec, ResourceAmounts } from '../../site/model';
import { MONITORING_NAMESPACE } from '../../site/monitoring';
import { TENANT_LABEL } from '../minio/minio';
import { type PostgresAlertThresholds, type PrometheusSpec } from '../../site/schema/monitoring';
import { clusterNamespace, type ResolvedMinio } from '../../site/resolve';

/** kube-prometheus' Prometheus service account, which discovers and scrapes targets. */
const PROMETHEUS_SA = 'prometheus-k8s';

/**
 * The dashboards kube-prometheus v0.13.0 ships (grafana-dashboardDefinitions.yaml, one
 * ConfigMap `grafana-dashboard-<name>` each), which its Grafana Deployment mounts. Mounted
 * optional: a name missing upstream leaves its folder empty rather than blocking Grafana.
 */
const UPSTREAM_DASHBOARDS = [
  'alertmanager-overview',
  'apiserver',
  'cluster-total',
  'controller-manager',
  'grafana-overview',
  'k8s-resources-cluster',
  'k8s-resources-namespace',
  'k8s-resources-node',
  'k8s-resources-pod',
  'k8s-resources-workload',
  'k8s-resources-workloads-namespace',
  'kubelet',
  'namespace-by-pod',
  'namespace-by-workload',
  'node-cluster-rsrc-use',
  'node-rsrc-use',
  'nodes-darwin',
  'nodes',
  'persistentvolumesusage',
  'pod-total',
  'prometheus-remote-write',
  'prometheus',
  'proxy',
  'scheduler',
  'workload-total',
];

/** The Grafana image's `nobody` user, as kube-prometheus runs it. */
const GRAFANA_UID = 65534;

/** Grafana's pods (kube-prometheus' labels) and the port they serve on. */
export const GRAFANA = {
  selector: {
    'app.kubernetes.io/component': 'grafana',
    'app.kubernetes.io/name': 'grafana',
    'app.kubernetes.io/part-of': 'kube-prometheus',
  },
  port: 3000,
} as const;

/**
 * What Prometheus scrapes beyond kube-prometheus' own targets, the alerts, and Grafana with the
 * Postgres dashboard. kube-prometheus grants Prometheus only default, kube-system and monitoring:
 * every other namespace scraped here gets a Role for it.
 */
export interface MonitoringProps {
  /** The site's monitoring.prometheus section. */
  readonly prometheus: PrometheusSpec;
  /** Prometheus `k8s` replicas (resolved). */
  readonly prometheusReplicas: number;
  /** The clusters' namespaces, each once: one PodMonitor each. */
  readonly clusterNamespaces: readonly string[];
  /** Each cluster with its alert thresholds (thresholdsOf). */
  readonly clusters: readonly { readonly spec: PostgresClusterSpec; readonly thresholds: PostgresAlertThresholds }[];
  /** The clusters back up with WAL-G: the archive alerts apply. */
  readonly backups: boolean;
  /** The site runs Ceph: its mgr is scraped. */
  readonly ceph: boolean;
  /** The site's MinIO, scraped when its metrics are public. @default - no MinIO */
  readonly minio?: ResolvedMinio;
  readonly images: { readonly prometheus: string; readonly grafana: string };
  /** The Secret of Grafana's admin account (keys admin-user, admin-password). */
  readonly grafanaAdminSecret: string;
  /** The train's kube-prometheus files: its Prometheus `k8s` and the rules of its per-namespace Roles. */
  readonly upstream: Upstream['kubePrometheus'];
}

/**
 * The rules kube-prometheus grants its Prometheus in each namespace it scrapes: the same in every
 * Role of the pinned file, or an error (upstream changed its layout).
 */
function prometheusRoleRules(file: UpstreamFile): readonly PolicyRule[] {
  const roles = upstreamObjects(file)
    .flatMap(listItems)
    .filter((m) => m.kind === 'Role');
  const rules = roles.map((r) => JSON.stringify(r.rules));
  if (roles.length === 0 || new Set(rules).size !== 1)
    throw new Error(
      `${file.path}: expected Roles with one set of rules, found ${roles.length} with ${new Set(rules).size}`,
    );
  return roles[0].rules as PolicyRule[];
}

export class MonitoringChart extends AppChart {
  constructor(scope: App, id: string, props: MonitoringProps) {
    super(scope, id, {
      description: 'Postgres, Ceph and MinIO scraping, Postgres alerts, Grafana with the Postgres dashboard',
    });
    const scraped: string[] = [];

    for (const ns of props.clusterNamespaces) {
      scraped.push(ns);
      const monitor = new PodMonitor(this, `PodMonitor-${ns}`, {
        metadata: { name: `postgres-${ns}`, namespace: ns },
        spec: {
          selector: { matchLabels: { application: 'spilo' } },
          podMetricsEndpoints: [
            {
              port: EXPORTER.port.name,
              interval: '30s',
              // the rules and dashboard select clusters by this label
              relabelings: [
                {
                  sourceLabels: ['__meta_kubernetes_pod_label_cluster_name'],
                  targetLabel: 'cluster_name',
                  action: PodMonitorSpecPodMetricsEndpointsRelabelingsAction.REPLACE,
                },
              ],
            },
          ],
        },
      });
      addSyncOptions(monitor, 'SkipDryRunOnMissingResource=true');
    }
    for (const { spec: pg, thresholds } of props.clusters) {
      const rule = new PrometheusRule(this, `Rules-${clusterNamespace(pg)}-${pg.name}`, {
        metadata: { name: `postgres-${pg.name}`, namespace: clusterNamespace(pg), labels: { 'cluster-name': pg.name } },
        spec: {
          groups: [
            {
              name: `postgres-${pg.name}`,
              rules: postgresAlertRules(pg, thresholds, props.backups).map((r) => ({
                ...r,
                expr: PrometheusRuleSpecGroupsRulesExpr.fromString(r.expr),
                labels: { ...r.labels },
                annotations: { ...r.annotations },
              })),
            },
          ],
        },
      });
      addSyncOptions(rule, 'SkipDryRunOnMissingResource=true');
    }

    if (props.ceph) {
      scraped.push(ROOK_NAMESPACE);
      // the mgr's prometheus module, behind the Service Rook creates (CephCluster monitoring.enabled stays false:
      // Rook would create its own ServiceMonitor, outside git)
      const monitor = new ServiceMonitor(this, 'ServiceMonitor-ceph', {
        metadata: { name: 'rook-ceph-mgr', namespace: ROOK_NAMESPACE },
        spec: {
          selector: { matchLabels: { app: 'rook-ceph-mgr', rook_cluster: ROOK_NAMESPACE } },
          endpoints: [{ port: 'http-metrics', path: '/metrics', interval: '30s' }],
        },
      });
      addSyncOptions(monitor, 'SkipDryRunOnMissingResource=true');
    }

    const { minio } = props;
    // without public metrics MinIO wants a bearer token, which this project does not generate
    if (minio?.publicMetrics) {
      scraped.push(minio.namespace);
      const monitor = new ServiceMonitor(this, 'ServiceMonitor-minio', {
        metadata: { name: 'minio', namespace: minio.namespace },
        spec: {
          selector: { matchLabels: { [TENANT_LABEL]: minio.tenant } },
          endpoints: [
            {
              port: minio.autoCert ? 'https-minio' : 'http-minio',
              path: '/minio/v2/metrics/cluster',
              interval: '60s',
              scheme: minio.autoCert ? ServiceMonitorSpecEndpointsScheme.HTTPS : ServiceMonitorSpecEndpointsScheme.HTTP,
              // the operator's certificate is signed by the cluster CA
              ...(minio.autoCert
                ? {
                    tlsConfig: {
                      caFile: '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt',
                      serverName: `minio.${minio.namespace}.svc.cluster.local`,
                    },
                  }
                : {}),
              // the headless Service has the same port: scrape the tenant once, through `minio`
              relabelings: [
                {
                  sourceLabels: ['__meta_kubernetes_service_name'],
                  regex: 'minio',
                  action: ServiceMonitorSpecEndpointsRelabelingsAction.KEEP,
                },
              ],
            },
          ],
        },
      });
      addSyncOptions(monitor, 'SkipDryRunOnMissingResource=true');
    }

    const rules = prometheusRoleRules(kubePrometheusManifest(props.upstream, 'prometheus-roleSpecificNamespaces.yaml'));
    for (const ns of scraped) this.prometheusAccess(ns, rules);
    const pinned = upstreamObject(
      kubePrometheusManifest(props.upstream, 'prometheus-prometheus.yaml'),
      'Prometheus',
      'k8s',
    );
    this.prometheus(pinned, props.prometheus, props.prometheusReplicas, props.images.prometheus);
    this.grafana(props.images.grafana, props.grafanaAdminSecret);
  }

  /**
   * kube-prometheus' Prometheus `k8s` (manifests/prometheus-prometheus.yaml, excluded from the kube-prometheus
   * Application), built from the train's own file: every field upstream sets (its discovery role, selectors, node
   * selector, Alertmanager) is the pinned one, and only the site's replicas, retention, volume and resources (and the
   * catalog's image) are ours. Same name, labels and service account as upstream's, so its Service, NetworkPolicy and
   * PodDisruptionBudget still match.
   */
  private prometheus(pinned: Manifest, p: PrometheusSpec, replicas: number, image: string): void {
    const spec = asRecord(pinned.spec);
    const version = image.split(':v')[1];
    const labels = { ...asRecord(pinned.metadata.labels), 'app.kubernetes.io/version': version };
    const amounts = (r: ResourceAmounts | undefined) => (r ? { cpu: r.cpu, memory: r.memory } : undefined);
    const prometheus = new ApiObject(this, 'Prometheus', {
      apiVersion: pinned.apiVersion,
      kind: pinned.kind,
      metadata: { name: pinned.metadata.name, namespace: MONITORING_NAMESPACE, labels },
      spec: {
        ...spec,
        image,
        version,
        replicas,
        podMetadata: { ...asRecord(spec.podMetadata), labels },
        ...(p.retention ? { retention: p.retention } : {}),
        ...(p.storage
          ? {
              storage: {
                volumeClaimTemplate: {
                  spec: {
                    storageClassName: p.storage.storageClass,
                    accessModes: ['ReadWriteOnce'],
                    resources: { requests: { storage: p.storage.size } },
                  },
                },
              },
            }
          : {}),
        ...(p.resources
          ? { resources: { requests: amounts(p.resources.requests), limits: amounts(p.resources.limits) } }
          : {}),
      },
    });
    addSyncOptions(prometheus, 'SkipDryRunOnMissingResource=true');
  }

  /**
   * kube-prometheus' Role for its Prometheus, in one more namespace
   * (docs/customizations/monitoring-additional-namespaces.md): the rules of the train's own Roles
   * (prometheus-roleSpecificNamespaces.yaml), which follow its discovery role (endpoints up to v0.13,
   * endpointslices since).
   */
  private prometheusAccess(namespace: string, rules: readonly PolicyRule[]): void {
    const scope = new Construct(this, `Prometheus-${namespace}`);
    // named per namespace: one file per object in dist/<site>/monitoring/
    const name = `${PROMETHEUS_SA}-${namespace}`;
    new KubeRole(scope, 'Role', { metadata: { name, namespace }, rules: [...rules] });
    bindRole(
      scope,
      'Binding',
      { name, namespace },
      serviceAccountRef(scope, 'Prometheus', { name: PROMETHEUS_SA, namespace: MONITORING_NAMESPACE }),
    );
  }

  /**
   * kube-prometheus' Grafana Deployment with the Postgres dashboard mounted beside the upstream
   * ones: its Grafana has no dashboard sidecar, so a dashboard needs a volume in the Deployment
   * (docs/customizations/developing-prometheus-rules-and-grafana-dashboards.md). Same labels,
   * service account and provider folder as upstream; its configuration (a Secret upstream, holding no secret) is the
   * ConfigMaps the kube-prometheus app renders, hardened and with the admin account from a Secret (grafana-settings.ts).
   */
  private grafana(image: string, adminSecret: string): void {
    const dashboards = [
      ...UPSTREAM_DASHBOARDS.map((name) => ({ name, optional: true })),
      { name: DASHBOARD.uid, optional: false },
    ];
    new KubeConfigMap(this, 'Dashboard', {
      metadata: { name: `grafana-dashboard-${DASHBOARD.uid}`, namespace: MONITORING_NAMESPACE },
      data: { [DASHBOARD.file]: `${JSON.stringify(postgresDashboard(), null, 2)}\n` },
    });
    const volumes: Volume[] = [
      { name: 'grafana-storage', emptyDir: {} },
      { name: 'tmp-plugins', emptyDir: { medium: 'Memory' } },
      { name: 'grafana-datasources', configMap: { name: 'grafana-datasources' } },
      { name: 'grafana-dashboards', configMap: { name: 'grafana-dashboards' } },
      ...dashboards.map((d) => ({
        name: `grafana-dashboard-${d.name}`,
        configMap: { name: `grafana-dashboard-${d.name}`, ...(d.optional ? { optional: true } : {}) },
      })),
      { name: 'grafana-config', configMap: { name: 'grafana-config' } },
    ];
    const mounts: VolumeMount[] = [
      { name: 'grafana-storage', mountPath: '/var/lib/grafana' },
      { name: 'tmp-plugins', mountPath: '/tmp' },
      { name: 'grafana-datasources', mountPath: '/etc/grafana/provisioning/datasources' },
      { name: 'grafana-dashboards', mountPath: '/etc/grafana/provisioning/dashboards' },
      // the file provider of grafana-dashboards reads every folder under /grafana-dashboard-definitions/0
      ...dashboards.map((d) => ({
        name: `grafana-dashboard-${d.name}`,
        mountPath: `/grafana-dashboard-definitions/0/${d.name}`,
      })),
      { name: 'grafana-config', mountPath: '/etc/grafana' },
    ];
    const selector = { ...GRAFANA.selector };
    new KubeDeployment(this, 'Grafana', {
      metadata: { name: 'grafana', namespace: MONITORING_NAMESPACE, labels: selector },
      spec: {
        replicas: 1,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels: { ...selector, 'app.kubernetes.io/version': image.split(':')[1] } },
          spec: {
            serviceAccountName: 'grafana',
            automountServiceAccountToken: false,
            securityContext: { ...HARDENED_POD, runAsUser: GRAFANA_UID, fsGroup: GRAFANA_UID },
            containers: [
              {
                name: 'grafana',
                image,
                ports: [{ name: 'http', containerPort: GRAFANA.port }],
                env: grafanaEnv(adminSecret),
                readinessProbe: { httpGet: { path: '/api/health', port: IntOrString.fromString('http') } },
                resources: resources({ cpu: '100m', memory: '100Mi' }, { cpu: '200m', memory: '200Mi' }),
                securityContext: hardenedContainer(GRAFANA_UID),
                volumeMounts: mounts,
              },
            ],
            volumes,
          },
        },
      },
    });
  }
}

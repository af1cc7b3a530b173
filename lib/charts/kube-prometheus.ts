import { App } from 'cdk8s';
import { AppChart } from '../constructs/app-chart';
import { WAVES, addSyncOptions } from '../constructs/argocd-sync';
import { PlatformNamespace } from '../constructs/platform-namespace';
import { shipUpstream, upstreamObject } from '../constructs/upstream-manifest';
import { MONITORING_NAMESPACE, type MonitoringSpec } from '../site/monitoring';
import { KUBE_PROMETHEUS_IMAGES, VERSIONS } from '../site/versions';
import { UPSTREAM, loadUpstreamYaml } from '../upstream';
import type { ExternalApp } from './argocd';
import { byText } from '../order';

/**
 * Files of kube-prometheus' manifests/ ArgoCD does not apply: Grafana's Deployment, which the
 * monitoring app replaces to mount the Postgres dashboard, the Prometheus `k8s`, which it renders
 * sized for the site, and Alertmanager's configuration
 * Secret, which holds receivers' URLs and passwords: created at deploy time (docs/monitoring.md),
 * else ArgoCD's self-heal would revert it to upstream's (the operator runs a default config without it).
 */
const EXCLUDED_FILES = ['alertmanager-secret.yaml', 'grafana-deployment.yaml', 'prometheus-prometheus.yaml'];

/**
 * kube-prometheus' manifests/setup, synthesized from the pinned files: the `monitoring`
 * namespace and the monitoring.coreos.com CRDs, in a wave before the stack (the runbook's
 * `kubectl apply` of both at once failed and had to be run twice). prometheuses and
 * prometheusagents exceed client-side apply's annotation limit: server-side apply.
 */
export class KubePrometheusSetupChart extends AppChart {
  constructor(app: App) {
    super(app, { name: 'kube-prometheus-setup', wave: WAVES.crds, description: `kube-prometheus ${VERSIONS.kubePrometheus} setup: monitoring namespace and CRDs` });
    const ns = upstreamObject(UPSTREAM.kubePrometheus.namespace, 'Namespace', MONITORING_NAMESPACE);
    // node-exporter runs with hostNetwork, hostPID and host paths: privileged
    new PlatformNamespace(this, 'Namespace', { name: ns.metadata.name, enforce: 'privileged' });
    const crds = UPSTREAM.kubePrometheus.crds.flatMap((f) => loadUpstreamYaml(f));
    for (const crd of shipUpstream(this, crds)) addSyncOptions(crd, 'ServerSideApply=true');
  }
}

/**
 * The kube-prometheus stack (manifests/, setup/ aside since it is not recursed into) from the
 * pinned Git tag: Prometheus k8s, Alertmanager, the operator, node-exporter, kube-state-metrics,
 * prometheus-adapter, blackbox-exporter and Grafana's configuration, but for EXCLUDED_FILES.
 */
export function kubePrometheusApp(spec: MonitoringSpec): ExternalApp {
  // its PodDisruptionBudget keeps one Prometheus up: with a single one, no node drain would ever finish
  const excluded = [...EXCLUDED_FILES, ...((spec.prometheus?.replicas ?? 2) < 2 ? ['prometheus-podDisruptionBudget.yaml'] : [])].sort(byText);
  return {
    name: 'kube-prometheus',
    wave: WAVES.operators,
    namespace: MONITORING_NAMESPACE,
    description: `kube-prometheus ${VERSIONS.kubePrometheus} (upstream manifests at the Git tag, Grafana Deployment aside)`,
    source: {
      repoUrl: 'https://github.com/prometheus-operator/kube-prometheus.git',
      path: 'manifests',
      targetRevision: VERSIONS.kubePrometheus,
      directory: { exclude: `{${excluded.join(',')}}` },
    },
    clusterKinds: [
      'apiregistration.k8s.io/APIService',
      'rbac.authorization.k8s.io/ClusterRole',
      'rbac.authorization.k8s.io/ClusterRoleBinding',
    ],
    namespacedKinds: [
      '/ConfigMap', '/Secret', '/Service', '/ServiceAccount', 'apps/DaemonSet', 'apps/Deployment',
      'monitoring.coreos.com/Alertmanager', 'monitoring.coreos.com/PrometheusRule',
      'monitoring.coreos.com/ServiceMonitor', 'networking.k8s.io/NetworkPolicy', 'policy/PodDisruptionBudget',
      'rbac.authorization.k8s.io/Role', 'rbac.authorization.k8s.io/RoleBinding',
    ],
    // Prometheus' Roles to discover the API server, kubelets and CoreDNS (prometheus-roleSpecificNamespaces.yaml)
    otherNamespaces: ['default', 'kube-system'],
    images: KUBE_PROMETHEUS_IMAGES,
  };
}

import { App } from 'cdk8s';
import { AppChart } from '../../constructs/app-chart';
import { addSyncOptions } from '../../constructs/argocd-sync';
import { PlatformNamespace } from '../../constructs/platform-namespace';
import { hardenWorkload, type PodPatch } from '../../constructs/rendered-chart';
import { shipUpstream, upstreamObject } from '../../constructs/upstream-manifest';
import { CONTROL_PLANE_METRICS, METRICS_PORT_NAME } from '../../site/control-plane-metrics';
import { MONITORING_NAMESPACE } from '../../site/monitoring';
import { loadUpstreamYaml, type Manifest, type Upstream, type UpstreamFile } from '../../upstream';

export interface KubePrometheusSetupProps {
  readonly version: string;
  /** Its pinned files: the namespace and CRDs of manifests/setup/ (and manifests/, which this app leaves out). */
  readonly upstream: Upstream['kubePrometheus'];
}

export interface KubePrometheusProps extends KubePrometheusSetupProps {
  /** Prometheus `k8s` replicas (resolved): with one, upstream's PodDisruptionBudget is left out. */
  readonly prometheusReplicas: number;
}

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
  constructor(scope: App, id: string, props: KubePrometheusSetupProps) {
    const { upstream } = props;
    super(scope, id, { description: `kube-prometheus ${props.version} setup: monitoring namespace and CRDs` });
    const ns = upstreamObject(upstream.namespace, 'Namespace', MONITORING_NAMESPACE);
    // node-exporter runs with hostNetwork, hostPID and host paths: privileged
    new PlatformNamespace(this, 'Namespace', {
      name: ns.metadata.name,
      enforce: 'privileged',
      reason: 'node-exporter runs with hostNetwork, hostPID and host paths',
    });
    const crds = upstream.crds.flatMap((f) => loadUpstreamYaml(f));
    for (const crd of shipUpstream(this, crds)) addSyncOptions(crd, 'ServerSideApply=true');
  }
}

/** One pinned file of kube-prometheus' manifests/ by its name (`prometheus-prometheus.yaml`). */
export function kubePrometheusManifest(upstream: Upstream['kubePrometheus'], name: string): UpstreamFile {
  const file = upstream.manifests.find((f) => f.path.endsWith(`/manifests/${name}`));
  if (!file)
    throw new Error(`lib/upstream.ts pins no kube-prometheus manifests/${name}: add it to KUBE_PROMETHEUS_MANIFESTS`);
  return file;
}

/** A `kind: List` file (ConfigMapList, RoleList…) as its items, each a manifest of its own. */
export function listItems(m: Manifest): Manifest[] {
  return m.kind.endsWith('List') && Array.isArray(m.items) ? (m.items as Manifest[]) : [m];
}

/**
 * The Secrets of upstream's Grafana that hold no secret (grafana.ini, the datasource): rendered as
 * ConfigMaps of the same name, which our Grafana Deployment mounts (no values in Secrets in git).
 */
const GRAFANA_CONFIG = ['grafana-config', 'grafana-datasources'];

function asConfigMap(m: Manifest): Manifest {
  if (m.kind !== 'Secret' || !GRAFANA_CONFIG.includes(m.metadata.name)) return m;
  const { stringData, type: _t, ...rest } = m;
  return { ...rest, kind: 'ConfigMap', data: stringData };
}

/**
 * Our patches over upstream's pods. Every one gets the pod-level RuntimeDefault seccomp profile
 * and runAsNonRoot (v0.13.0 sets them per container at most, not on kube-rbac-proxy and
 * blackbox-exporter). prometheus-adapter's image user is not numeric: it runs as nobody, like the
 * others. node-exporter requests its 180Mi limit, several times what it uses on a node, where
 * every MiB counts (it runs on every node, beside the Ceph daemons): it requests 30Mi.
 */
const POD_PATCHES: Readonly<Record<string, PodPatch>> = {
  'node-exporter': {
    resources: {
      'node-exporter': { requests: { cpu: '102m', memory: '30Mi' }, limits: { cpu: '250m', memory: '180Mi' } },
    },
  },
  'prometheus-adapter': { runAsUser: 65534 },
};

function hardened(m: Manifest): Manifest {
  return m.kind === 'Deployment' || m.kind === 'DaemonSet' ? hardenWorkload(m, POD_PATCHES[m.metadata.name] ?? {}) : m;
}

/**
 * The kube-system Services kube-prometheus' ServiceMonitors select for the scheduler and controller
 * manager on kubeadm (platforms/kubeadm.libsonnet): headless, over the static pods' `component` label.
 */
function controlPlaneMetricsServices(): Manifest[] {
  return CONTROL_PLANE_METRICS.map(({ component, port }) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: `${component}-prometheus-discovery`,
      namespace: 'kube-system',
      labels: { 'app.kubernetes.io/name': component },
    },
    spec: { clusterIP: 'None', selector: { component }, ports: [{ name: METRICS_PORT_NAME, port, targetPort: port }] },
  }));
}

/**
 * The kube-prometheus stack (manifests/, setup/ aside), synthesized from the pinned files:
 * Prometheus' RBAC and rules, Alertmanager, the operator, node-exporter, kube-state-metrics,
 * prometheus-adapter, blackbox-exporter and Grafana's configuration, but for EXCLUDED_FILES, and
 * the control plane Services kubeadm needs (lib/site/control-plane-metrics.ts).
 */
export class KubePrometheusChart extends AppChart {
  constructor(scope: App, id: string, props: KubePrometheusProps) {
    super(scope, id, {
      namespace: MONITORING_NAMESPACE,
      description: `kube-prometheus ${props.version} from its pinned manifests, Grafana's Deployment and the Prometheus aside`,
    });
    // its PodDisruptionBudget keeps one Prometheus up: with a single one, no node drain would ever finish
    const excluded = [
      ...EXCLUDED_FILES,
      ...(props.prometheusReplicas < 2 ? ['prometheus-podDisruptionBudget.yaml'] : []),
    ];
    const files = props.upstream.manifests.filter((f) => !excluded.includes(f.path.slice(f.path.lastIndexOf('/') + 1)));
    shipUpstream(this, [
      ...files
        .flatMap((f) => loadUpstreamYaml(f))
        .flatMap(listItems)
        .map(asConfigMap)
        .map(hardened),
      ...controlPlaneMetricsServices(),
    ]);
  }
}

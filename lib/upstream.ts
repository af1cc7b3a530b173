import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load, loadAll } from 'js-yaml';
import { cachedText } from './synth/build-cache';
import { DEFAULT_TRAIN } from './site/trains';

/**
 * The versions of the files in imports/: the default train's, until imports are kept per train (a
 * site's override of one of them is refused, lib/site/compatibility.ts). Charts rendered only from
 * pinned files read their version here.
 */
export const PINNED_VERSIONS = DEFAULT_TRAIN.versions;
const VERSIONS = PINNED_VERSIONS;

/**
 * Pinned upstream files. `npm run import` copies each one from `UPSTREAM_MIRROR` (or the URL)
 * to `imports/upstream/<path>`, where synth and tests read them: a user's clone needs no network.
 */
export interface UpstreamFile {
  /** Raw URL of the pinned file. */
  readonly url: string;
  /** Path under `imports/upstream/`, the URL without `https://raw.githubusercontent.com/`. */
  readonly path: string;
}

const RAW = 'https://raw.githubusercontent.com/';

function gh(repo: string, tag: string, file: string): UpstreamFile {
  const path = `${repo}/${tag}/${file}`;
  return { url: `${RAW}${path}`, path };
}

/** kube-prometheus' manifests/ (setup/ aside), by component: `<component>-<part>.yaml`. */
const KUBE_PROMETHEUS_MANIFESTS: Readonly<Record<string, readonly string[]>> = {
  alertmanager: ['alertmanager', 'networkPolicy', 'podDisruptionBudget', 'prometheusRule', 'secret', 'service', 'serviceAccount', 'serviceMonitor'],
  blackboxExporter: ['clusterRole', 'clusterRoleBinding', 'configuration', 'deployment', 'networkPolicy', 'service', 'serviceAccount', 'serviceMonitor'],
  grafana: ['config', 'dashboardDatasources', 'dashboardDefinitions', 'dashboardSources', 'deployment', 'networkPolicy', 'prometheusRule', 'service', 'serviceAccount', 'serviceMonitor'],
  kubePrometheus: ['prometheusRule'],
  kubeStateMetrics: ['clusterRole', 'clusterRoleBinding', 'deployment', 'networkPolicy', 'prometheusRule', 'service', 'serviceAccount', 'serviceMonitor'],
  kubernetesControlPlane: ['prometheusRule', 'serviceMonitorApiserver', 'serviceMonitorCoreDNS', 'serviceMonitorKubeControllerManager', 'serviceMonitorKubeScheduler', 'serviceMonitorKubelet'],
  nodeExporter: ['clusterRole', 'clusterRoleBinding', 'daemonset', 'networkPolicy', 'prometheusRule', 'service', 'serviceAccount', 'serviceMonitor'],
  prometheus: ['clusterRole', 'clusterRoleBinding', 'networkPolicy', 'podDisruptionBudget', 'prometheus', 'prometheusRule', 'roleBindingConfig',
    'roleBindingSpecificNamespaces', 'roleConfig', 'roleSpecificNamespaces', 'service', 'serviceAccount', 'serviceMonitor'],
  prometheusAdapter: ['apiService', 'clusterRole', 'clusterRoleAggregatedMetricsReader', 'clusterRoleBinding', 'clusterRoleBindingDelegator',
    'clusterRoleServerResources', 'configMap', 'deployment', 'networkPolicy', 'podDisruptionBudget', 'roleBindingAuthReader', 'service', 'serviceAccount', 'serviceMonitor'],
  prometheusOperator: ['clusterRole', 'clusterRoleBinding', 'deployment', 'networkPolicy', 'prometheusRule', 'service', 'serviceAccount', 'serviceMonitor'],
};

/**
 * A Helm chart rendered at import time (`npm run import` runs the pinned helm, scripts/render-charts.ts)
 * into imports/rendered/<name>-<version>.yaml, which synth reads: synth never runs helm.
 */
export interface UpstreamChart {
  /** Chart and release name. */
  readonly name: string;
  readonly version: string;
  /** Namespace of the release (`helm template --namespace`). */
  readonly namespace: string;
  /** The chart folder's files (Chart.yaml or Chart.template.yaml, values.yaml, templates/…): their common folder is the chart. */
  readonly files: readonly UpstreamFile[];
  /**
   * For a chart in Git that is build input (cert-manager up to v1.14): CRD sources that upstream's build
   * concatenates into templates/crds.yaml wrapped in `{{- if .Values.installCRDs }}`, and
   * Chart.template.yaml whose version placeholders it fills with the tag.
   */
  readonly crdTemplates?: readonly UpstreamFile[];
  /** Values over the chart's defaults: only what decides which objects exist; the rest is patched in code (lib/charts/). */
  readonly values: Readonly<Record<string, unknown>>;
}

const chartFiles = (repo: string, tag: string, dir: string, files: readonly string[]) => files.map((f) => gh(repo, tag, `${dir}/${f}`));

const CERT_MANAGER_TEMPLATES = ['NOTES.txt', '_helpers.tpl', 'cainjector-deployment.yaml', 'cainjector-psp-clusterrole.yaml', 'cainjector-psp-clusterrolebinding.yaml',
  'cainjector-psp.yaml', 'cainjector-rbac.yaml', 'cainjector-serviceaccount.yaml', 'deployment.yaml', 'psp-clusterrole.yaml', 'psp-clusterrolebinding.yaml', 'psp.yaml',
  'rbac.yaml', 'service.yaml', 'serviceaccount.yaml', 'servicemonitor.yaml', 'startupapicheck-job.yaml', 'startupapicheck-psp-clusterrole.yaml',
  'startupapicheck-psp-clusterrolebinding.yaml', 'startupapicheck-psp.yaml', 'startupapicheck-rbac.yaml', 'startupapicheck-serviceaccount.yaml', 'webhook-config.yaml',
  'webhook-deployment.yaml', 'webhook-mutating-webhook.yaml', 'webhook-psp-clusterrole.yaml', 'webhook-psp-clusterrolebinding.yaml', 'webhook-psp.yaml',
  'webhook-rbac.yaml', 'webhook-service.yaml', 'webhook-serviceaccount.yaml', 'webhook-validating-webhook.yaml'];

const MINIO_OPERATOR_TEMPLATES = ['NOTES.txt', '_helpers.tpl', 'cluster-role-binding.yaml', 'cluster-role.yaml', 'console-deployment.yaml', 'console-ingress.yaml',
  'console-service.yaml', 'console-ui.yaml', 'minio.min.io_tenants.yaml', 'operator-deployment.yaml', 'operator-service.yaml', 'serviceaccount.yaml', 'sts.min.io_policybindings.yaml'];

export const UPSTREAM_CHARTS = {
  certManager: {
    name: 'cert-manager',
    version: VERSIONS.certManager,
    namespace: 'cert-manager',
    files: chartFiles('cert-manager/cert-manager', VERSIONS.certManager, 'deploy/charts/cert-manager',
      ['.helmignore', 'Chart.template.yaml', 'values.yaml', ...CERT_MANAGER_TEMPLATES.map((t) => `templates/${t}`)]),
    crdTemplates: ['certificaterequests', 'certificates', 'challenges', 'clusterissuers', 'issuers', 'orders']
      .map((crd) => gh('cert-manager/cert-manager', VERSIONS.certManager, `deploy/crds/crd-${crd}.yaml`)),
    values: {
      installCRDs: true,
      // leader election in its own namespace, not kube-system: the project grants no more
      global: { leaderElection: { namespace: 'cert-manager' } },
    },
  },
  minioOperator: {
    name: 'minio-operator',
    version: VERSIONS.minioOperator,
    namespace: 'minio-operator',
    files: chartFiles('minio/operator', VERSIONS.minioOperator, 'helm/operator',
      ['.helmignore', 'Chart.yaml', 'values.yaml', ...MINIO_OPERATOR_TEMPLATES.map((t) => `templates/${t}`)]),
    values: {},
  },
} as const satisfies Record<string, UpstreamChart>;

/** Where `npm run import` writes a chart's rendered objects and synth reads them. */
export function renderedChartPath(chart: UpstreamChart): string {
  return join(PROJECT_ROOT, 'imports', 'rendered', `${chart.name}-${chart.version}.yaml`);
}

const zalando = (file: string) => gh('zalando/postgres-operator', VERSIONS.postgresOperator, file);
const kubePrometheusSetup = (kind: string) =>
  gh('prometheus-operator/kube-prometheus', VERSIONS.kubePrometheus, `manifests/setup/0${kind}CustomResourceDefinition.yaml`);

export const UPSTREAM = {
  kubernetesSchemas: VERSIONS.kubernetesSchemas.map((v) =>
    gh('cdk8s-team/cdk8s', 'master', `kubernetes-schemas/v${v}/_definitions.json`)),
  zalando: {
    postgresqlCrd: zalando('manifests/postgresql.crd.yaml'),
    configmap: zalando('manifests/configmap.yaml'),
    rbac: zalando('manifests/operator-service-account-rbac.yaml'),
    deployment: zalando('manifests/postgres-operator.yaml'),
    apiService: zalando('manifests/api-service.yaml'),
    completeManifest: zalando('manifests/complete-postgres-manifest.yaml'),
    uiDeployment: zalando('ui/manifests/deployment.yaml'),
    uiService: zalando('ui/manifests/service.yaml'),
    uiRbac: zalando('ui/manifests/ui-service-account-rbac.yaml'),
  },
  rook: {
    crds: gh('rook/rook', VERSIONS.rook, 'deploy/examples/crds.yaml'),
    common: gh('rook/rook', VERSIONS.rook, 'deploy/examples/common.yaml'),
    operator: gh('rook/rook', VERSIONS.rook, 'deploy/examples/operator.yaml'),
    cluster: gh('rook/rook', VERSIONS.rook, 'deploy/examples/cluster.yaml'),
    pool: gh('rook/rook', VERSIONS.rook, 'deploy/examples/pool.yaml'),
    storageClass: gh('rook/rook', VERSIONS.rook, 'deploy/examples/csi/rbd/storageclass.yaml'),
    toolbox: gh('rook/rook', VERSIONS.rook, 'deploy/examples/toolbox.yaml'),
    operatorValues: gh('rook/rook', VERSIONS.rook, 'deploy/charts/rook-ceph/values.yaml'),
    clusterValues: gh('rook/rook', VERSIONS.rook, 'deploy/charts/rook-ceph-cluster/values.yaml'),
  },
  minio: {
    tenantCrd: gh('minio/operator', VERSIONS.minioOperator, 'resources/base/crds/minio.min.io_tenants.yaml'),
    policyBindingCrd: gh('minio/operator', VERSIONS.minioOperator, 'resources/base/crds/sts.min.io_policybindings.yaml'),
    operatorValues: gh('minio/operator', VERSIONS.minioOperator, 'helm/operator/values.yaml'),
    tenantValues: gh('minio/operator', VERSIONS.minioOperator, 'helm/tenant/values.yaml'),
  },
  kubePrometheus: {
    namespace: gh('prometheus-operator/kube-prometheus', VERSIONS.kubePrometheus, 'manifests/setup/namespace.yaml'),
    crds: ['alertmanagerConfig', 'alertmanager', 'podmonitor', 'probe', 'prometheus', 'prometheusagent',
      'prometheusrule', 'scrapeconfig', 'servicemonitor', 'thanosruler'].map(kubePrometheusSetup),
    manifests: Object.entries(KUBE_PROMETHEUS_MANIFESTS).flatMap(([component, parts]) =>
      parts.map((part) => gh('prometheus-operator/kube-prometheus', VERSIONS.kubePrometheus, `manifests/${component}-${part}.yaml`))),
  },
  charts: UPSTREAM_CHARTS,
  argocd: {
    applicationCrd: gh('argoproj/argo-cd', VERSIONS.argocd, 'manifests/crds/application-crd.yaml'),
    appProjectCrd: gh('argoproj/argo-cd', VERSIONS.argocd, 'manifests/crds/appproject-crd.yaml'),
    applicationSetCrd: gh('argoproj/argo-cd', VERSIONS.argocd, 'manifests/crds/applicationset-crd.yaml'),
    /** The install manifest the first control plane applies: read for its images (dex, redis). */
    install: gh('argoproj/argo-cd', VERSIONS.argocd, 'manifests/install.yaml'),
  },
  /** MetalLB's native manifest: namespace, CRDs, RBAC, controller, speaker and webhooks in one file. */
  metallb: gh('metallb/metallb', VERSIONS.metallb, 'config/manifests/metallb-native.yaml'),
  flannel: gh('flannel-io/flannel', VERSIONS.flannel, 'Documentation/kube-flannel.yml'),
  cloudConfigSchema: gh('canonical/cloud-init', VERSIONS.cloudInitSchema, 'cloudinit/config/schemas/schema-cloud-config-v1.json'),
} as const;

/** Every pinned file, for the import step. */
export function allUpstreamFiles(): UpstreamFile[] {
  const out: UpstreamFile[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object' && 'url' in v) out.push(v as UpstreamFile);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(UPSTREAM);
  return out;
}

/** Every CustomResourceDefinition pinned: in the plain YAML files (chart templates aside) and the rendered charts. */
export function pinnedCrds(): Manifest[] {
  const charts: readonly UpstreamChart[] = Object.values(UPSTREAM_CHARTS);
  const templates = new Set(charts.flatMap((c) => [...c.files, ...(c.crdTemplates ?? [])]).map((f) => f.path));
  const plain = allUpstreamFiles().filter((f) => /\.ya?ml$/.test(f.path) && !templates.has(f.path));
  return [...plain.flatMap(loadUpstreamYaml), ...charts.flatMap(loadRenderedChart)].filter((m) => m.kind === 'CustomResourceDefinition');
}

/** The project root: where package.json and imports/ are, whether run from source or a bundle. */
export const PROJECT_ROOT = process.env.PG_GITOPS_ROOT ?? process.cwd();

export function upstreamPath(file: UpstreamFile): string {
  return join(PROJECT_ROOT, 'imports', 'upstream', file.path);
}

export function readUpstream(file: UpstreamFile): string {
  try {
    return readFileSync(upstreamPath(file), 'utf8');
  } catch {
    throw new Error(`pinned upstream file imports/upstream/${file.path} is missing: run 'npm run import' (with UPSTREAM_MIRROR set when offline)`);
  }
}

/** A Kubernetes manifest as plain data. */
export type Manifest = { apiVersion: string; kind: string; metadata: { name: string; [k: string]: unknown }; [k: string]: unknown };

const parsed = new Map<string, readonly Manifest[]>();

/**
 * All documents of a pinned YAML file (empty documents dropped), parsed once per process: every
 * site and chart reading the same file shares the (frozen) result, which callers copy, never change.
 */
export function loadUpstreamYaml(file: UpstreamFile): Manifest[] {
  let docs = parsed.get(file.path);
  if (!docs) {
    docs = cachedParse(readUpstream(file)).map(deepFreeze);
    parsed.set(file.path, docs);
  }
  return [...docs];
}

/**
 * js-yaml takes ~50 ms for Rook's CRDs alone, JSON.parse a tenth of that: the parsed documents
 * are kept in .build/ (git-ignored) under the hash of the YAML text, so a changed pin is reparsed.
 */
function cachedParse(text: string): Manifest[] {
  return JSON.parse(cachedText(PROJECT_ROOT, 'upstream-json', text,
    () => JSON.stringify(loadAll(text).filter((d) => d !== null && typeof d === 'object')))) as Manifest[];
}

/** The objects `npm run import` rendered from a pinned chart (imports/rendered/), parsed once per process and frozen like loadUpstreamYaml's. */
export function loadRenderedChart(chart: UpstreamChart): Manifest[] {
  const path = renderedChartPath(chart);
  let docs = parsed.get(path);
  if (!docs) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      throw new Error(`rendered chart imports/rendered/${chart.name}-${chart.version}.yaml is missing: run 'npm run tools' then 'npm run import' (with UPSTREAM_MIRROR set when offline)`);
    }
    docs = cachedParse(text).map(deepFreeze);
    parsed.set(path, docs);
  }
  return [...docs];
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    Object.values(value).forEach(deepFreeze);
  }
  return value;
}

export function loadUpstreamDoc(file: UpstreamFile): unknown {
  return load(readUpstream(file));
}

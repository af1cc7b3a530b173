import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load, loadAll } from 'js-yaml';
import { cachedText } from './synth/build-cache';
import { DEFAULT_TRAIN, TRAINS } from './site/trains';
import type { TrainVersions } from './site/trains/train';
import { minorNumber } from './core/versions';

/**
 * Pinned upstream files. `npm run import` copies each one from `UPSTREAM_MIRROR` (or the URL)
 * to `imports/upstream/<path>`, where synth and tests read them: a user's clone needs no network.
 * The paths carry the tag, so every train's files live side by side.
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

/** The file list of a version that upstream laid out differently, or an error naming where to add it. */
function byVersion<T>(what: string, lists: Readonly<Record<string, T>>, version: string): T {
  const list = lists[version];
  if (list === undefined)
    throw new Error(
      `lib/upstream.ts lists no ${what} files for ${version} (it knows ${Object.keys(lists).join(', ')}): add them, then run npm run import`,
    );
  return list;
}

/**
 * kube-prometheus' manifests/ (setup/ aside), by component: `<component>-<part>.yaml`; the same 95 names at v0.13.0 and
 * v0.18.0.
 */
const KUBE_PROMETHEUS_MANIFESTS: Readonly<Record<string, readonly string[]>> = {
  alertmanager: [
    'alertmanager',
    'networkPolicy',
    'podDisruptionBudget',
    'prometheusRule',
    'secret',
    'service',
    'serviceAccount',
    'serviceMonitor',
  ],
  blackboxExporter: [
    'clusterRole',
    'clusterRoleBinding',
    'configuration',
    'deployment',
    'networkPolicy',
    'service',
    'serviceAccount',
    'serviceMonitor',
  ],
  grafana: [
    'config',
    'dashboardDatasources',
    'dashboardDefinitions',
    'dashboardSources',
    'deployment',
    'networkPolicy',
    'prometheusRule',
    'service',
    'serviceAccount',
    'serviceMonitor',
  ],
  kubePrometheus: ['prometheusRule'],
  kubeStateMetrics: [
    'clusterRole',
    'clusterRoleBinding',
    'deployment',
    'networkPolicy',
    'prometheusRule',
    'service',
    'serviceAccount',
    'serviceMonitor',
  ],
  kubernetesControlPlane: [
    'prometheusRule',
    'serviceMonitorApiserver',
    'serviceMonitorCoreDNS',
    'serviceMonitorKubeControllerManager',
    'serviceMonitorKubeScheduler',
    'serviceMonitorKubelet',
  ],
  nodeExporter: [
    'clusterRole',
    'clusterRoleBinding',
    'daemonset',
    'networkPolicy',
    'prometheusRule',
    'service',
    'serviceAccount',
    'serviceMonitor',
  ],
  prometheus: [
    'clusterRole',
    'clusterRoleBinding',
    'networkPolicy',
    'podDisruptionBudget',
    'prometheus',
    'prometheusRule',
    'roleBindingConfig',
    'roleBindingSpecificNamespaces',
    'roleConfig',
    'roleSpecificNamespaces',
    'service',
    'serviceAccount',
    'serviceMonitor',
  ],
  prometheusAdapter: [
    'apiService',
    'clusterRole',
    'clusterRoleAggregatedMetricsReader',
    'clusterRoleBinding',
    'clusterRoleBindingDelegator',
    'clusterRoleServerResources',
    'configMap',
    'deployment',
    'networkPolicy',
    'podDisruptionBudget',
    'roleBindingAuthReader',
    'service',
    'serviceAccount',
    'serviceMonitor',
  ],
  prometheusOperator: [
    'clusterRole',
    'clusterRoleBinding',
    'deployment',
    'networkPolicy',
    'prometheusRule',
    'service',
    'serviceAccount',
    'serviceMonitor',
  ],
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
  /**
   * The chart folder's files (Chart.yaml or Chart.template.yaml, values.yaml, templates/…): their common folder is the
   * chart.
   */
  readonly files: readonly UpstreamFile[];
  /**
   * For a chart in Git that is build input (cert-manager up to v1.14): CRD sources that upstream's build
   * concatenates into templates/crds.yaml wrapped in `{{- if .Values.installCRDs }}`.
   */
  readonly crdTemplates?: readonly UpstreamFile[];
  /**
   * The placeholder upstream's release build replaces with the tag in Chart.yaml's (or Chart.template.yaml's)
   * `version` and `appVersion` (image tags default to appVersion): cert-manager's `v0.1.0` up to v1.14, `v0.0.0` since.
   */
  readonly versionPlaceholder?: string;
  /**
   * Values over the chart's defaults: only what decides which objects exist; the rest is patched in code (lib/components/<name>/).
   */
  readonly values: Readonly<Record<string, unknown>>;
}

const chartFiles = (repo: string, tag: string, dir: string, files: readonly string[]) =>
  files.map((f) => gh(repo, tag, `${dir}/${f}`));

const CERT_MANAGER_1_7 = [
  'NOTES.txt',
  '_helpers.tpl',
  'cainjector-deployment.yaml',
  'cainjector-psp-clusterrole.yaml',
  'cainjector-psp-clusterrolebinding.yaml',
  'cainjector-psp.yaml',
  'cainjector-rbac.yaml',
  'cainjector-serviceaccount.yaml',
  'deployment.yaml',
  'psp-clusterrole.yaml',
  'psp-clusterrolebinding.yaml',
  'psp.yaml',
  'rbac.yaml',
  'service.yaml',
  'serviceaccount.yaml',
  'servicemonitor.yaml',
  'startupapicheck-job.yaml',
  'startupapicheck-psp-clusterrole.yaml',
  'startupapicheck-psp-clusterrolebinding.yaml',
  'startupapicheck-psp.yaml',
  'startupapicheck-rbac.yaml',
  'startupapicheck-serviceaccount.yaml',
  'webhook-config.yaml',
  'webhook-deployment.yaml',
  'webhook-mutating-webhook.yaml',
  'webhook-psp-clusterrole.yaml',
  'webhook-psp-clusterrolebinding.yaml',
  'webhook-psp.yaml',
  'webhook-rbac.yaml',
  'webhook-service.yaml',
  'webhook-serviceaccount.yaml',
  'webhook-validating-webhook.yaml',
];
/** 1.12 adds PodDisruptionBudgets and NetworkPolicies (all disabled by default). */
const CERT_MANAGER_1_12 = [
  ...CERT_MANAGER_1_7,
  'cainjector-poddisruptionbudget.yaml',
  'networkpolicy-egress.yaml',
  'networkpolicy-webhooks.yaml',
  'poddisruptionbudget.yaml',
  'webhook-poddisruptionbudget.yaml',
].sort();
/** 1.21: a real Chart.yaml, CRDs as chart templates (gated by crds.enabled), component config maps, a PodMonitor. */
const CERT_MANAGER_1_21 = [
  'NOTES.txt',
  '_helpers.tpl',
  'cainjector-config.yaml',
  'cainjector-deployment.yaml',
  'cainjector-poddisruptionbudget.yaml',
  'cainjector-psp-clusterrole.yaml',
  'cainjector-psp-clusterrolebinding.yaml',
  'cainjector-psp.yaml',
  'cainjector-rbac.yaml',
  'cainjector-service.yaml',
  'cainjector-serviceaccount.yaml',
  'controller-config.yaml',
  'crd-acme.cert-manager.io_challenges.yaml',
  'crd-acme.cert-manager.io_orders.yaml',
  'crd-cert-manager.io_certificaterequests.yaml',
  'crd-cert-manager.io_certificates.yaml',
  'crd-cert-manager.io_clusterissuers.yaml',
  'crd-cert-manager.io_issuers.yaml',
  'deployment.yaml',
  'extras-objects.yaml',
  'networkpolicy-cainjector.yaml',
  'networkpolicy-cert-manager.yaml',
  'networkpolicy-webhooks.yaml',
  'poddisruptionbudget.yaml',
  'podmonitor.yaml',
  'psp-clusterrole.yaml',
  'psp-clusterrolebinding.yaml',
  'psp.yaml',
  'rbac.yaml',
  'service.yaml',
  'serviceaccount.yaml',
  'servicemonitor.yaml',
  'startupapicheck-job.yaml',
  'startupapicheck-psp-clusterrole.yaml',
  'startupapicheck-psp-clusterrolebinding.yaml',
  'startupapicheck-psp.yaml',
  'startupapicheck-rbac.yaml',
  'startupapicheck-serviceaccount.yaml',
  'webhook-config.yaml',
  'webhook-deployment.yaml',
  'webhook-mutating-webhook.yaml',
  'webhook-poddisruptionbudget.yaml',
  'webhook-psp-clusterrole.yaml',
  'webhook-psp-clusterrolebinding.yaml',
  'webhook-psp.yaml',
  'webhook-rbac.yaml',
  'webhook-service.yaml',
  'webhook-serviceaccount.yaml',
  'webhook-validating-webhook.yaml',
];

/** leader election in its own namespace, not kube-system: the project grants no more */
const CERT_MANAGER_LEADER_ELECTION = { global: { leaderElection: { namespace: 'cert-manager' } } };
const CERT_MANAGER_CRDS = ['certificaterequests', 'certificates', 'challenges', 'clusterissuers', 'issuers', 'orders'];

function certManagerChart(tag: string): UpstreamChart {
  const files = (templates: readonly string[], manifest: string, extra: readonly string[] = []) =>
    chartFiles('cert-manager/cert-manager', tag, 'deploy/charts/cert-manager', [
      '.helmignore',
      manifest,
      'values.yaml',
      ...extra,
      ...templates.map((t) => `templates/${t}`),
    ]);
  const buildInput = (templates: readonly string[]): UpstreamChart => ({
    name: 'cert-manager',
    version: tag,
    namespace: 'cert-manager',
    versionPlaceholder: 'v0.1.0',
    files: files(templates, 'Chart.template.yaml'),
    crdTemplates: CERT_MANAGER_CRDS.map((crd) => gh('cert-manager/cert-manager', tag, `deploy/crds/crd-${crd}.yaml`)),
    values: { installCRDs: true, ...CERT_MANAGER_LEADER_ELECTION },
  });
  return byVersion<() => UpstreamChart>(
    'cert-manager chart',
    {
      'v1.7.1': () => buildInput(CERT_MANAGER_1_7),
      'v1.12.17': () => buildInput(CERT_MANAGER_1_12),
      // since 1.15 the CRDs are chart templates behind crds.enabled (installCRDs is deprecated); values.schema.json
      // rejects unknown keys
      'v1.21.1': () => ({
        name: 'cert-manager',
        version: tag,
        namespace: 'cert-manager',
        versionPlaceholder: 'v0.0.0',
        files: files(CERT_MANAGER_1_21, 'Chart.yaml', ['values.schema.json']),
        values: { crds: { enabled: true }, ...CERT_MANAGER_LEADER_ELECTION },
      }),
    },
    tag,
  )();
}

const MINIO_OPERATOR_TEMPLATES: Readonly<Record<string, readonly string[]>> = {
  'v5.0.6': [
    'NOTES.txt',
    '_helpers.tpl',
    'cluster-role-binding.yaml',
    'cluster-role.yaml',
    'console-deployment.yaml',
    'console-ingress.yaml',
    'console-service.yaml',
    'console-ui.yaml',
    'minio.min.io_tenants.yaml',
    'operator-deployment.yaml',
    'operator-service.yaml',
    'serviceaccount.yaml',
    'sts.min.io_policybindings.yaml',
  ],
  // v6.0.0 removed the Operator Console (minio/operator#2205)
  'v7.1.1': [
    '_helpers.tpl',
    'minio.min.io_tenants.yaml',
    'operator-clusterrole.yaml',
    'operator-clusterrolebinding.yaml',
    'operator-deployment.yaml',
    'operator-service.yaml',
    'operator-serviceaccount.yaml',
    'sts-service.yaml',
    'sts.min.io_policybindings.yaml',
  ],
};

const minioOperatorChart = (tag: string): UpstreamChart => ({
  name: 'minio-operator',
  version: tag,
  namespace: 'minio-operator',
  files: chartFiles('minio/operator', tag, 'helm/operator', [
    '.helmignore',
    'Chart.yaml',
    'values.yaml',
    ...byVersion('MinIO operator chart', MINIO_OPERATOR_TEMPLATES, tag).map((t) => `templates/${t}`),
  ]),
  values: {},
});

/** The charts of a set of versions. */
export function chartsOf(versions: TrainVersions) {
  return {
    certManager: certManagerChart(versions.certManager),
    minioOperator: minioOperatorChart(versions.minioOperator),
  } as const;
}

/** Where `npm run import` writes a chart's rendered objects and synth reads them. */
export function renderedChartPath(chart: UpstreamChart): string {
  return join(PROJECT_ROOT, 'imports', 'rendered', `${chart.name}-${chart.version}.yaml`);
}

/**
 * Every pinned file of a set of versions (a train's, with a site's overrides), by what reads it: a file
 * nothing reads is not pinned (a test checks that every leaf has a reader outside this file).
 */
function filesOf(versions: TrainVersions) {
  const zalando = (file: string) => gh('zalando/postgres-operator', versions.postgresOperator, file);
  const rook = (file: string) => gh('rook/rook', versions.rook, file);
  const kubePrometheus = (file: string) => gh('prometheus-operator/kube-prometheus', versions.kubePrometheus, file);
  const minio = (file: string) => gh('minio/operator', versions.minioOperator, file);
  const argocd = (file: string) => gh('argoproj/argo-cd', versions.argocd, file);
  return {
    kubernetesSchemas: versions.kubernetesSchemas.map((v) =>
      gh('cdk8s-team/cdk8s', 'master', `kubernetes-schemas/v${v}/_definitions.json`),
    ),
    zalando: {
      postgresqlCrd: zalando('manifests/postgresql.crd.yaml'),
      configmap: zalando('manifests/configmap.yaml'),
      rbac: zalando('manifests/operator-service-account-rbac.yaml'),
      uiRbac: zalando('ui/manifests/ui-service-account-rbac.yaml'),
    },
    rook: {
      crds: rook('deploy/examples/crds.yaml'),
      common: rook('deploy/examples/common.yaml'),
      /**
       * Since v1.20 Rook no longer deploys the CSI drivers: the Ceph CSI operator does (its CRDs, RBAC and Deployment).
       */
      csiOperator:
        minorNumber(versions.rook) >= minorNumber('1.20') ? rook('deploy/examples/csi-operator.yaml') : undefined,
      operator: rook('deploy/examples/operator.yaml'),
      toolbox: rook('deploy/examples/toolbox.yaml'),
      /** The RBD StorageClass example: its CSI secret parameters (controller-publish since v1.20, for fencing). */
      blockStorageClass: rook('deploy/examples/csi/rbd/storageclass.yaml'),
      /** The object store (RGW), its bucket StorageClass and a bucket claim: the ceph-object-store S3 provider. */
      objectStore: rook('deploy/examples/object.yaml'),
      bucketStorageClass: rook('deploy/examples/storageclass-bucket-retain.yaml'),
      bucketClaim: rook('deploy/examples/object-bucket-claim-retain.yaml'),
    },
    minio: {
      tenantCrd: minio('resources/base/crds/minio.min.io_tenants.yaml'),
      tenantValues: minio('helm/tenant/values.yaml'),
    },
    kubePrometheus: {
      namespace: kubePrometheus('manifests/setup/namespace.yaml'),
      crds: [
        'alertmanagerConfig',
        'alertmanager',
        'podmonitor',
        'probe',
        'prometheus',
        'prometheusagent',
        'prometheusrule',
        'scrapeconfig',
        'servicemonitor',
        'thanosruler',
      ].map((kind) => kubePrometheus(`manifests/setup/0${kind}CustomResourceDefinition.yaml`)),
      manifests: Object.entries(KUBE_PROMETHEUS_MANIFESTS).flatMap(([component, parts]) =>
        parts.map((part) => kubePrometheus(`manifests/${component}-${part}.yaml`)),
      ),
    },
    charts: chartsOf(versions),
    argocd: {
      applicationCrd: argocd('manifests/crds/application-crd.yaml'),
      appProjectCrd: argocd('manifests/crds/appproject-crd.yaml'),
      applicationSetCrd: argocd('manifests/crds/applicationset-crd.yaml'),
      /** The install manifest the first control plane applies: read for its images (dex, redis). */
      install: argocd('manifests/install.yaml'),
    },
    /** MetalLB's native manifest: namespace, CRDs, RBAC, controller, speaker and webhooks in one file. */
    metallb: gh('metallb/metallb', versions.metallb, 'config/manifests/metallb-native.yaml'),
    flannel: gh('flannel-io/flannel', versions.flannel, 'Documentation/kube-flannel.yml'),
    cloudConfigSchema: gh(
      'canonical/cloud-init',
      versions.cloudInitSchema,
      'cloudinit/config/schemas/schema-cloud-config-v1.json',
    ),
  };
}

export type Upstream = ReturnType<typeof filesOf>;

const upstreams = new Map<string, Upstream>();

/**
 * The pinned files of a set of versions (a site's catalog: its train's, with its overrides), built once
 * per distinct set. Every file a train names is imported; a site's override may name another train's.
 */
export function upstreamOf(versions: TrainVersions): Upstream {
  const key = JSON.stringify(versions);
  let files = upstreams.get(key);
  if (!files) {
    files = filesOf(versions);
    upstreams.set(key, files);
  }
  return files;
}

/**
 * The default train's files: for tools and tests about that train; charts read their site's
 * (upstreamOf(catalogOf(site).versions)).
 */
export const UPSTREAM = upstreamOf(DEFAULT_TRAIN.versions);

function walkFiles(tree: unknown, out: UpstreamFile[]): UpstreamFile[] {
  if (Array.isArray(tree)) tree.forEach((v) => walkFiles(v, out));
  else if (tree && typeof tree === 'object' && 'url' in tree) out.push(tree as UpstreamFile);
  else if (tree && typeof tree === 'object') Object.values(tree).forEach((v) => walkFiles(v, out));
  return out;
}

/** The pinned files of one set of versions. */
export function upstreamFiles(versions: TrainVersions): UpstreamFile[] {
  return walkFiles(upstreamOf(versions), []);
}

/** Every train's pinned files, each path once, for the import step. */
export function allUpstreamFiles(): UpstreamFile[] {
  const byPath = new Map(
    Object.values(TRAINS)
      .flatMap((t) => upstreamFiles(t.versions))
      .map((f) => [f.path, f]),
  );
  return [...byPath.values()];
}

/**
 * Every train's charts, each rendered file once (the first train that pins a chart's version renders it at its oldest
 * minor).
 */
export function allUpstreamCharts(): { chart: UpstreamChart; kubeVersion: string }[] {
  const byPath = new Map<string, { chart: UpstreamChart; kubeVersion: string }>();
  for (const train of Object.values(TRAINS)) {
    for (const chart of Object.values(chartsOf(train.versions)) as UpstreamChart[]) {
      if (!byPath.has(renderedChartPath(chart)))
        byPath.set(renderedChartPath(chart), { chart, kubeVersion: train.versions.kubernetesSchemas[0] });
    }
  }
  return [...byPath.values()];
}

/**
 * Every CustomResourceDefinition pinned for a set of versions: in the plain YAML files (chart templates aside) and the
 * rendered charts.
 */
export function pinnedCrds(versions: TrainVersions): Manifest[] {
  const charts: readonly UpstreamChart[] = Object.values(chartsOf(versions));
  const templates = new Set(charts.flatMap((c) => [...c.files, ...(c.crdTemplates ?? [])]).map((f) => f.path));
  const plain = upstreamFiles(versions).filter((f) => /\.ya?ml$/.test(f.path) && !templates.has(f.path));
  return [...plain.flatMap(loadUpstreamYaml), ...charts.flatMap(loadRenderedChart)].filter(
    (m) => m.kind === 'CustomResourceDefinition',
  );
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
    throw new Error(
      `pinned upstream file imports/upstream/${file.path} is missing: run 'npm run import' (with UPSTREAM_MIRROR set when offline)`,
    );
  }
}

/** A Kubernetes manifest as plain data. */
export type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; [k: string]: unknown };
  [k: string]: unknown;
};

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
  return JSON.parse(
    cachedText(PROJECT_ROOT, 'upstream-json', text, () =>
      JSON.stringify(loadAll(text).filter((d) => d !== null && typeof d === 'object')),
    ),
  ) as Manifest[];
}

/**
 * The objects `npm run import` rendered from a pinned chart (imports/rendered/), parsed once per process and frozen
 * like loadUpstreamYaml's.
 */
export function loadRenderedChart(chart: UpstreamChart): Manifest[] {
  const path = renderedChartPath(chart);
  let docs = parsed.get(path);
  if (!docs) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      throw new Error(
        `rendered chart imports/rendered/${chart.name}-${chart.version}.yaml is missing: run 'npm run tools' then 'npm run import' (with UPSTREAM_MIRROR set when offline)`,
      );
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

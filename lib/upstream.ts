import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load, loadAll } from 'js-yaml';
import { cachedText } from './build-cache';
import { VERSIONS } from './site/versions';

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
  },
  argocd: {
    applicationCrd: gh('argoproj/argo-cd', VERSIONS.argocd, 'manifests/crds/application-crd.yaml'),
    appProjectCrd: gh('argoproj/argo-cd', VERSIONS.argocd, 'manifests/crds/appproject-crd.yaml'),
    applicationSetCrd: gh('argoproj/argo-cd', VERSIONS.argocd, 'manifests/crds/applicationset-crd.yaml'),
  },
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

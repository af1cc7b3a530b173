import { createHash } from 'node:crypto';
import { App } from 'cdk8s';
import {
  KubeClusterRole,
  KubeConfigMap,
  KubeDeployment,
  KubeService,
  IntOrString,
  type PolicyRule,
} from '../../../imports/k8s';
import { AppChart } from '../../constructs/app-chart';
import { HARDENED_POD, hardenedContainer, resources } from '../../constructs/hardening';
import { PlatformNamespace } from '../../constructs/platform-namespace';
import { apiServiceAccount, bindClusterRole } from '../../constructs/rbac';
import { shipUpstream, upstreamObject } from '../../constructs/upstream-manifest';
import { POD_ENVIRONMENT_CONFIGMAP } from './wal-g-settings';
import { DEFAULTS } from '../../site/defaults';
import type { TrainImages } from '../../site/trains/train';
import type { Upstream } from '../../upstream';
import { majorOf } from '../../core/versions';

export const OPERATOR_NAME = 'postgres-operator';
const UI_NAME = 'postgres-operator-ui';
/** The operator UI's pods (their label) and the port they serve on. */
export const OPERATOR_UI = { selector: { name: UI_NAME }, port: 8081 } as const;
const API_PORT = 8080;

export interface PostgresOperatorProps {
  /** The operator's namespace (postgres.operator.namespace, resolved). */
  readonly namespace: string;
  /** The operator's version: where its majors differ (operatorVersionSettings). */
  readonly version: string;
  /** Its pinned files: the postgresql CRD, the example ConfigMap, the operator's and the UI's RBAC. */
  readonly upstream: Upstream['zalando'];
  readonly images: Pick<TrainImages, 'postgresOperator' | 'postgresOperatorUi' | 'spilo' | 'pgbouncer'>;
  /** The clusters' namespaces, sorted: the operator watches them, the UI shows them. */
  readonly clusterNamespaces: readonly string[];
  /** Operator settings that turn WAL-G backups on (backupOperatorSettings); empty without backups. */
  readonly backupSettings: Readonly<Record<string, string>>;
  /**
   * The operator's infrastructure_roles_secrets: roles it creates in every cluster from a deploy-time Secret (the
   * exporter's, monitoring/exporter.ts exporterInfrastructureRole). @default - none
   */
  readonly infrastructureRoles?: string;
  /**
   * The operator's load balancers keep the clients' addresses (external_traffic_policy Local), so that NetworkPolicies
   * can admit the source ranges; with Cluster (upstream's), kube-proxy masquerades them. @default false
   */
  readonly preserveClientAddresses?: boolean;
  /** The environment every Spilo pod receives (backupEnvironment); empty: no pod environment ConfigMap. */
  readonly podEnvironment: Readonly<Record<string, string>>;
  /** The read-only UI, showing these teams. @default - no UI */
  readonly ui?: { readonly teams: readonly string[] };
}

/** One namespace, or all when clusters span several (v1.9.0 takes one name or '*'). */
const watched = (namespaces: readonly string[]): string => (namespaces.length === 1 ? namespaces[0] : '*');

/**
 * Settings this project decides, layered over the upstream example ConfigMap
 * (manifests/configmap.yaml of the pinned operator). Each differs from upstream for a reason.
 */
function operatorSettings(props: PostgresOperatorProps): Record<string, string> {
  const sc = DEFAULTS.spiloSecurityContext;
  return {
    // the operator's code default is spilo-15:2.1-p9 until v1.10.0: pin the catalog's image explicitly
    docker_image: props.images.spilo,
    // the pgbouncer of the clusters' connection poolers (enableConnectionPooler), from the catalog
    connection_pooler_image: props.images.pgbouncer,
    // ArgoCD owns the CRDs; registration would merge-patch them and fight the sync
    enable_crd_registration: 'false',
    // code defaults are true, the example's 'false' must stay explicit off-Zalando
    enable_teams_api: 'false',
    enable_master_load_balancer: 'false',
    enable_replica_load_balancer: 'false',
    // only for migrating spilo-12 clusters; new clusters use the current WAL path
    enable_spilo_wal_path_compat: 'false',
    debug_logging: 'false',
    // one instance per node: numberOfInstances is validated against the postgres nodes
    enable_pod_antiaffinity: 'true',
    // a postgresql CR is deleted with its data only when it carries both annotations (delete protection)
    delete_annotation_date_key: 'delete-date',
    delete_annotation_name_key: 'delete-clustername',
    spilo_runasuser: String(sc.runAsUser),
    spilo_runasgroup: String(sc.runAsGroup),
    spilo_fsgroup: String(sc.fsGroup),
    watched_namespace: watched(props.clusterNamespaces),
    // upstream example placeholders that point at nothing
    logical_backup_s3_bucket: '',
    db_hosted_zone: '',
    // v2.0.1's example enables PAM against info.example.com (the teams API's OAuth, which is off)
    pam_configuration: '',
    ...props.backupSettings,
    ...(props.infrastructureRoles ? { infrastructure_roles_secrets: props.infrastructureRoles } : {}),
    ...(props.preserveClientAddresses ? { external_traffic_policy: 'Local' } : {}),
    ...operatorVersionSettings(props.version),
  };
}

/**
 * Where the operator's majors differ, the one place they are told apart: where Patroni keeps its
 * state. v1.x used Endpoints (the runbook's clusters run so); Endpoints are deprecated from Kubernetes
 * 1.33 and v2.0 moves its default to ConfigMaps while its example still says "false"
 * (postgres-operator@v2.0.1:docs/migrate.md:11-23, manifests/configmap.yaml:81): written out on both.
 * Switching a running cluster with replicas risks a split brain: npm run diff refuses it (lib/diff/upgrade-paths.ts).
 */
function operatorVersionSettings(operatorVersion: string): Record<string, string> {
  return { [PATRONI_CONFIGMAPS]: majorOf(operatorVersion) >= 2 ? 'true' : 'false' };
}

/** The operator setting that keeps Patroni's leader, config and failover state in ConfigMaps rather than Endpoints. */
const PATRONI_CONFIGMAPS = 'kubernetes_use_configmaps';

function operatorConfigData(props: PostgresOperatorProps): Record<string, string> {
  const upstream = upstreamObject(props.upstream.configmap, 'ConfigMap', OPERATOR_NAME).data as Record<string, string>;
  const merged: Record<string, string> = { ...upstream, ...operatorSettings(props) };
  for (const [k, v] of Object.entries(merged)) if (v === '') delete merged[k];
  return merged;
}

/** Upstream RBAC rules, minus the CRD write verbs the operator no longer needs (registration is off). */
function operatorRules(upstream: Upstream['zalando']): PolicyRule[] {
  const rules = upstreamObject(upstream.rbac, 'ClusterRole', OPERATOR_NAME).rules as PolicyRule[];
  return rules.map((r) => (r.apiGroups?.includes('apiextensions.k8s.io') ? { ...r, verbs: ['get'] } : r));
}

/** The Zalando postgres-operator v1.9.0: CRD, configuration, RBAC, hardened Deployment, API Service, optional UI. */
export class PostgresOperatorChart extends AppChart {
  constructor(scope: App, id: string, props: PostgresOperatorProps) {
    const { namespace, upstream } = props;
    super(scope, id, {
      namespace,
      description: 'Zalando postgres-operator: CRD, config, RBAC, Deployment, API service',
    });

    new PlatformNamespace(this, 'Namespace', { name: namespace, enforce: 'restricted' });
    shipUpstream(this, [
      upstreamObject(upstream.postgresqlCrd, 'CustomResourceDefinition', 'postgresqls.acid.zalan.do'),
    ]);

    const data = operatorConfigData(props);
    new KubeConfigMap(this, 'Config', { metadata: { name: OPERATOR_NAME, namespace }, data });
    if (Object.keys(props.podEnvironment).length > 0) {
      new KubeConfigMap(this, 'PodEnvironment', {
        metadata: { name: POD_ENVIRONMENT_CONFIGMAP, namespace },
        data: { ...props.podEnvironment },
      });
    }

    const account = apiServiceAccount(this, 'ServiceAccount', { name: OPERATOR_NAME, namespace });
    new KubeClusterRole(this, 'ClusterRole', { metadata: { name: OPERATOR_NAME }, rules: operatorRules(upstream) });
    bindClusterRole(this, 'ClusterRoleBinding', OPERATOR_NAME, account);
    // the role the operator binds to each cluster's pod service account (pod_service_account_name)
    new KubeClusterRole(this, 'PodClusterRole', {
      metadata: { name: 'postgres-pod' },
      rules: upstreamObject(upstream.rbac, 'ClusterRole', 'postgres-pod').rules as PolicyRule[],
    });

    const selector = { name: OPERATOR_NAME };
    new KubeDeployment(this, 'Deployment', {
      metadata: { name: OPERATOR_NAME, namespace, labels: { application: OPERATOR_NAME } },
      spec: {
        replicas: 1,
        strategy: { type: 'Recreate' },
        selector: { matchLabels: selector },
        template: {
          metadata: {
            labels: selector,
            // the operator reads its ConfigMap once at start: a config change must roll it
            annotations: { 'checksum/config': createHash('sha256').update(JSON.stringify(data)).digest('hex') },
          },
          spec: {
            serviceAccountName: OPERATOR_NAME,
            securityContext: HARDENED_POD,
            containers: [
              {
                name: OPERATOR_NAME,
                image: props.images.postgresOperator,
                imagePullPolicy: 'IfNotPresent',
                resources: resources({ cpu: '100m', memory: '250Mi' }, { cpu: '500m', memory: '500Mi' }),
                securityContext: hardenedContainer(1000),
                env: [{ name: 'CONFIG_MAP_NAME', value: OPERATOR_NAME }],
                ports: [{ name: 'http', containerPort: API_PORT, protocol: 'TCP' }],
              },
            ],
          },
        },
      },
    });
    new KubeService(this, 'ApiService', {
      metadata: { name: OPERATOR_NAME, namespace },
      spec: {
        type: 'ClusterIP',
        selector,
        ports: [{ name: 'http', port: API_PORT, protocol: 'TCP', targetPort: IntOrString.fromNumber(API_PORT) }],
      },
    });

    if (props.ui) this.addUi(props, props.ui.teams);
  }

  /**
   * The operator UI, read-only: under GitOps a cluster created or edited in the UI would be
   * reverted by ArgoCD, so its RBAC drops the write verbs. Changes go through the site model.
   */
  private addUi(props: PostgresOperatorProps, teams: readonly string[]): void {
    const { namespace } = props;
    const upstreamRules = upstreamObject(props.upstream.uiRbac, 'ClusterRole', UI_NAME).rules as PolicyRule[];
    const readOnly = upstreamRules.map((r) => ({
      ...r,
      verbs: r.verbs.filter((v) => ['get', 'list', 'watch'].includes(v)),
    }));
    const account = apiServiceAccount(this, 'UiServiceAccount', { name: UI_NAME, namespace });
    new KubeClusterRole(this, 'UiClusterRole', { metadata: { name: UI_NAME }, rules: readOnly });
    bindClusterRole(this, 'UiClusterRoleBinding', UI_NAME, account);
    const selector = { ...OPERATOR_UI.selector };
    new KubeDeployment(this, 'UiDeployment', {
      metadata: { name: UI_NAME, namespace, labels: { application: UI_NAME } },
      spec: {
        replicas: 1,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels: selector },
          spec: {
            serviceAccountName: UI_NAME,
            securityContext: HARDENED_POD,
            containers: [
              {
                name: 'service',
                image: props.images.postgresOperatorUi,
                imagePullPolicy: 'IfNotPresent',
                ports: [{ name: 'http', containerPort: OPERATOR_UI.port, protocol: 'TCP' }],
                readinessProbe: {
                  httpGet: { path: '/health', port: IntOrString.fromNumber(OPERATOR_UI.port) },
                  initialDelaySeconds: 5,
                  timeoutSeconds: 1,
                },
                resources: resources({ cpu: '100m', memory: '100Mi' }, { cpu: '200m', memory: '200Mi' }),
                securityContext: hardenedContainer(1000),
                env: [
                  { name: 'APP_URL', value: `http://localhost:${OPERATOR_UI.port}` },
                  { name: 'OPERATOR_API_URL', value: `http://${OPERATOR_NAME}.${namespace}.svc:${API_PORT}` },
                  { name: 'OPERATOR_CLUSTER_NAME_LABEL', value: 'cluster-name' },
                  { name: 'RESOURCES_VISIBLE', value: 'False' },
                  { name: 'TARGET_NAMESPACE', value: watched(props.clusterNamespaces) },
                  { name: 'TEAMS', value: JSON.stringify(teams) },
                ],
                volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
              },
            ],
            volumes: [{ name: 'tmp', emptyDir: {} }],
          },
        },
      },
    });
    new KubeService(this, 'UiService', {
      metadata: { name: UI_NAME, namespace, labels: { application: UI_NAME } },
      spec: {
        type: 'ClusterIP',
        selector,
        ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: IntOrString.fromNumber(OPERATOR_UI.port) }],
      },
    });
  }
}

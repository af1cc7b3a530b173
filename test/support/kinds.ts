import type { KubeObject } from '../../lib/core/objects';
import type {
  KubeClusterRoleBindingProps,
  KubeClusterRoleProps,
  KubeConfigMapProps,
  KubeCustomResourceDefinitionProps,
  KubeDaemonSetProps,
  KubeDeploymentProps,
  KubeJobProps,
  KubeNamespaceProps,
  KubeNetworkPolicyProps,
  KubePodProps,
  KubeRoleBindingProps,
  KubeRoleProps,
  KubePersistentVolumeProps,
  KubeStorageClassProps,
  KubeSecretProps,
  KubeServiceProps,
  KubeStatefulSetProps,
  PodSpec,
} from '../../imports/k8s';
import type { PostgresqlProps } from '../../imports/acid.zalan.do';
import type { ApplicationProps, AppProjectProps } from '../../imports/argoproj.io';
import type { CephBlockPoolProps, CephClusterProps, CephObjectStoreProps } from '../../imports/ceph.rook.io';
import type { IpAddressPoolProps, L2AdvertisementProps } from '../../imports/metallb.io';
import type { TenantProps } from '../../imports/minio.min.io';
import type {
  PodMonitorProps,
  PrometheusProps,
  PrometheusRuleProps,
  ServiceMonitorProps,
} from '../../imports/monitoring.coreos.com';
import type { ObjectBucketClaimProps } from '../../imports/objectbucket.io';

/**
 * The rendered shape of each kind a unit test looks into, from the types cdk8s generated out of the pinned schemas
 * (imports/): a typed lookup instead of `as any`. Quantities are typed as cdk8s' Quantity and render as strings.
 */
interface Kinds {
  readonly Application: ApplicationProps;
  readonly AppProject: AppProjectProps;
  readonly CephBlockPool: CephBlockPoolProps;
  readonly CephCluster: CephClusterProps;
  readonly CephObjectStore: CephObjectStoreProps;
  readonly IPAddressPool: IpAddressPoolProps;
  readonly L2Advertisement: L2AdvertisementProps;
  readonly ObjectBucketClaim: ObjectBucketClaimProps;
  readonly Prometheus: PrometheusProps;
  readonly PrometheusRule: PrometheusRuleProps;
  readonly Tenant: TenantProps;
  readonly PersistentVolume: KubePersistentVolumeProps;
  readonly StorageClass: KubeStorageClassProps;
  readonly ClusterRole: KubeClusterRoleProps;
  readonly ClusterRoleBinding: KubeClusterRoleBindingProps;
  readonly ConfigMap: KubeConfigMapProps;
  readonly CustomResourceDefinition: KubeCustomResourceDefinitionProps;
  readonly DaemonSet: KubeDaemonSetProps;
  readonly Deployment: KubeDeploymentProps;
  readonly Job: KubeJobProps;
  readonly Namespace: KubeNamespaceProps;
  readonly NetworkPolicy: KubeNetworkPolicyProps;
  readonly Pod: KubePodProps;
  readonly PodMonitor: PodMonitorProps;
  readonly Role: KubeRoleProps;
  readonly RoleBinding: KubeRoleBindingProps;
  readonly ServiceMonitor: ServiceMonitorProps;
  readonly Secret: KubeSecretProps;
  readonly Service: KubeServiceProps;
  readonly StatefulSet: KubeStatefulSetProps;
  readonly postgresql: PostgresqlProps;
}

export type Kind = keyof Kinds;

/**
 * A type as a test reads it: every field present (`-?`, all the way down). A test names the fields it expects; the
 * key names and shapes are checked against the schema's types, and a field the object lacks reads `undefined` at run
 * time, which fails the assertion, as a wrong path would.
 */
type Present<T> = T extends readonly (infer U)[]
  ? Present<U>[]
  : T extends object
    ? { -readonly [P in keyof T]-?: Present<NonNullable<T[P]>> }
    : T;

/** A rendered object of a kind of Kinds, typed by it. */
export type Rendered<K extends Kind> = KubeObject & Present<Kinds[K]>;

/** The objects of a kind among `objects`, typed by it. */
export const ofKind = <K extends Kind>(objects: readonly KubeObject[], kind: K): Rendered<K>[] =>
  objects.filter((o): o is Rendered<K> => o.kind === kind);

/** A pod spec as rendered (podTemplateOf's), read as the tests read it. */
export const podSpecOf = (spec: Record<string, unknown>): Present<PodSpec> => spec as Present<PodSpec>;

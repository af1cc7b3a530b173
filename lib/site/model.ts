import type { BootstrapSpec } from './bootstrap';
import type { CephSpec } from './ceph';
import type { MirrorSpec } from './mirrors';
import type { MinioSpec } from './minio';
import type { PostgresBackupSpec, PostgresCloneSpec } from './backups';
import type { MonitoringSpec, PostgresAlertThresholds } from './monitoring';

/**
 * The typed description of a site: the one source of truth from which every manifest
 * (dist/<site>/) and every node's cloud-init (host-bootstrap/<site>/) is rendered.
 * Plain data, validated by validate.ts before anything renders.
 */

/** What a node is for. Each role maps to the node labels the runbook applied by hand (roles.ts). */
export type NodeRole = 'control-plane' | 'storage' | 'postgres' | 's3';

/** A Kubernetes resource quantity such as `1Gi`, `500Mi` or `250m` (validated). */
export type Quantity = string;

/** A raw block device for Ceph OSDs or MinIO volumes: no partition table, no filesystem. */
export interface NodeDisk {
  /** Device path, `/dev/vdb` or a stable `/dev/disk/by-id/...` path. */
  readonly device: string;
  /** Capacity, as a quantity (`100Gi`). */
  readonly size: Quantity;
}

/** One Debian machine of the cluster. */
export interface SiteNode {
  /** Hostname, also the Kubernetes node name (DNS-1123 label). */
  readonly name: string;
  /** IPv4 address on the cluster network. */
  readonly address: string;
  readonly roles: readonly NodeRole[];
  /** CPU cores. */
  readonly cpu: number;
  /** Memory, as a quantity (`8Gi`). */
  readonly memory: Quantity;
  /** Raw disks the storage roles may consume. @default - none */
  readonly disks?: readonly NodeDisk[];
  /** kubelet/kubeadm version on this node. @default - the site's `kubernetes.version` */
  readonly kubeletVersion?: string;
}

export interface KubernetesSpec {
  /** Control plane version, `1.26.2`: the minor picks the pinned schemas and package repository. */
  readonly version: string;
  /** Address (and optional port, default 6443) of the API server that nodes join. */
  readonly controlPlaneEndpoint: string;
  /** Pod network CIDR (Flannel's default is 10.244.0.0/16). */
  readonly podSubnet: string;
  /** Service CIDR. @default '10.96.0.0/12' (kubeadm's default) */
  readonly serviceSubnet?: string;
}

/** Where ArgoCD reads the rendered manifests. */
export interface GitOpsSpec {
  /** Git repository holding this project (and its dist/). */
  readonly repoURL: string;
  /** Branch ArgoCD tracks, `poc-argocd` for the POC site. */
  readonly targetRevision: string;
}

/** Options of the Zalando postgres-operator deployment. */
export interface PostgresOperatorSpec {
  /** Namespace of the operator. @default 'postgres-operator' */
  readonly namespace?: string;
  /** Also deploy the operator's web UI (the runbook used it to create clusters). @default false */
  readonly ui?: boolean;
}

/** User flags of the Zalando `users` map. */
export type PostgresUserFlag = 'superuser' | 'inherit' | 'login' | 'nologin' | 'createrole' | 'createdb' | 'replication' | 'bypassrls';

/** PostgreSQL major versions Spilo 15 ships binaries for. */
export type PostgresMajorVersion = '10' | '11' | '12' | '13' | '14' | '15';

export interface ResourceAmounts {
  readonly cpu: Quantity;
  readonly memory: Quantity;
}

/** One Zalando `postgresql` cluster (acid.zalan.do/v1). Field names follow the operator's. */
export interface PostgresClusterSpec {
  /** Cluster name, `<teamId>-<name>`, e.g. `acid-test-cluster`. */
  readonly name: string;
  readonly teamId: string;
  /** Namespace of the cluster. @default 'postgres' */
  readonly namespace?: string;
  /** Spilo pods: one primary, the rest streaming replicas. */
  readonly numberOfInstances: number;
  readonly version: PostgresMajorVersion;
  /** Data volume per instance. */
  readonly volume: { readonly size: Quantity; readonly storageClass: string };
  /** Roles and their flags. @default - none besides the operator's own */
  readonly users?: Readonly<Record<string, readonly PostgresUserFlag[]>>;
  /** Databases and their owner role. @default - none */
  readonly databases?: Readonly<Record<string, string>>;
  /** postgresql.conf parameters (strings, as Patroni takes them). @default - Spilo's */
  readonly parameters?: Readonly<Record<string, string>>;
  /** Spilo container resources. @default requests 100m/100Mi, limits 500m/500Mi */
  readonly resources?: { readonly requests: ResourceAmounts; readonly limits: ResourceAmounts };
  /** uid/gid of the Spilo processes and the volume's group. @default 101/103/103 (the Spilo image's postgres user) */
  readonly securityContext?: { readonly runAsUser: number; readonly runAsGroup: number; readonly fsGroup: number };
  /** Per-cluster Spilo image, overriding the operator's `docker_image`. @default - the operator's */
  readonly dockerImage?: string;
  /** Maintenance windows (`Sat:00:00-04:00`, `01:00-06:00`, UTC). @default - none */
  readonly maintenanceWindows?: readonly string[];
  /** Create this cluster by point-in-time recovery from another one's backups. @default - a new, empty cluster */
  readonly clone?: PostgresCloneSpec;
  /** Alert thresholds of this cluster, over the site's `monitoring.thresholds`. @default - the site's */
  readonly alerts?: Partial<PostgresAlertThresholds>;
}

/** A site: one Kubernetes cluster and everything on it. */
export interface Site {
  /** Site name: the dist/ and host-bootstrap/ folder (DNS-1123 label). */
  readonly name: string;
  readonly kubernetes: KubernetesSpec;
  readonly gitops: GitOpsSpec;
  readonly nodes: readonly SiteNode[];
  readonly postgres: {
    readonly operator?: PostgresOperatorSpec;
    readonly clusters: readonly PostgresClusterSpec[];
    /** WAL-G backups of every cluster into the MinIO tenant. @default - no backups */
    readonly backups?: PostgresBackupSpec;
  };
  /** MinIO object storage on the 's3' nodes. @default - no MinIO */
  readonly minio?: MinioSpec;
  /** Ceph block storage from Rook on the 'storage' nodes. @default - no Ceph */
  readonly ceph?: CephSpec;
  /**
   * kube-prometheus, a postgres_exporter sidecar on every Spilo pod, alerts and a Grafana
   * dashboard; Ceph and MinIO scraped when present. @default - no monitoring
   */
  readonly monitoring?: MonitoringSpec;
  /**
   * StorageClasses that exist on the cluster without this project rendering them
   * (e.g. a local-path provisioner). @default - none
   */
  readonly externalStorageClasses?: readonly string[];
  /** Options of the nodes' cloud-init (host-bootstrap/<site>/). @default - every BootstrapSpec default */
  readonly bootstrap?: BootstrapSpec;
  /**
   * Air-gapped site: every image, Git/Helm source and download is taken from these mirrors
   * (`npm run images -- --site <name>` lists what to copy into them). @default - the public internet
   */
  readonly mirrors?: MirrorSpec;
}

import { z } from 'zod';
import { DEFAULTS, amountsText } from './defaults';
import { AcknowledgeSchema } from './acknowledge';
import { BootstrapSchema } from './schema/bootstrap';
import { CephSchema } from './schema/ceph';
import { LoadBalancersSchema } from './schema/load-balancers';
import { MirrorSchema } from './mirrors';
import { MinioSchema } from './schema/minio';
import { BackupSchema, CloneSchema } from './schema/backups';
import { MonitoringSchema, ThresholdsSchema } from './schema/monitoring';
import { S3Schema } from './schema/object-store';
import { ArgoCdSsoSchema } from './schema/sso';
import { PostgresTlsSchema } from './schema/postgres-tls';
import { CNI_PLUGINS, NetworkPoliciesSchema } from './schema/network-policies';
import { FleetSchema } from './schema/fleet';
import { StandbySchema } from './schema/standby';
import { ClusterNameSchema, DnsLabelSchema, enumOf, QuantitySchema, quoted, ResourceAmountsSchema } from './schema-kit';
import { DEFAULT_TRAIN, TRAINS, TRAIN_NAMES } from './trains';
import { NODE_ROLES, type NodeRole } from './schema/roles';
import type { VersionKey } from './trains/train';

/**
 * The description of a site: the one source of truth from which every manifest (dist/<site>/)
 * and every node's cloud-init (host-bootstrap/<site>/) is rendered. Each section is one zod
 * schema: the TypeScript types below are inferred from them, `validateSite` parses with them
 * (unknown keys and wrong types are refused at their path before anything renders), and
 * `npm run schema` writes them as the JSON Schema that editors use for sites/<name>.yaml.
 */

/** What a node is for. Each role maps to the node labels the runbook applied by hand (roles.ts). */
const NodeRoleSchema = enumOf(
  NODE_ROLES,
  'role',
  'what the node is for: control-plane, or the labels of storage (Ceph), postgres (Spilo pods), s3 (MinIO, or the Ceph object store)',
);
export type { NodeRole };

const NodeDiskSchema = z
  .strictObject({
    device: z
      .string()
      .describe(
        "Device path, '/dev/vdb' or a stable '/dev/disk/by-id/...' path: a raw block device, no partition table, no filesystem",
      ),
    size: QuantitySchema.describe("Capacity, as a quantity ('100Gi')"),
  })
  .describe('A raw block device for Ceph OSDs or MinIO volumes');

const NodeSchema = z
  .strictObject({
    name: DnsLabelSchema.describe('Hostname, also the Kubernetes node name (DNS-1123 label)'),
    address: z.string().describe('IPv4 address on the cluster network'),
    roles: z.array(NodeRoleSchema).describe('What the node is for (roles.ts maps them to node labels and taints)'),
    cpu: z.number().describe('CPU cores'),
    memory: QuantitySchema.describe("Memory, as a quantity ('8Gi')"),
    disks: z.array(NodeDiskSchema).optional().describe('Raw disks the storage roles may consume. Default: none'),
    kubeletVersion: z
      .string()
      .optional()
      .describe("kubelet/kubeadm version on this node. Default: the site's kubernetes.version"),
  })
  .describe('One Debian machine of the cluster');
export type SiteNode = z.infer<typeof NodeSchema>;

const KubernetesSchema = z.strictObject({
  version: z
    .string()
    .describe("Control plane version, '1.26.2': the minor picks the pinned schemas and package repository"),
  packageVersion: z
    .string()
    .optional()
    .describe(
      "Debian version of kubelet, kubeadm and kubectl from pkgs.k8s.io for this site's kubernetes.version, '1.26.5-1.1' (check it with 'apt-cache madison kubeadm'): a patch release the train pins no packages for, without editing the shared train. Default: the train's pin",
    ),
  controlPlaneEndpoint: z
    .string()
    .describe(
      "Address (and optional port, default 6443) of the API server that nodes join: the control-plane node's address, or with several control planes a load-balanced address",
    ),
  podSubnet: z.string().describe("Pod network CIDR (Flannel's default is 10.244.0.0/16)"),
  serviceSubnet: z
    .string()
    .optional()
    .describe(`Service CIDR. Default: ${quoted(DEFAULTS.serviceSubnet)} (kubeadm's)`),
  vipInterface: z
    .string()
    .optional()
    .describe(
      "With several control planes behind a virtual IP (controlPlaneEndpoint an address of no node): the control planes' network interface kube-vip announces it on, e.g. 'ens18'. Required then",
    ),
  cni: enumOf(
    CNI_PLUGINS,
    'CNI plugin',
    "The pod network: 'flannel', applied by the first control plane's bootstrap (enforces no NetworkPolicy), or 'canal' (Calico's policy engine on Flannel's network, which enforces them), applied by the operator after kubeadm init (not pinned here yet; the bootstrap then applies no Flannel). Default: 'flannel'",
  ).optional(),
});

const GitOpsSchema = z
  .strictObject({
    repoURL: z.string().describe('Git repository holding this project (and its dist/)'),
    targetRevision: z.string().describe("Branch ArgoCD tracks, 'poc-argocd' for the POC site"),
    signedCommits: z
      .strictObject({
        keys: z
          .array(
            z
              .string()
              .regex(/^[0-9A-F]{16}$/, 'a GnuPG key ID: 16 upper-case hexadecimal digits, e.g. D56C4FCA57A46444'),
          )
          .min(1)
          .describe("GnuPG key IDs allowed to sign the tracked branch's commits; each must be in ArgoCD's keyring"),
        mode: z
          .enum(['head', 'strict'])
          .optional()
          .describe(
            "ArgoCD >= 3.5: 'head' verifies the tracked commit, 'strict' its history too. Default: 'strict'; earlier trains verify the head only",
          ),
      })
      .optional()
      .describe(
        'Refuse to sync commits not signed by these keys (every project of the site): docs/security.md#signed-commits. Default: no check',
      ),
    sso: ArgoCdSsoSchema.optional(),
  })
  .describe('Where ArgoCD reads the rendered manifests');
export type GitOpsSpec = z.infer<typeof GitOpsSchema>;

const PostgresOperatorSchema = z
  .strictObject({
    namespace: DnsLabelSchema.optional().describe(
      `Namespace of the operator. Default: ${quoted(DEFAULTS.operatorNamespace)}`,
    ),
    ui: z
      .boolean()
      .optional()
      .describe("Also deploy the operator's web UI (the runbook used it to create clusters). Default: false"),
  })
  .describe('Options of the Zalando postgres-operator deployment');

const USER_FLAGS = [
  'superuser',
  'inherit',
  'login',
  'nologin',
  'createrole',
  'createdb',
  'replication',
  'bypassrls',
] as const;
/** User flags of the Zalando `users` map. */
const UserFlagSchema = enumOf(USER_FLAGS, 'flag', 'a role flag of the Zalando users map (lower case)');
export type PostgresUserFlag = z.infer<typeof UserFlagSchema>;

/**
 * PostgreSQL majors some train's operator accepts: the union of the trains' `postgresMajors` (each
 * written once, with its source, in lib/site/trains/), in numeric order; the site's train allows its own
 * (compatibility.ts).
 */
const PG_VERSIONS = [...new Set(Object.values(TRAINS).flatMap((t) => t.compatibility.postgresMajors.majors))].sort(
  (a, b) => Number(a) - Number(b),
) as [string, ...string[]];
const pgMajorsOfTrains = () =>
  Object.values(TRAINS)
    .map(
      (t) =>
        `${t.name} (postgres-operator ${t.versions.postgresOperator}) allows ${t.compatibility.postgresMajors.majors.join(', ')} (${t.compatibility.postgresMajors.source}: ${t.compatibility.postgresMajors.quote})`,
    )
    .join('; ');

export type ResourceAmounts = z.infer<typeof ResourceAmountsSchema>;

const POOLER_MODES = ['session', 'transaction'] as const;

/** The operator's `connectionPooler` section (pgbouncer Deployments in front of the primary and/or the replicas). */
const ConnectionPoolerSchema = z
  .strictObject({
    numberOfInstances: z
      .number()
      .optional()
      .describe(
        `pgbouncer pods per pooler, each on its own postgres node (the operator's pod anti-affinity). Default: ${DEFAULTS.pooler.numberOfInstances}, also the operator's minimum`,
      ),
    mode: enumOf(
      POOLER_MODES,
      'pooler mode',
      `pgbouncer pool_mode: 'transaction' (a server connection per transaction: no session state such as SET, prepared statements or advisory locks) or 'session'. Default: ${quoted(DEFAULTS.pooler.mode)}`,
    ).optional(),
    maxDBConnections: z
      .number()
      .optional()
      .describe(
        `Server connections the pooler opens to Postgres, divided among its pods. Default: ${DEFAULTS.pooler.maxDBConnections} (keep it below max_connections)`,
      ),
    resources: z
      .strictObject({ requests: ResourceAmountsSchema, limits: ResourceAmountsSchema })
      .optional()
      .describe(`pgbouncer container resources. Default: the operator's, ${amountsText(DEFAULTS.pooler.resources)}`),
  })
  .describe(
    "Settings of the cluster's connection poolers (operator field names); the operator creates them only with enableConnectionPooler or enableReplicaConnectionPooler",
  );
export type ConnectionPoolerSpec = z.infer<typeof ConnectionPoolerSchema>;

const PostgresClusterSchema = z
  .strictObject({
    name: ClusterNameSchema.describe(
      "Cluster name, '<teamId>-<name>', e.g. 'acid-test-cluster' (DNS-1035, at most 58 characters)",
    ),
    teamId: DnsLabelSchema,
    namespace: DnsLabelSchema.optional().describe(
      `Namespace of the cluster, not one of Kubernetes' own (default, kube-*). Default: ${quoted(DEFAULTS.postgresNamespace)}`,
    ),
    numberOfInstances: z.number().describe('Spilo pods: one primary, the rest streaming replicas'),
    version: z
      .enum(PG_VERSIONS, {
        error: (iss) =>
          `PostgreSQL ${quoted(iss.input)} ${typeof iss.input === 'number' ? 'is a number' : `is supported by no train: ${pgMajorsOfTrains()}`}; use one of ${PG_VERSIONS.map((v) => `'${v}'`).join(', ')} (a string: quote it in YAML)`,
      })
      .describe('PostgreSQL major version (a string)'),
    volume: z.strictObject({ size: QuantitySchema, storageClass: z.string() }).describe('Data volume per instance'),
    users: z
      .record(z.string(), z.array(UserFlagSchema))
      .optional()
      .describe("Roles and their flags. Default: none besides the operator's own"),
    databases: z.record(z.string(), z.string()).optional().describe('Databases and their owner role. Default: none'),
    parameters: z
      .record(z.string(), z.string())
      .optional()
      .describe("postgresql.conf parameters (strings, as Patroni takes them). Default: Spilo's"),
    resources: z
      .strictObject({ requests: ResourceAmountsSchema, limits: ResourceAmountsSchema })
      .optional()
      .describe(`Spilo container resources. Default: ${amountsText(DEFAULTS.spiloResources)}`),
    securityContext: z
      .strictObject({ runAsUser: z.number(), runAsGroup: z.number(), fsGroup: z.number() })
      .optional()
      .describe(
        `uid/gid of the Spilo processes and the volume's group. Default: ${DEFAULTS.spiloSecurityContext.runAsUser}/${DEFAULTS.spiloSecurityContext.runAsGroup}/${DEFAULTS.spiloSecurityContext.fsGroup} (the Spilo image's postgres user)`,
      ),
    dockerImage: z.string().optional().describe("Per-cluster Spilo image, overriding the operator's docker_image"),
    maintenanceWindows: z
      .array(z.string())
      .optional()
      .describe("Maintenance windows ('Sat:00:00-04:00', '01:00-06:00', UTC). Default: none"),
    clone: CloneSchema.optional(),
    standby: StandbySchema.optional(),
    enableConnectionPooler: z
      .boolean()
      .optional()
      .describe("A pgbouncer pooler in front of the primary: Service '<cluster>-pooler'. Default: false"),
    enableReplicaConnectionPooler: z
      .boolean()
      .optional()
      .describe("A pgbouncer pooler in front of the replicas: Service '<cluster>-pooler-repl'. Default: false"),
    connectionPooler: ConnectionPoolerSchema.optional(),
    enableMasterLoadBalancer: z
      .boolean()
      .optional()
      .describe(
        "A LoadBalancer Service in front of the primary (Service '<cluster>', an address of loadBalancers.addresses). Default: false",
      ),
    enableReplicaLoadBalancer: z
      .boolean()
      .optional()
      .describe("A LoadBalancer Service in front of the replicas (Service '<cluster>-repl'). Default: false"),
    enableMasterPoolerLoadBalancer: z
      .boolean()
      .optional()
      .describe(
        "The primary pooler's Service '<cluster>-pooler' as a LoadBalancer (needs enableConnectionPooler). Default: false",
      ),
    enableReplicaPoolerLoadBalancer: z
      .boolean()
      .optional()
      .describe(
        "The replica pooler's Service '<cluster>-pooler-repl' as a LoadBalancer (needs enableReplicaConnectionPooler). Default: false",
      ),
    allowedSourceRanges: z
      .array(z.string())
      .optional()
      .describe(
        'Client networks (CIDRs) the load balancers accept; required with any load balancer (the operator turns an empty list into 127.0.0.1/32)',
      ),
    alerts: ThresholdsSchema.partial()
      .optional()
      .describe("Alert thresholds of this cluster, over the site's monitoring.thresholds"),
    tls: PostgresTlsSchema.optional(),
  })
  .describe("One Zalando postgresql cluster (acid.zalan.do/v1); field names follow the operator's");
export type PostgresClusterSpec = z.infer<typeof PostgresClusterSchema>;

/**
 * The versions a site may override: every single-string version of a train (those naming upstream files are refused by
 * validation).
 */
const VERSION_KEYS = (Object.keys(DEFAULT_TRAIN.versions) as (keyof typeof DEFAULT_TRAIN.versions)[]).filter(
  (k): k is VersionKey => typeof DEFAULT_TRAIN.versions[k] === 'string',
);

const VersionOverridesSchema = z
  .strictObject(
    Object.fromEntries(VERSION_KEYS.map((k) => [k, z.string().optional()])) as Record<
      VersionKey,
      z.ZodOptional<z.ZodString>
    >,
  )
  .describe("Versions over the train's, for a staged rollout on this site first ({ spilo: '3.0-p2' }). Default: none");

export const SiteSchema = z
  .strictObject({
    name: DnsLabelSchema.describe(
      'Site name: the dist/ and host-bootstrap/ folder (DNS-1123 label), the file name of sites/<name>.yaml or .ts',
    ),
    release: enumOf(
      TRAIN_NAMES,
      'train',
      `The release train the site runs (lib/site/trains/): ${TRAIN_NAMES.join(', ')}. Default: '${DEFAULT_TRAIN.name}'`,
    ).optional(),
    versions: VersionOverridesSchema.optional(),
    acceptUnsupported: z
      .array(z.string())
      .optional()
      .describe(
        "Components the site runs outside their stated Kubernetes range, accepted where the runbook itself did so (e.g. 'certManager'): a warning instead of a refusal. Default: none",
      ),
    kubernetes: KubernetesSchema,
    gitops: GitOpsSchema,
    nodes: z.array(NodeSchema),
    postgres: z.strictObject({
      operator: PostgresOperatorSchema.optional(),
      clusters: z.array(PostgresClusterSchema),
      backups: BackupSchema.optional(),
    }),
    minio: MinioSchema.optional(),
    s3: S3Schema.optional(),
    ceph: CephSchema.optional(),
    monitoring: MonitoringSchema.optional(),
    loadBalancers: LoadBalancersSchema.optional(),
    networkPolicies: NetworkPoliciesSchema.optional(),
    externalStorageClasses: z
      .array(z.string())
      .optional()
      .describe(
        'StorageClasses that exist on the cluster without this project rendering them (e.g. a local-path provisioner). Default: none',
      ),
    bootstrap: BootstrapSchema.optional(),
    mirrors: MirrorSchema.optional(),
    acknowledge: AcknowledgeSchema.optional(),
    fleet: FleetSchema.optional(),
  })
  .describe('A site: one Kubernetes cluster and everything on it');
/** A site: one Kubernetes cluster and everything on it. */
export type Site = z.infer<typeof SiteSchema>;

import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import {
  Postgresql,
  PostgresqlSpecConnectionPoolerMode,
  PostgresqlSpecPostgresqlVersion,
  PostgresqlSpecUsers,
  type PostgresqlSpecConnectionPooler,
  PostgresqlSpecTolerationsEffect,
  PostgresqlSpecTolerationsOperator,
} from '../../../imports/acid.zalan.do';
import type { ResolvedCluster, ResolvedPooler } from '../../site/resolve';
import { poolerName, poolersOf } from '../../site/postgres-names';
import type { ConnectionPoolerSpec, PostgresClusterSpec, PostgresUserFlag } from '../../site/model';
import { DATA_PRIORITY_CLASS } from '../../site/priority';
import { requiredNodeAffinity, type RoleToleration } from '../../site/roles';
import { exporterSidecar, queriesVolume } from '../monitoring/exporter';
import { addSyncOptions, protectData } from '../../constructs/argocd-sync';
import type { ClusterBackup } from '../postgres-operator/wal-g-settings';

/**
 * A major as the typed classes know it (generated from the default train's CRD, v1.9.0: 10 to 15), or
 * undefined for a later one (v2.0.1 accepts 14 to 18), which is written over it; npm run check validates
 * it against the site's train's CRD.
 */
const typedVersion = (major: string): PostgresqlSpecPostgresqlVersion | undefined =>
  Object.values(PostgresqlSpecPostgresqlVersion).find((v) => v === major);

const USER_FLAG: Readonly<Record<PostgresUserFlag, PostgresqlSpecUsers>> = {
  superuser: PostgresqlSpecUsers.SUPERUSER,
  inherit: PostgresqlSpecUsers.INHERIT,
  login: PostgresqlSpecUsers.LOGIN,
  nologin: PostgresqlSpecUsers.NOLOGIN,
  createrole: PostgresqlSpecUsers.CREATEROLE,
  createdb: PostgresqlSpecUsers.CREATEDB,
  replication: PostgresqlSpecUsers.REPLICATION,
  bypassrls: PostgresqlSpecUsers.BYPASSRLS,
};

const POOLER_MODE: Readonly<Record<NonNullable<ConnectionPoolerSpec['mode']>, PostgresqlSpecConnectionPoolerMode>> = {
  session: PostgresqlSpecConnectionPoolerMode.SESSION,
  transaction: PostgresqlSpecConnectionPoolerMode.TRANSACTION,
};

const EFFECT: Readonly<Record<RoleToleration['effect'], PostgresqlSpecTolerationsEffect>> = {
  NoSchedule: PostgresqlSpecTolerationsEffect.NO_SCHEDULE,
  PreferNoSchedule: PostgresqlSpecTolerationsEffect.PREFER_NO_SCHEDULE,
  NoExecute: PostgresqlSpecTolerationsEffect.NO_EXECUTE,
};

const q = (r: { cpu: string; memory: string }) => ({ cpu: r.cpu, memory: r.memory });

/**
 * The pooler section with the operator's defaults written out (resolved), so the capacity check and reviewers read the
 * real values.
 */
function connectionPooler(spec: ResolvedPooler): PostgresqlSpecConnectionPooler {
  return {
    numberOfInstances: spec.numberOfInstances,
    mode: POOLER_MODE[spec.mode],
    ...(spec.maxDBConnections !== undefined ? { maxDbConnections: spec.maxDBConnections } : {}),
    resources: { requests: q(spec.resources.requests), limits: q(spec.resources.limits) },
  };
}

/**
 * The postgresql CR as both operator versions read it. The typed class (generated from v1.9.0's CRD) writes
 * `podPriorityClassName` under its deprecated spelling `pod_priority_class_name`, which v1.9.0 still
 * honours (pkg/cluster/k8sres.go:1246-1251) and v2.0.1's CRD no longer has (docs/migrate.md): it is
 * written under its own name here, for every train.
 */
class PostgresqlResource extends Postgresql {
  public override toJson(): Record<string, unknown> {
    const json = super.toJson() as { spec: Record<string, unknown> };
    const { pod_priority_class_name: priorityClass, ...spec } = json.spec;
    return { ...json, spec: priorityClass === undefined ? spec : { ...spec, podPriorityClassName: priorityClass } };
  }
}

/**
 * The operator's `tls` section from the site's: the file names written out, as cert-manager names them. v1.9.0's
 * pooler needs them explicit: without privateKeyFile it sets the pooler's certificate path to tls.key and its key
 * path to the directory (pkg/cluster/connection_pooler.go:349-356 at v1.9.0: `if keyFile == "" { crtFile =
 * "tls.key" }`); v2.0.1 fixed it.
 */
function serverCertificate(tls: NonNullable<PostgresClusterSpec['tls']>) {
  return {
    secretName: tls.secretName,
    certificateFile: 'tls.crt',
    privateKeyFile: 'tls.key',
    ...(tls.caSecretName ? { caSecretName: tls.caSecretName, caFile: 'ca.crt' } : {}),
  };
}

const mapValues = <A, B>(o: Readonly<Record<string, A>>, f: (a: A) => B): Record<string, B> =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));

/**
 * A Zalando `postgresql` cluster, pinned to the nodes with role 'postgres' and run as the
 * Spilo image's unprivileged user. ArgoCD never prunes or deletes it: deleting the CR deletes its volumes.
 */
export interface PostgresClusterProps {
  /** The cluster as the site declares it (postgres.clusters[]), resolved. */
  readonly spec: ResolvedCluster;
  /** Add the postgres_exporter sidecar with this image (a site with monitoring). @default - no exporter */
  readonly exporterImage?: string;
  /**
   * Of the other roles' taints on the postgres nodes (roles.ts sharedNodeTolerations); the poolers get them too.
   * @default - none
   */
  readonly tolerations?: readonly RoleToleration[];
  /**
   * What the manifest carries for its backups: its own Spilo environment and a clone's WAL path (on the Ceph object
   * store, wal-g-settings.ts). @default - none
   */
  readonly backup?: ClusterBackup;
}

export class PostgresCluster extends Construct {
  public readonly resource: Postgresql;

  constructor(
    scope: Construct,
    id: string,
    { spec: props, exporterImage, tolerations = [], backup = { env: [] } }: PostgresClusterProps,
  ) {
    super(scope, id);
    const { securityContext: sc, resources: res } = props;
    const pooled = poolersOf(props).length > 0;
    this.resource = new PostgresqlResource(this, 'Resource', {
      metadata: { name: props.name, namespace: props.namespace, labels: { team: props.teamId } },
      spec: {
        teamId: props.teamId,
        numberOfInstances: props.numberOfInstances,
        postgresql: {
          version: typedVersion(props.version) ?? PostgresqlSpecPostgresqlVersion.VALUE_15,
          ...(props.parameters ? { parameters: { ...props.parameters } } : {}),
        },
        volume: { size: props.volume.size, storageClass: props.volume.storageClass },
        users: mapValues(props.users ?? {}, (flags) => flags.map((f) => USER_FLAG[f])),
        databases: { ...props.databases },
        resources: { requests: q(res.requests), limits: q(res.limits) },
        nodeAffinity: requiredNodeAffinity('postgres'),
        ...(tolerations.length > 0
          ? {
              tolerations: tolerations.map((t) => ({
                key: t.key,
                operator: PostgresqlSpecTolerationsOperator.EXISTS,
                effect: EFFECT[t.effect],
              })),
            }
          : {}),
        spiloRunAsUser: sc.runAsUser,
        spiloRunAsGroup: sc.runAsGroup,
        spiloFsGroup: sc.fsGroup,
        // pods of earlier waves that may run anywhere would fill the postgres nodes first: outrank them
        podPriorityClassName: DATA_PRIORITY_CLASS.name,
        enableShmVolume: true,
        // LoadBalancer Services from MetalLB's pool, only for the client networks listed
        enableMasterLoadBalancer: props.enableMasterLoadBalancer,
        enableReplicaLoadBalancer: props.enableReplicaLoadBalancer,
        ...(props.enableMasterPoolerLoadBalancer ? { enableMasterPoolerLoadBalancer: true } : {}),
        ...(props.enableReplicaPoolerLoadBalancer ? { enableReplicaPoolerLoadBalancer: true } : {}),
        ...(props.allowedSourceRanges ? { allowedSourceRanges: [...props.allowedSourceRanges] } : {}),
        patroni: { initdb: { encoding: 'UTF8', locale: 'en_US.UTF-8', 'data-checksums': 'true' } },
        ...(props.dockerImage ? { dockerImage: props.dockerImage } : {}),
        ...(props.maintenanceWindows ? { maintenanceWindows: [...props.maintenanceWindows] } : {}),
        // the exporter's custom queries ConfigMap is rendered per namespace by the postgres-clusters app
        ...(exporterImage !== undefined
          ? { sidecars: [exporterSidecar(props, exporterImage)], additionalVolumes: [queriesVolume(props)] }
          : {}),
        // pgbouncer in front of the primary and/or the replicas: the operator gives its pods the
        // cluster's nodeAffinity and tolerations, and a required anti-affinity per pooler
        ...(pooled
          ? {
              enableConnectionPooler: props.enableConnectionPooler,
              enableReplicaConnectionPooler: props.enableReplicaConnectionPooler,
              connectionPooler: connectionPooler(props.connectionPooler),
            }
          : {}),
        // point-in-time recovery: the operator restores the source's WAL-G backups (bucket and
        // endpoint from its configuration and pod environment, or the WAL path given) up to the timestamp
        ...(props.clone
          ? {
              clone: {
                cluster: props.clone.cluster,
                uid: props.clone.uid,
                timestamp: props.clone.timestamp,
                ...(backup.cloneS3WalPath ? { s3WalPath: backup.cloneS3WalPath } : {}),
              },
            }
          : {}),
        // a standby of a cluster of another site: it replays that cluster's WAL archive until promoted
        ...(backup.standbyS3WalPath ? { standby: { s3WalPath: backup.standbyS3WalPath } } : {}),
        ...(backup.env.length > 0 ? { env: backup.env.map((e) => ({ ...e })) } : {}),
        ...(props.tls ? { tls: serverCertificate(props.tls) } : {}),
      },
    });
    if (typedVersion(props.version) === undefined)
      this.resource.addJsonPatch(JsonPatch.replace('/spec/postgresql/version', props.version));
    protectData(this.resource);
    // the postgresql CRD comes with the postgres-operator Application
    addSyncOptions(this.resource, 'SkipDryRunOnMissingResource=true');
    if (props.tls?.issuer) serverCertificateRequest(this, props, props.tls.issuer);
  }
}

/**
 * The cert-manager Certificate that writes a cluster's tls Secret, from the site's issuer: every name of the Services
 * the operator makes for it (the primary's, the replicas', its poolers'), in the forms clients use inside the cluster.
 */
function serverCertificateRequest(
  scope: Construct,
  pg: ResolvedCluster,
  issuer: NonNullable<NonNullable<PostgresClusterSpec['tls']>['issuer']>,
): void {
  const services = [pg.name, `${pg.name}-repl`, ...poolersOf(pg).map((role) => poolerName(pg.name, role))];
  const certificate = new ApiObject(scope, 'Certificate', {
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    metadata: { name: pg.tls!.secretName, namespace: pg.namespace },
    spec: {
      secretName: pg.tls!.secretName,
      issuerRef: { group: 'cert-manager.io', kind: issuer.kind, name: issuer.name },
      dnsNames: services.flatMap((s) => [`${s}.${pg.namespace}.svc`, `${s}.${pg.namespace}.svc.cluster.local`]),
      usages: ['server auth'],
    },
  });
  // the Certificate CRD comes with the cert-manager Application
  addSyncOptions(certificate, 'SkipDryRunOnMissingResource=true');
}

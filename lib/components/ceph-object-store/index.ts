import { App } from 'cdk8s';
import {
  CephObjectStore,
  CephObjectStoreSpecGatewayResourcesLimits,
  CephObjectStoreSpecGatewayResourcesRequests,
  type CephObjectStoreSpec,
  type CephObjectStoreSpecDataPool,
  type CephObjectStoreSpecMetadataPool,
} from '../../../imports/ceph.rook.io';
import { KubeStorageClass } from '../../../imports/k8s';
import { ObjectBucketClaim } from '../../../imports/objectbucket.io';
import { AppChart, type SyncedApp } from '../../constructs/app-chart';
import { WAVES, addSyncOptions, protectData } from '../../constructs/argocd-sync';
import { upstreamObject } from '../../constructs/upstream-manifest';
import { ROOK_NAMESPACE } from '../../site/ceph';
import { postgresNamespaces } from '../../site/resolve';
import type { Site } from '../../site/model';
import {
  BUCKET_STORAGE_CLASS,
  OBJECT_STORE,
  S3_DEVICE_CLASS,
  backupBucketOf,
  cephObjectStoreOn,
  objectStoreOf,
  type ResolvedObjectStore,
} from '../../site/object-store';
import { requiredNodeAffinity } from '../../site/roles';
import { resolveSite } from '../../site/resolve';
import type { Manifest, Upstream } from '../../upstream';
import { POSTGRES_CLUSTERS_APP } from '../postgres-clusters/postgres-clusters';
import type { RenderedObject } from '../../core/objects';
import { asRecord } from '../../core/records';
import { className, containerRequests, onePerHost, type Workload } from '../../core/workloads';
import { validateObjectStore } from '../../site/object-store';
import type { Component } from '../component';

/** Rook's label on the RGW pods (the example's anti-affinity selects it). */
const RGW_APP = 'rook-ceph-rgw';

type Pool = CephObjectStoreSpecDataPool | CephObjectStoreSpecMetadataPool;

/**
 * Rook's Ceph object store on the s3 nodes (dist/<site>/ceph-object-store/, wave 0, with the
 * CephCluster): the CephObjectStore of the pinned example (deploy/examples/object.yaml) with its
 * pools on the s3 nodes' OSDs only (device class `s3`, one copy per s3 node) and its RGW pods on
 * the s3 nodes, and the bucket StorageClass of storageclass-bucket-retain.yaml. The backup bucket
 * claims live with the clusters (backupBucketClaims).
 */
export interface CephObjectStoreProps {
  /** Its gateways and pool size, from the s3 nodes (objectStoreOf). */
  readonly store: ResolvedObjectStore;
  /** Rook's pinned examples: object.yaml and storageclass-bucket-retain.yaml. */
  readonly upstream: Upstream['rook'];
}

export class CephObjectStoreChart extends AppChart {
  constructor(scope: App, id: string, props: CephObjectStoreProps) {
    super(scope, id, {
      namespace: ROOK_NAMESPACE,
      description: 'Ceph object store (RGW) on the s3 nodes, its pools on their OSDs only, bucket StorageClass',
    });
    const { store } = props;
    const upstream = upstreamObject(props.upstream.objectStore, 'CephObjectStore', 'my-store') as Manifest & {
      spec: CephObjectStoreSpec & {
        metadataPool: CephObjectStoreSpecMetadataPool;
        dataPool: CephObjectStoreSpecDataPool;
      };
    };
    // another failure domain than the databases': only the s3 nodes' OSDs, one copy per s3 node
    const pool = <P extends Pool>(p: P): P => ({
      ...p,
      failureDomain: 'host',
      deviceClass: S3_DEVICE_CLASS,
      replicated: { ...p.replicated, size: store.poolSize, requireSafeReplicaSize: store.poolSize > 1 },
    });
    const gateway = upstream.spec.gateway ?? {};
    const objectStore = new CephObjectStore(this, 'ObjectStore', {
      metadata: { name: OBJECT_STORE, namespace: ROOK_NAMESPACE },
      spec: {
        ...upstream.spec,
        metadataPool: pool(upstream.spec.metadataPool),
        dataPool: pool(upstream.spec.dataPool),
        // the pools hold the backups: deleting the CephObjectStore must not delete them
        preservePoolsOnDelete: true,
        gateway: {
          port: gateway.port,
          priorityClassName: gateway.priorityClassName,
          instances: store.gateways,
          placement: {
            nodeAffinity: requiredNodeAffinity('s3'),
            // the example prefers one per node; required here, so a node lost takes one gateway
            podAntiAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: [
                {
                  labelSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: [RGW_APP] }] },
                  topologyKey: 'kubernetes.io/hostname',
                },
              ],
            },
          },
          // the example's commented sizes (half a core, 1 GiB); no CPU limit, as for the other Ceph daemons
          resources: {
            requests: {
              cpu: CephObjectStoreSpecGatewayResourcesRequests.fromString('500m'),
              memory: CephObjectStoreSpecGatewayResourcesRequests.fromString('1Gi'),
            },
            limits: { memory: CephObjectStoreSpecGatewayResourcesLimits.fromString('1Gi') },
          },
        },
      },
    });

    const upstreamClass = upstreamObject(
      props.upstream.bucketStorageClass,
      'StorageClass',
      'rook-ceph-retain-bucket',
    ) as Manifest & { provisioner: string; reclaimPolicy: string; parameters: Record<string, string> };
    const storageClass = new KubeStorageClass(this, 'BucketStorageClass', {
      metadata: { name: BUCKET_STORAGE_CLASS },
      provisioner: upstreamClass.provisioner,
      // Retain: deleting a claim keeps its bucket, and the backups in it
      reclaimPolicy: upstreamClass.reclaimPolicy,
      parameters: { ...upstreamClass.parameters, objectStoreName: OBJECT_STORE, objectStoreNamespace: ROOK_NAMESPACE },
    });
    for (const obj of [objectStore, storageClass]) protectData(obj);
    // the CephObjectStore CRD comes with the operator app, two waves earlier
    addSyncOptions(objectStore, 'SkipDryRunOnMissingResource=true');
  }
}

/**
 * One ObjectBucketClaim per Postgres namespace (object-bucket-claim-retain.yaml) for the bucket
 * `<bucket>-<namespace>`, of that name: Rook creates a Secret and a ConfigMap of the same name
 * there (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY; BUCKET_HOST/PORT/NAME), whose keys the clusters'
 * env references (postgres-operator/wal-g-settings.ts clusterBackupEnvironment). Added to the
 * postgres-clusters app, which creates those namespaces a wave after the object store.
 */
function backupBucketClaims(earlier: readonly SyncedApp[], site: Site): void {
  const backups = site.postgres.backups;
  if (!backups) return;
  const scope = earlier.find((a) => a.chart.appName === POSTGRES_CLUSTERS_APP)?.chart;
  if (!scope)
    throw new Error(
      'the ceph-object-store component adds its bucket claims to the postgres-clusters app: register it after postgres-clusters (lib/components/index.ts)',
    );
  const upstream = upstreamObject(
    resolveSite(site).upstream.rook.bucketClaim,
    'ObjectBucketClaim',
    'ceph-retain-bucket',
  ) as Manifest & { spec: Record<string, unknown> };
  const { generateBucketName: _generated, ...spec } = upstream.spec;
  for (const namespace of postgresNamespaces(site)) {
    const bucket = backupBucketOf(backups.bucket, namespace);
    const claim = new ObjectBucketClaim(scope, `BackupBucket-${namespace}`, {
      metadata: { name: bucket, namespace },
      spec: { ...spec, bucketName: bucket, storageClassName: BUCKET_STORAGE_CLASS },
    });
    protectData(claim);
    // the ObjectBucketClaim CRD comes with the Rook operator app
    addSyncOptions(claim, 'SkipDryRunOnMissingResource=true');
  }
}

/**
 * CephObjectStore: `gateway.instances` RGW pods, placed by the gateway's placement (Rook does not merge the
 * CephCluster's).
 */
function fromCephObjectStore(from: RenderedObject): Workload[] {
  const gateway = asRecord(asRecord(from.obj.spec).gateway);
  const placement = asRecord(gateway.placement);
  return [
    {
      from,
      label: `Ceph RGW gateways of ${from.obj.metadata.name}`,
      replicas: typeof gateway.instances === 'number' ? gateway.instances : 1,
      onePerNode: onePerHost(placement),
      placement: { nodeAffinity: placement.nodeAffinity, tolerations: placement.tolerations },
      requests: containerRequests(gateway.resources),
      ...className(gateway.priorityClassName),
    },
  ];
}

/** S3 for the backups on Rook's RGW (`s3: { provider: 'ceph-object-store' }`, docs/ceph-object-store.md). */
export const cephObjectStore: Component = {
  name: 'ceph-object-store',
  summary:
    "S3 for the backups on Rook's RGW, its pools on the s3 nodes' OSDs (the bucket claims are in `postgres-clusters`)",
  enabledWhen: '`s3.provider: ceph-object-store`',
  waves: { 'ceph-object-store': WAVES.storage },
  enabled: cephObjectStoreOn,
  charts: (app, site, { earlier }) => {
    backupBucketClaims(earlier, site);
    return [
      new CephObjectStoreChart(app, 'ceph-object-store', {
        store: objectStoreOf(site),
        upstream: resolveSite(site).upstream.rook,
      }),
    ];
  },
  workloads: { 'ceph.rook.io/CephObjectStore': fromCephObjectStore },
  validate: validateObjectStore,
};

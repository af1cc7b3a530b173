import { App } from 'cdk8s';
import {
  Tenant,
  TenantSpecPoolsResourcesLimits,
  TenantSpecPoolsResourcesRequests,
  TenantSpecPoolsVolumeClaimTemplateSpecResourcesRequests,
  type TenantSpecEnv,
  type TenantSpecPools,
} from '../../../imports/minio.min.io';
import { KubePersistentVolume, KubeStorageClass, Quantity } from '../../../imports/k8s';
import { AppChart } from '../../constructs/app-chart';
import { addSyncOptions, protectData } from '../../constructs/argocd-sync';
import { PlatformNamespace } from '../../constructs/platform-namespace';
import type { MinioPool } from '../../site/minio';
import type { ResolvedMinio } from '../../site/resolve';
import { parseQuantity } from '../../core/quantity';
import { requiredNodeAffinity } from '../../site/roles';
import { DATA_PRIORITY_CLASS } from '../../site/priority';

const MINIO_UID = 1000;

/** The label the MinIO operator puts on a Tenant's pods, valued with the tenant's name. */
export const TENANT_LABEL = 'v1.min.io/tenant';
/** The port of the Tenant's console (HTTPS). */
export const CONSOLE_PORT = 9443;
/** PVC template name: the operator names claims data0…, one per volume of a server. */
const VOLUME = 'data';

const mi = (bytes: number) => `${Math.floor(bytes / 2 ** 20)}Mi`;

/** Environment for the wizard's identity provider, audit log and metrics screens: values by Secret reference only. */
function tenantEnvironment(minio: ResolvedMinio): TenantSpecEnv[] {
  const fromSecret = (name: string, ref: { name: string; key: string }): TenantSpecEnv => ({
    name,
    valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } },
  });
  const { openid, auditWebhook } = minio;
  return [
    ...(openid
      ? [
          { name: 'MINIO_IDENTITY_OPENID_CONFIG_URL', value: openid.configUrl },
          { name: 'MINIO_IDENTITY_OPENID_CLIENT_ID', value: openid.clientId },
          fromSecret('MINIO_IDENTITY_OPENID_CLIENT_SECRET', openid.clientSecret),
          { name: 'MINIO_IDENTITY_OPENID_CLAIM_NAME', value: openid.claimName },
          { name: 'MINIO_IDENTITY_OPENID_SCOPES', value: openid.scopes.join(',') },
        ]
      : []),
    ...(auditWebhook
      ? [
          { name: 'MINIO_AUDIT_WEBHOOK_ENABLE_AUDIT', value: 'on' },
          { name: 'MINIO_AUDIT_WEBHOOK_ENDPOINT_AUDIT', value: auditWebhook.endpoint },
          ...(auditWebhook.authToken
            ? [fromSecret('MINIO_AUDIT_WEBHOOK_AUTH_TOKEN_AUDIT', auditWebhook.authToken)]
            : []),
        ]
      : []),
    ...(minio.publicMetrics ? [{ name: 'MINIO_PROMETHEUS_AUTH_TYPE', value: 'public' }] : []),
  ];
}

/**
 * A server pool: on its s3 nodes (role label and names), one server per node, one volume per
 * disk, resources from the smallest node.
 */
function tenantPool(pool: MinioPool, tenant: string, storageClass: string): TenantSpecPools {
  const memory = Math.min(...pool.nodes.map((n) => parseQuantity(n.memory)));
  const cpu = Math.min(...pool.nodes.map((n) => n.cpu));
  const s3 =
    requiredNodeAffinity('s3').requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions;
  return {
    name: pool.name,
    servers: pool.nodes.length,
    volumesPerServer: pool.volumesPerServer,
    volumeClaimTemplate: {
      metadata: { name: VOLUME },
      spec: {
        accessModes: ['ReadWriteOnce'],
        storageClassName: storageClass,
        resources: {
          requests: {
            storage: TenantSpecPoolsVolumeClaimTemplateSpecResourcesRequests.fromString(mi(pool.volumeSize)),
          },
        },
      },
    },
    // the runbook's pod placement: on the s3 nodes (of this pool), one server per node
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            {
              matchExpressions: [
                ...s3,
                { key: 'kubernetes.io/hostname', operator: 'In', values: pool.nodes.map((n) => n.name) },
              ],
            },
          ],
        },
      },
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          {
            labelSelector: { matchExpressions: [{ key: TENANT_LABEL, operator: 'In', values: [tenant] }] },
            topologyKey: 'kubernetes.io/hostname',
          },
        ],
      },
    },
    // half the smallest node, the rest for the OS and the page cache MinIO relies on
    resources: {
      requests: {
        cpu: TenantSpecPoolsResourcesRequests.fromString(`${Math.round(cpu * 250)}m`),
        memory: TenantSpecPoolsResourcesRequests.fromString(mi(memory * 0.5)),
      },
      limits: { memory: TenantSpecPoolsResourcesLimits.fromString(mi(memory * 0.6)) },
    },
    securityContext: {
      runAsUser: MINIO_UID,
      runAsGroup: MINIO_UID,
      fsGroup: MINIO_UID,
      runAsNonRoot: true,
      fsGroupChangePolicy: 'OnRootMismatch',
    },
    containerSecurityContext: {
      runAsUser: MINIO_UID,
      runAsGroup: MINIO_UID,
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
  };
}

/**
 * The MinIO Tenant on the s3 nodes (dist/<site>/minio/): one server per node, one volume per
 * declared disk, local PersistentVolumes when the site has no provisioner for those disks.
 */
export interface MinioProps {
  /** The site's minio section, resolved. */
  readonly minio: ResolvedMinio;
  /** Its server pools on the s3 nodes (minioPools). */
  readonly pools: readonly MinioPool[];
  readonly images: { readonly minio: string; readonly kes: string };
}

export class MinioChart extends AppChart {
  constructor(scope: App, id: string, props: MinioProps) {
    const { minio, pools } = props;
    super(scope, id, {
      namespace: minio.namespace,
      description: 'MinIO Tenant on the s3 nodes, local volumes from the inventory',
    });
    new PlatformNamespace(this, 'Namespace', {
      name: minio.namespace,
      enforce: 'baseline',
      holdsData: true,
      reason:
        "the operator adds its own init and sidecar containers to the Tenant's pods, which it does not harden for restricted",
    });
    const { storageClass } = minio;
    if (minio.localVolumes) this.addLocalVolumes(pools, storageClass);

    const tenant = new Tenant(this, 'Tenant', {
      metadata: { name: minio.tenant, namespace: minio.namespace },
      spec: {
        image: props.images.minio,
        configuration: { name: minio.rootCredentialsSecret },
        requestAutoCert: minio.autoCert,
        pools: pools.map((pool) => tenantPool(pool, minio.tenant, storageClass)),
        mountPath: '/export',
        subPath: '/data',
        buckets: minio.buckets.map((name) => ({ name })),
        env: tenantEnvironment(minio),
        // KES by reference: its configuration (KMS credentials included) stays in a Secret
        ...(minio.kes
          ? {
              kes: {
                image: props.images.kes,
                replicas: 2,
                kesSecret: { name: minio.kes.configSecret },
                keyName: minio.kes.keyName,
              },
            }
          : {}),
        logging: { json: true, anonymous: true, quiet: true },
        // ours, not the operator's: it would patch kube-prometheus' Prometheus and fight ArgoCD
        prometheusOperator: false,
        podManagementPolicy: 'Parallel',
        // pods of earlier waves that may run anywhere would fill the s3 nodes first: outrank them
        priorityClassName: DATA_PRIORITY_CLASS.name,
      },
    });
    protectData(tenant);
    // the Tenant CRD comes with the minio-operator Application
    addSyncOptions(tenant, 'SkipDryRunOnMissingResource=true');
  }

  /**
   * No provisioner for the raw disks: one local PV per disk of each s3 node, formatted XFS by the kubelet on first use.
   */
  private addLocalVolumes(pools: readonly MinioPool[], storageClass: string): void {
    new KubeStorageClass(this, 'LocalStorageClass', {
      metadata: { name: storageClass },
      provisioner: 'kubernetes.io/no-provisioner',
      // bind where the server is scheduled, not where the first free PV happens to be
      volumeBindingMode: 'WaitForFirstConsumer',
      reclaimPolicy: 'Retain',
    });
    for (const { nodes } of pools) {
      for (const node of nodes)
        for (const disk of node.disks ?? []) {
          const device = disk.device.split('/').pop() ?? disk.device;
          const pv = new KubePersistentVolume(this, `Volume-${node.name}-${device}`, {
            metadata: {
              name: `minio-${node.name}-${device}`.toLowerCase(),
              labels: { 'app.kubernetes.io/part-of': 'minio' },
            },
            spec: {
              capacity: { storage: Quantity.fromString(mi(parseQuantity(disk.size))) },
              accessModes: ['ReadWriteOnce'],
              persistentVolumeReclaimPolicy: 'Retain',
              storageClassName: storageClass,
              volumeMode: 'Filesystem',
              // a raw device: the kubelet makes the filesystem on first mount (xfsprogs on the node)
              local: { path: disk.device, fsType: 'xfs' },
              nodeAffinity: {
                required: {
                  nodeSelectorTerms: [
                    { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node.name] }] },
                  ],
                },
              },
            },
          });
          protectData(pv);
        }
    }
  }
}

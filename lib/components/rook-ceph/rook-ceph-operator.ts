import { App } from 'cdk8s';
import { dump } from 'js-yaml';
import {
  KubeConfigMap,
  KubeDeployment,
  type Container,
  type DeploymentSpec,
  type PodSpec,
  type Volume,
} from '../../../imports/k8s';
import { AppChart } from '../../constructs/app-chart';
import { addSyncOptions } from '../../constructs/argocd-sync';
import { HARDENED_POD, hardenedContainer, resources } from '../../constructs/hardening';
import { PlatformNamespace } from '../../constructs/platform-namespace';
import { hardenWorkload } from '../../constructs/rendered-chart';
import { shipUpstream, upstreamObject, upstreamObjects } from '../../constructs/upstream-manifest';
import { ROOK_NAMESPACE } from '../../site/ceph';
import type { RoleToleration } from '../../site/roles';
import type { Manifest, Upstream } from '../../upstream';
import { minorNumber } from '../../core/versions';

/** The operator's Deployment, and its app. */
export const ROOK_OPERATOR = 'rook-ceph-operator';
const OPERATOR = ROOK_OPERATOR;
/** The image's `rook` user (deploy/examples/operator.yaml). */
const ROOK_UID = 2016;

/**
 * Rook v1.20 no longer deploys the CSI drivers: the Ceph CSI operator does (csi-operator.yaml), from
 * the `Driver` CRs of operator.yaml, and every `CSI_*`/`ROOK_CSI_*` key left the operator ConfigMap
 * (rook@v1.20.6:Documentation/Getting-Started/quickstart.md:41-42). The one place the versions differ.
 */
const rookDeploysCsi = (rookVersion: string): boolean => minorNumber(rookVersion) < minorNumber('1.20');

/** The RBD driver of the Ceph CSI operator (Rook >= v1.20): the CephFS one is not shipped (block storage only). */
const RBD_DRIVER = 'rook-ceph.rbd.csi.ceph.com';

/**
 * Settings over the upstream operator ConfigMap (Rook < v1.20): block storage only, so no CephFS CSI
 * driver to run; and the RBD node plugin must run wherever Spilo mounts a volume, also on postgres
 * nodes that share the storage taint (CSI_PLUGIN_TOLERATIONS, a YAML list). From v1.20 the same intent
 * is the RBD Driver CR alone, with the tolerations on its node plugin (csiDriverObjects).
 */
function rookOperatorSettings(version: string, tolerations: readonly RoleToleration[]): Record<string, string> {
  if (!rookDeploysCsi(version)) return {};
  return {
    ROOK_CSI_ENABLE_CEPHFS: 'false',
    ROOK_CSI_ENABLE_RBD: 'true',
    CSI_ENABLE_CEPHFS_SNAPSHOTTER: 'false',
    ...(tolerations.length > 0 ? { CSI_PLUGIN_TOLERATIONS: dump(tolerations, { lineWidth: -1, sortKeys: true }) } : {}),
  };
}

/**
 * Rook >= v1.20: the Ceph CSI operator (its CRDs, RBAC and Deployment) and, from operator.yaml, its
 * image set, its defaults (OperatorConfig) and the RBD Driver, whose node plugin tolerates the other
 * roles' taints on postgres nodes; empty before v1.20.
 */
function csiDriverObjects(rook: Upstream['rook'], tolerations: readonly RoleToleration[]): Manifest[] {
  if (!rook.csiOperator) return [];
  const driver = upstreamObject(rook.operator, 'Driver', RBD_DRIVER) as Manifest & {
    spec: { nodePlugin?: Record<string, unknown> };
  };
  return [
    // its Deployment sets runAsNonRoot, drops every capability and has limits, but no seccomp profile
    ...upstreamObjects(rook.csiOperator, (m) => m.kind !== 'Namespace').map((m) =>
      m.kind === 'Deployment' ? hardenWorkload(m, {}) : m,
    ),
    upstreamObject(rook.operator, 'ConfigMap', 'rook-csi-operator-image-set-configmap'),
    upstreamObject(rook.operator, 'OperatorConfig', 'ceph-csi-operator-config'),
    tolerations.length === 0
      ? driver
      : {
          ...driver,
          spec: {
            ...driver.spec,
            nodePlugin: {
              ...driver.spec.nodePlugin,
              tolerations: tolerations.map((t) => ({ key: t.key, operator: 'Exists', effect: t.effect })),
            },
          },
        },
  ];
}

/**
 * The Rook operator (the catalog's rook), synthesized from the pinned deploy/examples (crds, common, operator):
 * every object is validated offline against the pinned schemas and reviewed as rendered YAML,
 * which an upstream Helm chart fetched by ArgoCD at sync time would not allow.
 */
export interface RookCephOperatorProps {
  /** Rook's version (the catalog's rook). */
  readonly version: string;
  /** Its pinned deploy/examples. */
  readonly upstream: Upstream['rook'];
  readonly image: string;
  /** The admission webhook runs, with its certificate from cert-manager (ceph.certManager, resolved). */
  readonly certManager: boolean;
  /** Of the other roles' taints on postgres nodes, for the RBD node plugin (roles.ts sharedNodeTolerations). */
  readonly csiTolerations: readonly RoleToleration[];
}

export class RookCephOperatorChart extends AppChart {
  constructor(scope: App, id: string, props: RookCephOperatorProps) {
    super(scope, id, {
      namespace: ROOK_NAMESPACE,
      description: `Rook ${props.version} operator: CRDs, RBAC, CSI settings, hardened Deployment`,
    });
    const rook = props.upstream;
    // OSDs and the CSI node plugin need host access: the namespace cannot be baseline
    new PlatformNamespace(this, 'Namespace', {
      name: ROOK_NAMESPACE,
      enforce: 'privileged',
      holdsData: true,
      reason:
        'the Ceph OSDs and the CSI node plugin the operator creates run privileged with host paths and host networking',
    });

    // the Rook CRDs are too big for client-side apply's last-applied annotation
    for (const crd of shipUpstream(
      this,
      upstreamObjects(rook.crds, (m) => m.kind === 'CustomResourceDefinition'),
    ))
      addSyncOptions(crd, 'ServerSideApply=true');
    shipUpstream(
      this,
      upstreamObjects(rook.common, (m) => m.kind !== 'Namespace'),
    );
    // the CSI operator's CRDs are too big for client-side apply too; its Driver and OperatorConfig come after them
    for (const obj of shipUpstream(this, csiDriverObjects(rook, props.csiTolerations))) {
      if (obj.kind === 'CustomResourceDefinition') addSyncOptions(obj, 'ServerSideApply=true');
      else if (obj.apiVersion === 'csi.ceph.io/v1') addSyncOptions(obj, 'SkipDryRunOnMissingResource=true');
    }

    const config = upstreamObject(rook.operator, 'ConfigMap', 'rook-ceph-operator-config');
    new KubeConfigMap(this, 'Config', {
      metadata: { name: config.metadata.name, namespace: ROOK_NAMESPACE },
      data: {
        ...(config.data as Record<string, string>),
        ...rookOperatorSettings(props.version, props.csiTolerations),
      },
    });

    // upstream's Deployment (labels, selector, Recreate strategy, tolerations, service account, volumes), with our image,
    // admission setting, resources and hardening: a field upstream adds in a later tag comes with it
    const upstream = upstreamObject(rook.operator, 'Deployment', OPERATOR) as Manifest & {
      spec: DeploymentSpec & { template: { spec: PodSpec & { containers: Container[]; volumes: Volume[] } } };
    };
    const pod = upstream.spec.template.spec;
    const [container] = pod.containers;
    const env = (container.env ?? []).map((e) =>
      e.name === 'ROOK_DISABLE_ADMISSION_CONTROLLER'
        ? // the admission webhook needs a certificate from cert-manager
          { name: e.name, value: props.certManager ? 'false' : 'true' }
        : e,
    );
    new KubeDeployment(this, 'Deployment', {
      metadata: {
        name: OPERATOR,
        namespace: ROOK_NAMESPACE,
        labels: upstream.metadata.labels as Record<string, string>,
      },
      spec: {
        ...upstream.spec,
        template: {
          ...upstream.spec.template,
          spec: {
            ...pod,
            securityContext: { ...HARDENED_POD, runAsGroup: ROOK_UID, fsGroup: ROOK_UID },
            containers: [
              {
                ...container,
                image: props.image,
                env,
                resources: resources({ cpu: '100m', memory: '128Mi' }, { cpu: '500m', memory: '512Mi' }),
                securityContext: { ...hardenedContainer(ROOK_UID), runAsGroup: ROOK_UID },
                // a read-only root: the operator writes only in these emptyDirs
                volumeMounts: [...(container.volumeMounts ?? []), { name: 'tmp', mountPath: '/tmp' }],
              },
            ],
            volumes: [...pod.volumes, { name: 'tmp', emptyDir: {} }],
          },
        },
      },
    });
  }
}

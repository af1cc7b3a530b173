import { App } from 'cdk8s';
import { IpAddressPool, L2Advertisement } from '../../../imports/metallb.io';
import { IntOrString, KubeService } from '../../../imports/k8s';
import { ROOT_REASON } from '../../core/annotations';
import { AppChart } from '../../constructs/app-chart';
import { addSyncOptions } from '../../constructs/argocd-sync';
import { PlatformNamespace } from '../../constructs/platform-namespace';
import { shipUpstream, upstreamObjects } from '../../constructs/upstream-manifest';
import { type Exposable, type LoadBalancersSpec } from '../../site/schema/load-balancers';
import type { ExposedService } from '../component';
import type { Manifest, UpstreamFile } from '../../upstream';

const METALLB_NAMESPACE = 'metallb-system';
const POOL = 'default';

/**
 * The CRDs' conversion webhooks carry a placeholder caBundle that MetalLB's controller replaces
 * with its own; shipped as is, ArgoCD would put the placeholder back on every sync. Without it
 * the field is the controller's (server-side apply), and ArgoCD leaves it alone.
 */
function withoutCaBundle(m: Manifest): Manifest {
  if (m.kind !== 'CustomResourceDefinition') return m;
  const spec = m.spec as { conversion?: { webhook?: { clientConfig?: Record<string, unknown> } } };
  const clientConfig = spec.conversion?.webhook?.clientConfig;
  if (!clientConfig?.caBundle) return m;
  const { caBundle: _placeholder, ...rest } = clientConfig;
  return {
    ...m,
    spec: { ...spec, conversion: { ...spec.conversion, webhook: { ...spec.conversion!.webhook, clientConfig: rest } } },
  };
}

/** Why the speaker runs as root: read by the policy check (ROOT_REASON), which then warns instead of refusing. */
const SPEAKER_ROOT_REASON =
  'the L2 speaker answers ARP on the host network with NET_RAW, a capability only root keeps (no ambient capabilities for other users)';

type PodTemplate = {
  metadata?: { annotations?: Record<string, string> };
  spec: { containers: Record<string, unknown>[]; securityContext?: Record<string, unknown> };
};

/**
 * The controller and speaker with what upstream leaves out: seccomp RuntimeDefault, capabilities
 * dropped as `ALL` (upstream writes `all`; the runtime accepts both, Pod Security wants `ALL`) and
 * limits (upstream sets none; ours are sized for a few hundred Services).
 */
function hardened(m: Manifest): Manifest {
  if (m.kind !== 'Deployment' && m.kind !== 'DaemonSet') return m;
  const spec = m.spec as { template: PodTemplate };
  const speaker = m.kind === 'DaemonSet';
  const template: PodTemplate = {
    ...spec.template,
    ...(speaker
      ? {
          metadata: {
            ...spec.template.metadata,
            annotations: { ...spec.template.metadata?.annotations, [ROOT_REASON]: SPEAKER_ROOT_REASON },
          },
        }
      : {}),
    spec: {
      ...spec.template.spec,
      securityContext: { ...spec.template.spec.securityContext, seccompProfile: { type: 'RuntimeDefault' } },
      containers: spec.template.spec.containers.map((c) => {
        const sc = (c.securityContext ?? {}) as { capabilities?: { add?: string[] } };
        return {
          ...c,
          securityContext: { ...sc, capabilities: { ...sc.capabilities, drop: ['ALL'] } },
          resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
        };
      }),
    },
  };
  return { ...m, spec: { ...spec, template } };
}

/**
 * MetalLB from its pinned native manifest (the catalog's metallb): CRDs (server-side apply), RBAC, controller and
 * speaker, webhooks. The speaker runs with hostNetwork and NET_RAW to answer ARP for the Service
 * addresses: its namespace must be `privileged` (upstream's own labels say so).
 */
export interface MetallbProps {
  readonly version: string;
  /** Its pinned native manifest. */
  readonly manifest: UpstreamFile;
}

export class MetallbChart extends AppChart {
  constructor(scope: App, id: string, props: MetallbProps) {
    super(scope, id, {
      namespace: METALLB_NAMESPACE,
      description: `MetalLB ${props.version} (L2): CRDs, controller, speaker (hostNetwork, NET_RAW)`,
    });
    new PlatformNamespace(this, 'Namespace', {
      name: METALLB_NAMESPACE,
      enforce: 'privileged',
      reason: 'the L2 speaker runs on the host network with NET_RAW',
    });
    const objects = shipUpstream(
      this,
      upstreamObjects(props.manifest, (m) => m.kind !== 'Namespace')
        .map(withoutCaBundle)
        .map(hardened),
    );
    for (const o of objects) if (o.kind === 'CustomResourceDefinition') addSyncOptions(o, 'ServerSideApply=true');
  }
}

export interface LoadBalancersProps {
  /** The site's loadBalancers section: the pool, the client networks, the UIs to expose. */
  readonly spec: LoadBalancersSpec;
  /** The Services of the UIs the site exposes, each by its key under loadBalancers.expose (the components' `exposes`). */
  readonly exposed: readonly { readonly key: Exposable; readonly service: ExposedService }[];
}

/** The address pool and its L2 announcement, and the LoadBalancer Services of the exposed UIs. */
export class LoadBalancersChart extends AppChart {
  constructor(scope: App, id: string, props: LoadBalancersProps) {
    super(scope, id, {
      description: "MetalLB address pool (L2 announcement) and the exposed UIs' LoadBalancer Services",
    });
    const lb = props.spec;
    const pool = new IpAddressPool(this, 'Pool', {
      metadata: { name: POOL, namespace: METALLB_NAMESPACE },
      spec: { addresses: [...lb.addresses] },
    });
    const l2 = new L2Advertisement(this, 'L2', {
      metadata: { name: POOL, namespace: METALLB_NAMESPACE },
      spec: { ipAddressPools: [POOL] },
    });
    // the CRDs and the validating webhook come with the metallb Application
    for (const o of [pool, l2]) addSyncOptions(o, 'SkipDryRunOnMissingResource=true');
    for (const { key, service: s } of props.exposed) {
      new KubeService(this, `Expose-${key}`, {
        metadata: { name: s.name, namespace: s.namespace },
        spec: {
          type: 'LoadBalancer',
          selector: { ...s.selector },
          loadBalancerSourceRanges: [...(lb.allowedSourceRanges ?? [lb.network])],
          ports: [{ name: 'web', port: s.port, protocol: 'TCP', targetPort: IntOrString.fromNumber(s.targetPort) }],
        },
      });
    }
  }
}

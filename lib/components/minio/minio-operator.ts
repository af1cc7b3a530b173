import { App } from 'cdk8s';
import { AppChart } from '../../constructs/app-chart';
import { addSyncOptions } from '../../constructs/argocd-sync';
import { PlatformNamespace } from '../../constructs/platform-namespace';
import { hardenWorkload, inNamespace, type PlainResources } from '../../constructs/rendered-chart';
import { shipUpstream } from '../../constructs/upstream-manifest';
import { loadRenderedChart, type Manifest, type UpstreamChart } from '../../upstream';

const MINIO_OPERATOR_NAMESPACE = 'minio-operator';

export interface MinioOperatorProps {
  readonly version: string;
  /** Its pinned chart, rendered at import time (chartsOf in lib/upstream.ts). */
  readonly chart: UpstreamChart;
}

/**
 * Requests and limits of each Deployment's one container (`operator`): the chart sets requests for the operator only,
 * no limits.
 */
const RESOURCES: Readonly<Record<string, PlainResources>> = {
  'minio-operator': { requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
  console: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '256Mi' } },
};

/**
 * Our patches: the namespace (the chart leaves it to `helm install`) and hardened pods. Chart
 * 5.0.6 hardens `operator.*` only: its console Deployment sets runAsNonRoot alone, which the
 * `restricted` namespace rejects. Both write under /tmp (the console its certificates,
 * --certs-dir=/tmp/certs), so a read-only root gets an emptyDir there.
 */
function patched(m: Manifest, version: string): Manifest {
  const inNs = inNamespace(m, MINIO_OPERATOR_NAMESPACE);
  if (inNs.kind !== 'Deployment') return inNs;
  const resources = RESOURCES[inNs.metadata.name];
  if (!resources)
    throw new Error(
      `MinIO operator ${version} renders Deployment ${inNs.metadata.name}, which has no resources in lib/components/minio/minio-operator.ts: add them`,
    );
  return hardenWorkload(inNs, { resources: { operator: resources }, writableTmp: true });
}

/**
 * The MinIO operator from its pinned Helm chart rendered at import time (imports/rendered/),
 * CRDs included, with our patches. The Tenant it reconciles is ours (dist/<site>/minio).
 */
export class MinioOperatorChart extends AppChart {
  constructor(scope: App, id: string, props: MinioOperatorProps) {
    super(scope, id, {
      namespace: MINIO_OPERATOR_NAMESPACE,
      description: `MinIO operator ${props.version} (pinned Helm chart rendered at import)`,
    });
    new PlatformNamespace(this, 'Namespace', { name: MINIO_OPERATOR_NAMESPACE, enforce: 'restricted' });
    for (const obj of shipUpstream(
      this,
      loadRenderedChart(props.chart).map((m) => patched(m, props.version)),
    )) {
      // the Tenant CRD is too big for client-side apply's last-applied annotation
      if (obj.kind === 'CustomResourceDefinition') addSyncOptions(obj, 'ServerSideApply=true');
    }
  }
}

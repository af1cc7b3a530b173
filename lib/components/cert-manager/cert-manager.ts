import { App } from 'cdk8s';
import { AppChart } from '../../constructs/app-chart';
import { addSyncOptions } from '../../constructs/argocd-sync';
import { PlatformNamespace } from '../../constructs/platform-namespace';
import { argoHook, hardenWorkload, inNamespace, type PlainResources } from '../../constructs/rendered-chart';
import { shipUpstream } from '../../constructs/upstream-manifest';
import { loadRenderedChart, type Manifest, type UpstreamChart } from '../../upstream';

const CERT_MANAGER_NAMESPACE = 'cert-manager';

export interface CertManagerProps {
  readonly version: string;
  /** Its pinned chart, rendered at import time (chartsOf in lib/upstream.ts). */
  readonly chart: UpstreamChart;
  /** The ACME HTTP-01 solver the controller runs, written out (the catalog's certManagerAcmeSolver). */
  readonly acmeSolverImage: string;
}

/** cert-manager's documented footprint is about 10m CPU / 32Mi each on a small cluster. */
const small = (memory: string): PlainResources => ({
  requests: { cpu: '10m', memory: '32Mi' },
  limits: { cpu: '200m', memory },
});

/**
 * Requests and limits of each container (the chart sets none), by container name: since 1.10 each
 * Deployment's and the Job's one container is named after its component. cainjector watches every
 * Secret and CRD: more memory.
 */
const RESOURCES: Readonly<Record<string, PlainResources>> = {
  'cert-manager-controller': small('256Mi'),
  'cert-manager-cainjector': small('512Mi'),
  'cert-manager-webhook': small('128Mi'),
  'cert-manager-startupapicheck': small('128Mi'),
};

/** Our patches over the chart's objects: the namespace, the hooks as ArgoCD's, hardened pods with resources. */
function patched(m: Manifest, acmeSolverImage: string): Manifest {
  const hooked = argoHook(inNamespace(m, CERT_MANAGER_NAMESPACE));
  if (hooked.kind !== 'Deployment' && hooked.kind !== 'Job') return hooked;
  return hardenWorkload(hooked, {
    resources: RESOURCES,
    // the ACME solver image, which the controller runs for HTTP-01 challenges, written out: listed by `npm run images`,
    // rewritten for a mirror
    args: (container, args) =>
      container === 'cert-manager-controller' ? [...args, `--acme-http01-solver-image=${acmeSolverImage}`] : [...args],
  });
}

/**
 * cert-manager, for the certificate of Rook's admission webhook: its pinned Helm chart rendered
 * at import time (imports/rendered/, values in lib/upstream.ts chartsOf), CRDs included, with our patches.
 * The chart's pods only set runAsNonRoot, which the `restricted` namespace rejects: every pod,
 * the startupapicheck PostSync hook Job included, is hardened here.
 */
export class CertManagerChart extends AppChart {
  constructor(scope: App, id: string, props: CertManagerProps) {
    super(scope, id, {
      namespace: CERT_MANAGER_NAMESPACE,
      description: `cert-manager ${props.version} (pinned Helm chart rendered at import) for Rook's admission webhook`,
    });
    new PlatformNamespace(this, 'Namespace', { name: CERT_MANAGER_NAMESPACE, enforce: 'restricted' });
    for (const obj of shipUpstream(
      this,
      loadRenderedChart(props.chart).map((m) => patched(m, props.acmeSolverImage)),
    )) {
      // the CRDs are too big for client-side apply's last-applied annotation
      if (obj.kind === 'CustomResourceDefinition') addSyncOptions(obj, 'ServerSideApply=true');
    }
  }
}

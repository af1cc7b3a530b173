import { App } from 'cdk8s';
import { AppChart } from '../constructs/app-chart';
import { WAVES, addSyncOptions } from '../constructs/argocd-sync';
import { PlatformNamespace } from '../constructs/platform-namespace';
import { argoHook, hardenWorkload, inNamespace, type PlainResources } from '../constructs/rendered-chart';
import { shipUpstream } from '../constructs/upstream-manifest';
import { UPSTREAM_CHARTS, loadRenderedChart, type Manifest, PINNED_VERSIONS } from '../upstream';

const CHART = UPSTREAM_CHARTS.certManager;
export const CERT_MANAGER_NAMESPACE = CHART.namespace;

/** The controller's default (its --acme-http01-solver-image), tagged like the chart's images. */
const ACME_SOLVER_IMAGE = `quay.io/jetstack/cert-manager-acmesolver:${PINNED_VERSIONS.certManager}`;

/** cert-manager's documented footprint is about 10m CPU / 32Mi each on a small cluster. */
const small = (memory: string): PlainResources => ({ requests: { cpu: '10m', memory: '32Mi' }, limits: { cpu: '200m', memory } });

/**
 * Requests and limits of each Deployment and Job (the chart sets none), by object name: its one
 * container is `cert-manager` in each. cainjector watches every Secret and CRD: more memory.
 */
const RESOURCES: Readonly<Record<string, PlainResources>> = {
  'cert-manager': small('256Mi'),
  'cert-manager-cainjector': small('512Mi'),
  'cert-manager-webhook': small('128Mi'),
  'cert-manager-startupapicheck': small('128Mi'),
};

/** Our patches over the chart's objects: the namespace, the hooks as ArgoCD's, hardened pods with resources. */
function patched(m: Manifest): Manifest {
  const hooked = argoHook(inNamespace(m, CERT_MANAGER_NAMESPACE));
  if (hooked.kind !== 'Deployment' && hooked.kind !== 'Job') return hooked;
  const resources = RESOURCES[hooked.metadata.name];
  if (!resources) throw new Error(`cert-manager ${PINNED_VERSIONS.certManager} renders ${hooked.kind} ${hooked.metadata.name}, which has no resources in lib/charts/cert-manager.ts: add them`);
  return hardenWorkload(hooked, {
    resources: { 'cert-manager': resources },
    // the ACME solver image, which the controller runs for HTTP-01 challenges, written out: listed by `npm run images`, rewritten for a mirror
    args: (_c, args) => (hooked.metadata.name === 'cert-manager' ? [...args, `--acme-http01-solver-image=${ACME_SOLVER_IMAGE}`] : [...args]),
  });
}

/**
 * cert-manager, for the certificate of Rook's admission webhook: its pinned Helm chart rendered
 * at import time (imports/rendered/, values in UPSTREAM_CHARTS), CRDs included, with our patches.
 * The chart's pods only set runAsNonRoot, which the `restricted` namespace rejects: every pod,
 * the startupapicheck PostSync hook Job included, is hardened here.
 */
export class CertManagerChart extends AppChart {
  constructor(app: App) {
    super(app, { name: 'cert-manager', wave: WAVES.crds, namespace: CERT_MANAGER_NAMESPACE, description: `cert-manager ${PINNED_VERSIONS.certManager} (pinned Helm chart rendered at import) for Rook's admission webhook` });
    new PlatformNamespace(this, 'Namespace', { name: CERT_MANAGER_NAMESPACE, enforce: 'restricted' });
    for (const obj of shipUpstream(this, loadRenderedChart(CHART).map(patched))) {
      // the CRDs are too big for client-side apply's last-applied annotation
      if (obj.kind === 'CustomResourceDefinition') addSyncOptions(obj, 'ServerSideApply=true');
    }
  }
}

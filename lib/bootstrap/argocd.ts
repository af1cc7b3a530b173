import { dump } from 'js-yaml';
import { Application } from '../../imports/argoproj.io';
import { ARGOCD_NAMESPACE, rootApplication } from '../site/gitops';
import { siteUrl } from '../site/mirrors';
import type { Site } from '../site/model';
import { catalogOf } from '../site/catalog';
import { imagesOf } from '../core/images';
import { loadUpstreamYaml, upstreamOf } from '../upstream';
import { bashScript, file, shq } from './cloud-config';
import { ADMIN_KUBECONFIG, bootstrapPath, type BootstrapStep } from './step';
import { minorNumber } from '../core/versions';

/** ArgoCD's install manifest at the site's pinned tag (the runbook applied `stable`, whatever that was that day). */
export const argoCdInstallUrl = (site: Site): string => upstreamOf(catalogOf(site).versions).argocd.install.url;
/**
 * The images that manifest pulls (it is fetched at boot), read from its pinned copy: for `npm run images` and
 * air-gapped mirrors.
 */
export function argoCdInstallImages(site: Site): string[] {
  const images = loadUpstreamYaml(upstreamOf(catalogOf(site).versions).argocd.install)
    .filter((m) => m.kind !== 'CustomResourceDefinition')
    .flatMap((m) => imagesOf(m).map((i) => i.image));
  return [...new Set(images)].sort();
}

/** The site's root Application as plain data, as dist/<site>/argocd/ renders it (less the chart's label). */
function rootApplicationManifest(site: Site): Record<string, unknown> {
  return Application.manifest(rootApplication(site)) as Record<string, unknown>;
}

/**
 * How the install manifest is applied: since 3.3 its ApplicationSet CRD no longer fits client-side
 * apply's last-applied annotation, so upstream applies it server-side (argo-cd@v3.5.1:
 * docs/operator-manual/upgrading/3.2-3.3.md:5-27); 2.x as its docs did.
 */
export function argoCdInstallsServerSide(version: string): boolean {
  return minorNumber(version) >= minorNumber('3.3');
}

function installApply(version: string): string {
  return `kubectl apply -n ${ARGOCD_NAMESPACE}${argoCdInstallsServerSide(version) ? ' --server-side --force-conflicts' : ''} -f "$install_yaml"`;
}

const ROOT_APP_FILE = bootstrapPath('argocd-root-application.yaml');

/**
 * ArgoCD, then the root app-of-apps: from there ArgoCD syncs dist/<site>/argocd and every app.
 * The install manifest is too big for user-data (~1 MB), so it is downloaded at its pinned tag.
 */
export function argoCdStep(site: Site): BootstrapStep {
  const { argocd } = catalogOf(site).versions;
  return {
    name: '60-install-argocd.sh',
    files: [file(ROOT_APP_FILE, dump(rootApplicationManifest(site), { lineWidth: -1, noRefs: true }))],
    script: bashScript(
      `ArgoCD ${argocd} and the root Application ${site.name}-root: from here on, git drives the cluster.`,
      [
        `export KUBECONFIG=${ADMIN_KUBECONFIG}`,
        'install_yaml="$(mktemp)"',
        'trap \'rm -f "$install_yaml"\' EXIT',
        `curl -fsSL --retry 5 -o "$install_yaml" ${shq(siteUrl(site.mirrors, argoCdInstallUrl(site)))}`,
        `kubectl create namespace ${ARGOCD_NAMESPACE} --dry-run=client -o yaml | kubectl apply -f -`,
        installApply(argocd),
        'kubectl wait --for condition=established --timeout=300s crd/applications.argoproj.io crd/appprojects.argoproj.io',
        `kubectl apply -f ${ROOT_APP_FILE}`,
      ],
    ),
  };
}

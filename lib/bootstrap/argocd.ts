import { dump } from 'js-yaml';
import { Application } from '../../imports/argoproj.io';
import { ARGOCD_NAMESPACE, rootApplication } from '../site/gitops';
import { siteUrl } from '../site/mirrors';
import type { Site } from '../site/model';
import { catalogOf } from '../site/catalog';
import { imagesOf } from '../core/images';
import { UPSTREAM, loadUpstreamYaml } from '../upstream';
import { bashScript, file, shq } from './cloud-config';
import { ADMIN_KUBECONFIG, bootstrapPath, type BootstrapStep } from './step';

/** ArgoCD's install manifest at the pinned tag (the runbook applied `stable`, whatever that was that day). */
export const ARGOCD_INSTALL_URL = UPSTREAM.argocd.install.url;
/** The images that manifest pulls (it is fetched at boot), read from its pinned copy: for `npm run images` and air-gapped mirrors. */
export function argoCdInstallImages(): string[] {
  const images = loadUpstreamYaml(UPSTREAM.argocd.install).filter((m) => m.kind !== 'CustomResourceDefinition').flatMap((m) => imagesOf(m).map((i) => i.image));
  return [...new Set(images)].sort();
}

/** The site's root Application as plain data, as dist/<site>/argocd/ renders it (less the chart's label). */
export function rootApplicationManifest(site: Site): Record<string, unknown> {
  return Application.manifest(rootApplication(site)) as Record<string, unknown>;
}

const ROOT_APP_FILE = bootstrapPath('argocd-root-application.yaml');

/**
 * ArgoCD, then the root app-of-apps: from there ArgoCD syncs dist/<site>/argocd and every app.
 * The install manifest is too big for user-data (~1 MB), so it is downloaded at its pinned tag.
 */
export function argoCdStep(site: Site): BootstrapStep {
  return {
    name: '60-install-argocd.sh',
    files: [file(ROOT_APP_FILE, dump(rootApplicationManifest(site), { lineWidth: -1, noRefs: true }))],
    script: bashScript(`ArgoCD ${catalogOf(site).versions.argocd} and the root Application ${site.name}-root: from here on, git drives the cluster.`, [
      `export KUBECONFIG=${ADMIN_KUBECONFIG}`,
      'install_yaml="$(mktemp)"',
      'trap \'rm -f "$install_yaml"\' EXIT',
      `curl -fsSL --retry 5 -o "$install_yaml" ${shq(siteUrl(site.mirrors, ARGOCD_INSTALL_URL))}`,
      `kubectl create namespace ${ARGOCD_NAMESPACE} --dry-run=client -o yaml | kubectl apply -f -`,
      `kubectl apply -n ${ARGOCD_NAMESPACE} -f "$install_yaml"`,
      'kubectl wait --for condition=established --timeout=300s crd/applications.argoproj.io crd/appprojects.argoproj.io',
      `kubectl apply -f ${ROOT_APP_FILE}`,
    ]),
  };
}

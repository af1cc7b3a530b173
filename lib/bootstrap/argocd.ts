import { dump } from 'js-yaml';
import { Application } from '../../imports/argoproj.io';
import { ARGOCD_NAMESPACE, bootstrapProject, emptiedDefaultProject, rootApplication } from '../site/gitops';
import { siteSource } from '../site-files/load';
import { podSecurityLabels, type PodSecurityLevel } from '../constructs/platform-namespace';
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

/**
 * The root's bootstrap project, ArgoCD's default project emptied and the root Application, as
 * dist/<site>/argocd renders them (less the chart's label): the project before the Application that
 * names it.
 */
function rootManifests(site: Site): string {
  const file = siteSource(site.name);
  return [bootstrapProject(site, file), emptiedDefaultProject(file), Application.manifest(rootApplication(site))]
    .map((m) => dump(m, { lineWidth: -1, noRefs: true }))
    .join('---\n');
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

/** The Pod Security level of the argocd namespace, which the bootstrap creates. */
export const ARGOCD_POD_SECURITY: PodSecurityLevel = 'restricted';

const ROOT_APP_FILE = bootstrapPath('argocd-root-application.yaml');

/**
 * ArgoCD, then the root app-of-apps: from there ArgoCD syncs dist/<site>/argocd and every app.
 * The install manifest is too big for user-data (~1 MB), so it is downloaded at its pinned tag.
 */
export function argoCdStep(site: Site): BootstrapStep {
  const { argocd } = catalogOf(site).versions;
  return {
    name: '60-install-argocd.sh',
    files: [file(ROOT_APP_FILE, rootManifests(site))],
    script: bashScript(
      `ArgoCD ${argocd} and the root Application ${site.name}-root in its own project: from here on, git drives the cluster.`,
      [
        `export KUBECONFIG=${ADMIN_KUBECONFIG}`,
        'install_yaml="$(mktemp)"',
        'trap \'rm -f "$install_yaml"\' EXIT',
        `curl -fsSL --retry 5 -o "$install_yaml" ${shq(siteUrl(site.mirrors, argoCdInstallUrl(site)))}`,
        `kubectl create namespace ${ARGOCD_NAMESPACE} --dry-run=client -o yaml | kubectl apply -f -`,
        // every pod of the install manifest meets restricted (test/argocd.test.ts checks both trains' manifests)
        `kubectl label --overwrite namespace ${ARGOCD_NAMESPACE} ${Object.entries(
          podSecurityLabels(ARGOCD_POD_SECURITY),
        )
          .map(([k, v]) => `${k}=${v}`)
          .join(' ')}`,
        installApply(argocd),
        'kubectl wait --for condition=established --timeout=300s crd/applications.argoproj.io crd/appprojects.argoproj.io',
        `kubectl apply -f ${ROOT_APP_FILE}`,
      ],
    ),
  };
}

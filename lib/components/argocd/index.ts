import { argoCdInstallImages } from '../../bootstrap/argocd';
import { ArgoCdChart } from './argocd';
import { ssoIssues } from './argocd-sso';
import { WAVES } from '../../constructs/argocd-sync';
import { ARGOCD_APP, ARGOCD_NAMESPACE, bootstrapProject, rootApplication } from '../../site/gitops';
import { resolveSite } from '../../site/resolve';
import { siteSource } from '../../site-files/load';
import type { Component } from '../component';

/**
 * ArgoCD: the project, one Application per chart rendered before it (so it comes last in the
 * registry), the root app-of-apps and its settings; the install manifest the bootstrap applies.
 */
export const argocd: Component = {
  name: ARGOCD_APP,
  summary:
    "ArgoCD's AppProject, settings, one Application per other app and the root app-of-apps (the install manifest's images)",
  enabledWhen: 'always',
  // the root app-of-apps syncs this folder itself: no Application lists it
  waves: { [ARGOCD_APP]: WAVES.project },
  enabled: () => true,
  charts: (app, site, { earlier }) => [
    new ArgoCdChart(app, ARGOCD_APP, {
      site,
      siteFile: siteSource(site.name),
      gitops: site.gitops,
      apps: earlier,
      install: resolveSite(site).upstream.argocd.install,
      root: rootApplication(site),
      bootstrapProject: bootstrapProject(site, siteSource(site.name)),
    }),
  ],
  validate: ssoIssues,
  // the API server and web UI (argocd-server of the install manifest serves HTTPS on 8080)
  exposes: [
    {
      key: 'argocd',
      service: () => ({
        name: 'argocd-server-external',
        namespace: ARGOCD_NAMESPACE,
        selector: { 'app.kubernetes.io/name': 'argocd-server' },
        port: 443,
        targetPort: 8080,
      }),
    },
  ],
  images: (site) =>
    resolveSite(site).bootstrap.installArgoCd
      ? argoCdInstallImages(site).map((image) => ({ image, usedBy: 'argocd install' }))
      : [],
};

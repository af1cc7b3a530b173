import { argoCdInstallImages } from '../bootstrap/argocd';
import { ArgoCdChart } from '../charts/argocd';
import { AppChart } from '../constructs/app-chart';
import { resolveSite } from '../site/resolve';
import type { Component } from './component';

/**
 * ArgoCD: the project, one Application per chart rendered before it (so it comes last in the
 * registry), the root app-of-apps and its settings; the install manifest the bootstrap applies.
 */
export const argocd: Component = {
  name: 'argocd',
  enabled: () => true,
  charts: (app, site) => [new ArgoCdChart(app, site, app.charts.filter((c): c is AppChart => c instanceof AppChart))],
  images: (site) => (resolveSite(site).bootstrap.installArgoCd ? argoCdInstallImages(site).map((image) => ({ image, usedBy: 'argocd install' })) : []),
};

import { App } from 'cdk8s';
import type { Site } from '../site/model';
import { enabledComponents } from './index';

/**
 * Every chart (= ArgoCD Application = dist folder) of a site: those of each enabled component, in
 * registry order (ArgoCD's last, since it lists the others). Upstream charts and manifests are
 * rendered here too (from imports/), so dist/ holds every object ArgoCD applies.
 */
export function buildSite(site: Site): App {
  const app = new App({ recordConstructMetadata: false });
  for (const component of enabledComponents(site)) component.charts(app, site);
  return app;
}

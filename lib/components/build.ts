import { App } from 'cdk8s';
import type { SyncedApp } from '../constructs/app-chart';
import type { Site } from '../site/model';
import type { Component } from './component';
import { COMPONENTS } from './index';

/**
 * Every chart (= ArgoCD Application = dist folder) of a site: those of each enabled component, in
 * registry order (ArgoCD's last, since it lists the others), each with the wave its component
 * declares. Upstream charts and manifests are rendered here too (from imports/), so dist/ holds
 * every object ArgoCD applies. `peers` are the repository's sites (RenderContext.peers), read by the pipeline.
 */
export function buildSite(site: Site, peers: readonly Site[], components: readonly Component[] = COMPONENTS): App {
  const app = new App({ recordConstructMetadata: false });
  const synced: SyncedApp[] = [];
  const render = (other: Site) => buildSite(other, peers, components);
  const exposures = components.flatMap((c) => c.exposes ?? []);
  for (const component of components.filter((c) => c.enabled(site))) {
    for (const chart of component.charts(app, site, { earlier: synced, peers, render, exposures })) {
      const wave = component.waves[chart.appName];
      if (wave === undefined)
        throw new Error(
          `component ${component.name} renders the app '${chart.appName}' but declares no wave for it: add it to waves in lib/components/${component.name}/index.ts`,
        );
      synced.push({ chart, wave });
    }
  }
  return app;
}

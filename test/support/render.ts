import { load } from 'js-yaml';
import type { Site } from '../../lib/site/model';
import { lab } from '../../sites/lab';
import { poc } from '../../sites/poc';
import { renderManifests } from '../../lib/synth/render';
import { type FileTree } from '../../lib/core/file-tree';
import type { Kind, Rendered } from './kinds';

/** A rendered Kubernetes object as plain data (tests narrow further with `as`). */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: unknown;
}

const rendered = new WeakMap<Site, ReadonlyMap<string, string>>();

/**
 * dist/ of a site as synth renders it, rendered once per site object (and, with vitest's
 * `isolate: false`, once per worker for the example sites): read-only, tests copy before changing.
 */
export function renderedFiles(site: Site): ReadonlyMap<string, string> {
  let files = rendered.get(site);
  if (!files) rendered.set(site, (files = renderManifests(site) as FileTree));
  return files;
}

/** Every rendered object of a site, by app folder, parsed back from the YAML synth would write. */
export function renderedApps(site: Site): Map<string, K8sObject[]> {
  const apps = new Map<string, K8sObject[]>();
  for (const [file, yaml] of renderedFiles(site)) {
    const app = file.split('/')[0];
    apps.set(app, [...(apps.get(app) ?? []), load(yaml) as K8sObject]);
  }
  return apps;
}

/**
 * The one object of `kind` and `name` in an app; fails the test if absent. Typed by its kind where test/support/kinds.ts
 * knows it (the imports' types), else a plain object whose fields are `unknown`.
 */
export function objectOf<K extends Kind>(
  apps: Map<string, K8sObject[]>,
  app: string,
  kind: K,
  name: string,
): K8sObject & Rendered<K>;
export function objectOf(apps: Map<string, K8sObject[]>, app: string, kind: string, name: string): K8sObject;
export function objectOf(apps: Map<string, K8sObject[]>, app: string, kind: string, name: string): K8sObject {
  const found = (apps.get(app) ?? []).find((o) => o.kind === kind && o.metadata.name === name);
  if (!found)
    throw new Error(
      `${app} has no ${kind} '${name}' (it has ${(apps.get(app) ?? []).map((o) => `${o.kind}/${o.metadata.name}`).join(', ')})`,
    );
  return found;
}

/** A deep copy of a site with a change applied, for bad-input and what-if tests. */
export function withSite(site: Site, change: (draft: Site) => void): Site {
  const draft = structuredClone(site);
  change(draft);
  return draft;
}

/**
 * The POC as the runbook built it: its one cluster, without the DR standby the example also keeps (test/standby.test.ts);
 * for tests that count the runbook cluster's pods or index its clusters.
 */
export const runbookPoc: Site = withSite(poc, (d) => {
  d.postgres.clusters = d.postgres.clusters.filter((c: { standby?: unknown }) => !c.standby);
});

/** lab on Flannel, as before it ran Canal and NetworkPolicies: the Flannel step of its first control plane. */
export const labOnFlannel: Site = withSite(lab, (d) => {
  delete d.kubernetes.cni;
  delete d.networkPolicies;
});

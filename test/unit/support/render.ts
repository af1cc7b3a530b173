import { App } from 'cdk8s';
import type { Component } from '../../../lib/components/component';
import type { KubeObject } from '../../../lib/core/objects';
import type { Site } from '../../../lib/site/model';
import { type Kind, type Rendered } from '../../support/kinds';

/**
 * One component's charts rendered for a site, without the registry (its module loads only what that component
 * imports) and without the example sites. `peers` are the repository's other sites as the pipeline would pass them.
 */
export function renderComponent(component: Component, site: Site, peers: readonly Site[] = [site]): KubeObject[] {
  const app = new App({ recordConstructMetadata: false });
  const charts = component.charts(app, site, {
    earlier: [],
    peers,
    render: () => {
      throw new Error(`a unit test renders one component of one site: ${component.name} asked for another site`);
    },
    exposures: component.exposes ?? [],
  });
  return charts.flatMap((c) => c.toJson() as KubeObject[]);
}

/** The one object of `kind` named `name`; fails the test, listing what there is, when it is absent. */
export function objectOf<K extends Kind>(objects: readonly KubeObject[], kind: K, name: string): Rendered<K> {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found)
    throw new Error(
      `no ${kind} '${name}' (there are ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')})`,
    );
  return found as Rendered<K>;
}

import { SiteSchema, type Site } from '../site/model';
import { schemaIssues } from '../site/schema-kit';
import { siteRules } from '../site/validate';
import { type SiteIssue } from '../site/issues';
import { exposedOf } from '../site/load-balancers';
import type { Component } from './component';
import { COMPONENTS } from './index';

/** A UI exposed on the load balancers that the site does not run, by the exposure its component declares. */
function exposureIssues(site: Site, components: readonly Component[]): SiteIssue[] {
  const exposures = components.flatMap((c) => c.exposes ?? []);
  return exposedOf(site.loadBalancers).flatMap((key) => {
    const service = exposures.find((e) => e.key === key)?.service(site);
    if (service === undefined)
      return [{ path: `loadBalancers.expose.${key}`, message: 'no component of the registry exposes it' }];
    return 'missing' in service ? [{ path: `loadBalancers.expose.${key}`, message: service.missing }] : [];
  });
}

/**
 * Every problem of a site, each with its field path; empty when the site is valid. The shape
 * first (SiteSchema: unknown keys, wrong types, enums), then, on a well-formed site, the values
 * and the rules across fields: the site-wide ones, then each component's, in registry order, then the UIs
 * exposed on the load balancers against the components that run them (their `exposes`).
 * A component's rules run whether the site enables it or not: they also refuse settings that
 * need it (alerts without monitoring, a LoadBalancer flag without loadBalancers).
 */
export function validateSite(input: unknown, components: readonly Component[] = COMPONENTS): SiteIssue[] {
  const shape = schemaIssues(SiteSchema, input);
  if (shape.length > 0) return shape;
  const site = input as Site;
  return [
    ...siteRules(site),
    ...components.flatMap((c) => c.validate?.(site) ?? []),
    ...exposureIssues(site, components),
  ];
}

import { SiteSchema, type Site } from '../site/model';
import { schemaIssues } from '../site/schema-kit';
import { siteRules } from '../site/validate';
import { type SiteIssue } from '../site/issues';
import { COMPONENTS } from './index';

/**
 * Every problem of a site, each with its field path; empty when the site is valid. The shape
 * first (SiteSchema: unknown keys, wrong types, enums), then, on a well-formed site, the values
 * and the rules across fields: the site-wide ones, then each component's, in registry order.
 * A component's rules run whether the site enables it or not: they also refuse settings that
 * need it (alerts without monitoring, a LoadBalancer flag without loadBalancers).
 */
export function validateSite(input: unknown): SiteIssue[] {
  const shape = schemaIssues(SiteSchema, input);
  if (shape.length > 0) return shape;
  const site = input as Site;
  return [...siteRules(site), ...COMPONENTS.flatMap((c) => c.validate?.(site) ?? [])];
}

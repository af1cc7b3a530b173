import { catalogOf } from '../site/catalog';
import type { Site } from '../site/model';
import { upstreamFiles } from '../upstream';
import type { Finding, SiteTree } from './findings';
import { where } from '../core/objects';
import { SchemaValidator, schemaVersionFor } from './schema-validator';

const validators = new Map<string, SchemaValidator>();

/**
 * One validator per pinned schema version and set of pinned files (the site's train, with its
 * overrides), built on first use (loading the schemas takes a while).
 */
export function validatorFor(site: Site): SchemaValidator {
  const { versions } = catalogOf(site);
  const version = schemaVersionFor(site.kubernetes.version, versions);
  const key = [version, ...upstreamFiles(versions).map((f) => f.path)].join('\n');
  let validator = validators.get(key);
  if (!validator) {
    validator = new SchemaValidator(version, versions);
    validators.set(key, validator);
  }
  return validator;
}

/**
 * Every object against the pinned Kubernetes schemas of the site's minor and the CRDs of the site's versions; unknown
 * kinds fail.
 */
export function checkSchemas({ site, objects }: SiteTree): Finding[] {
  const validator = validatorFor(site);
  return objects.flatMap((r) =>
    validator.validate(r.obj).map((message) => ({
      check: 'schemas',
      severity: 'error' as const,
      where: `${r.site}/${where(r)}`,
      message,
    })),
  );
}

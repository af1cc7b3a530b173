import type { Finding, SiteTree } from './findings';
import { where } from '../core/objects';
import { SchemaValidator, schemaVersionFor } from './schemas';

const validators = new Map<string, SchemaValidator>();

/** One validator per pinned schema version, built on first use (loading the schemas takes a while). */
export function validatorFor(kubernetesVersion: string): SchemaValidator {
  const version = schemaVersionFor(kubernetesVersion);
  if (!validators.has(version)) validators.set(version, new SchemaValidator(version));
  return validators.get(version)!;
}

/** Every object against the pinned Kubernetes schemas of the site's minor and the pinned CRDs; unknown kinds fail. */
export function checkSchemas({ site, objects }: SiteTree): Finding[] {
  const validator = validatorFor(site.kubernetes.version);
  return objects.flatMap((r) => validator.validate(r.obj).map((message) => ({
    check: 'schemas', severity: 'error' as const, where: `${r.site}/${where(r)}`, message,
  })));
}

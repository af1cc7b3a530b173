import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { catalogOf } from '../site/catalog';
import { cachedText } from '../synth/build-cache';
import type { Site } from '../site/model';
import { PROJECT_ROOT, upstreamFiles } from '../upstream';
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

/** What decides a validation besides the object: the pinned files (named by version) and the validator's code. */
function validationKey(site: Site): string {
  const { versions } = catalogOf(site);
  const code = readFileSync(join(__dirname, 'schema-validator.ts'), 'utf8');
  return [
    schemaVersionFor(site.kubernetes.version, versions),
    ...upstreamFiles(versions).map((f) => f.path),
    code,
  ].join('\n');
}

/**
 * Every object against the pinned Kubernetes schemas of the site's minor and the CRDs of the site's versions; unknown
 * kinds fail. Results are kept in .build/schema-check/ by object and key: loading the schemas and compiling them was
 * most of check's time, and an unchanged object needs neither.
 */
export function checkSchemas({ site, objects }: SiteTree): Finding[] {
  const key = validationKey(site);
  const problems = (obj: SiteTree['objects'][number]['obj']): string[] =>
    JSON.parse(
      cachedText(PROJECT_ROOT, 'schema-check', `${key}\n${JSON.stringify(obj)}`, () =>
        JSON.stringify(validatorFor(site).validate(obj)),
      ),
    ) as string[];
  return objects.flatMap((r) =>
    problems(r.obj).map((message) => ({
      check: 'schemas',
      severity: 'error' as const,
      where: `${r.site}/${where(r)}`,
      message,
    })),
  );
}

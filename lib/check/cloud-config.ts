import Ajv, { type ValidateFunction } from 'ajv-draft-04';
import { DEFAULT_TRAIN } from '../site/trains';
import type { TrainVersions } from '../site/trains/train';
import { loadUpstreamDoc, upstreamOf } from '../upstream';

type Schema = { readonly [key: string]: unknown };

/**
 * Validates user-data against cloud-init's pinned cloud-config JSON schema (draft-04, like
 * cloud-init's own validator) of a site's train (`cloudInitSchema`: 22.4.2 on runbook-2023, 26.2 on
 * current), plus what that schema lets through: a top-level key no module declares (a typo such as
 * `write_file` is silently ignored by cloud-init), and a key that version marks `deprecated` (cloud-init
 * only warns; 26.2 deprecates `apt_update`, `ubuntu_advantage`, `system_info` ...).
 */
export class CloudConfigValidator {
  private readonly validateSchema: ValidateFunction;
  private readonly knownKeys: ReadonlySet<string>;

  /** @param versions whose cloud-init schema (cloudInitSchema) applies: a site's catalog */
  constructor(versions: TrainVersions = DEFAULT_TRAIN.versions) {
    const schema = loadUpstreamDoc(upstreamOf(versions).cloudConfigSchema) as Schema;
    // the schema is cloud-init's, not written for ajv's strict mode (it uses prefixItems, label, hidden …)
    // verbose: an error carries its schema, whose deprecated_version/deprecated_description the message quotes
    const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
    // an annotation for cloud-init (it warns); an error here, on the keys the user-data sets
    ajv.addKeyword({
      keyword: 'deprecated',
      schemaType: 'boolean',
      validate: (deprecated: boolean) => !deprecated,
      errors: false,
    });
    // cloud-init checks formats with python-jsonschema's FormatChecker: the same shapes, loosely
    ajv.addFormat('hostname', /^[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)*$/);
    ajv.addFormat('uri', /^[A-Za-z][A-Za-z0-9+.-]*:\S*$/);
    ajv.addFormat('date', /^\d{4}-\d\d-\d\d$/);
    this.validateSchema = ajv.compile(schema);
    const defs = schema.$defs as Record<string, { properties?: Record<string, unknown> }>;
    this.knownKeys = new Set(Object.values(defs).flatMap((d) => Object.keys(d.properties ?? {})));
  }

  /** Every problem of a parsed user-data document, `<path>: <message>`; empty when valid. */
  validate(doc: unknown): string[] {
    const errors = this.validateSchema(doc)
      ? []
      : (this.validateSchema.errors ?? []).map(
          (e) =>
            `${e.instancePath || '/'}: ${e.keyword === 'deprecated' ? deprecation(e.parentSchema) : (e.message ?? e.keyword)}${e.params && 'additionalProperty' in e.params ? ` '${String(e.params.additionalProperty)}'` : ''}`,
        );
    const unknown = doc && typeof doc === 'object' ? Object.keys(doc).filter((k) => !this.knownKeys.has(k)) : [];
    return [...new Set(errors), ...unknown.map((k) => `/${k}: no cloud-init module reads this key`)];
  }
}

/** cloud-init's own words for a deprecated key: since when, and what to use instead. */
function deprecation(schema: unknown): string {
  const s = typeof schema === 'object' && schema !== null ? (schema as Schema) : {};
  const since = typeof s.deprecated_version === 'string' ? ` since cloud-init ${s.deprecated_version}` : '';
  const why = typeof s.deprecated_description === 'string' ? `: ${s.deprecated_description}` : '';
  return `deprecated${since}${why}`;
}

import Ajv, { type ValidateFunction } from 'ajv-draft-04';
import { DEFAULT_TRAIN } from '../site/trains';
import type { TrainVersions } from '../site/trains/train';
import { pinnedCrds, readUpstream, upstreamOf } from '../upstream';
import { minorOf } from '../core/versions';

/**
 * Validates rendered objects against the pinned schemas, strictly: an unknown field is an
 * error (the API server would drop it and ArgoCD would show the app OutOfSync forever), and
 * so is a kind that no pinned schema knows. Kubernetes core kinds use the cdk8s
 * kubernetes-schemas of the site's version; custom resources the openAPIV3Schema of every
 * CRD pinned for the site's versions (lib/upstream.ts pinnedCrds): a custom resource authored with
 * the typed classes of imports/ (generated from the default train's CRDs) is validated against the
 * CRD of the version the site runs, so a field another version removed or renamed fails here. Draft-04, like OpenAPI
 * v2/v3's boolean exclusiveMinimum.
 */
type Schema = { [key: string]: unknown };
const OBJECT_META = 'k8s.json#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

/** Objects with declared properties accept nothing else, unless Kubernetes says unknown fields are kept. */
function strictify(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strictify);
  if (!schema || typeof schema !== 'object') return schema;
  const s = schema as Schema;
  const out: Schema = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === 'x-kubernetes-int-or-string' && v === true) continue;
    out[k] =
      k === 'properties' || k === 'definitions' || k === 'patternProperties'
        ? Object.fromEntries(Object.entries(v as Schema).map(([pk, pv]) => [pk, strictify(pv)]))
        : strictify(v);
  }
  if (s['x-kubernetes-int-or-string'] === true) {
    delete out.type;
    out.anyOf = [{ type: 'string' }, { type: 'integer' }];
  }
  if (s.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  if (out.properties && out.additionalProperties === undefined && s['x-kubernetes-preserve-unknown-fields'] !== true) {
    out.additionalProperties = false;
  }
  return out;
}

interface Crd {
  spec: { group: string; names: { kind: string }; versions: { name: string; schema?: { openAPIV3Schema?: Schema } }[] };
}

/**
 * CRD patterns are Go regular expressions: a leading `(?i)` (prometheus-operator's `^(?i)(abort|warn)?$`) is
 * JavaScript's `i` flag.
 */
const GO_CASE_INSENSITIVE = /^(\^?)\(\?i\)/;
const goRegExp = Object.assign(
  (pattern: string, flags: string) =>
    GO_CASE_INSENSITIVE.test(pattern)
      ? new RegExp(pattern.replace(GO_CASE_INSENSITIVE, '$1'), `${flags}i`)
      : new RegExp(pattern, flags),
  { code: 'goRegExp' },
);

export class SchemaValidator {
  private readonly ajv = new Ajv({
    strict: false,
    allErrors: true,
    validateFormats: false,
    unicodeRegExp: false,
    code: { regExp: goRegExp },
  });
  private readonly kinds = new Map<string, Schema>();
  private readonly compiled = new Map<string, ValidateFunction>();

  /**
   * @param kubernetesVersion one of the pinned schema versions of `versions`, e.g. '1.26.0'
   * @param versions whose CRDs custom resources are validated against (a site's catalog)
   */
  constructor(kubernetesVersion: string, versions: TrainVersions = DEFAULT_TRAIN.versions) {
    const schemas = upstreamOf(versions).kubernetesSchemas;
    const file = schemas.find((f) => f.path.includes(`/v${kubernetesVersion}/`));
    if (!file)
      throw new Error(
        `no pinned Kubernetes schema for ${kubernetesVersion}: pinned are ${schemas.map((f) => f.path).join(', ')}`,
      );
    const defs = strictify(JSON.parse(readUpstream(file))) as { definitions: Record<string, Schema> };
    this.ajv.addSchema(defs, 'k8s.json');
    for (const [name, def] of Object.entries(defs.definitions)) {
      for (const gvk of (def['x-kubernetes-group-version-kind'] as
        { group: string; version: string; kind: string }[] | undefined) ?? []) {
        this.kinds.set(SchemaValidator.key(gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version, gvk.kind), {
          $ref: `k8s.json#/definitions/${name}`,
        });
      }
    }
    for (const doc of pinnedCrds(versions) as unknown as Crd[]) {
      for (const v of doc.spec.versions) {
        const schema = v.schema?.openAPIV3Schema;
        if (!schema) continue;
        const strict = strictify(schema) as Schema;
        // the API server admits apiVersion, kind and metadata at the root of every custom resource,
        // whether its schema lists them or not (Rook's ObjectBucketClaim lists none)
        strict.properties = {
          apiVersion: { type: 'string' },
          kind: { type: 'string' },
          ...(strict.properties as Schema),
          metadata: { $ref: OBJECT_META },
        };
        this.kinds.set(SchemaValidator.key(`${doc.spec.group}/${v.name}`, doc.spec.names.kind), strict);
      }
    }
  }

  private static key(apiVersion: string, kind: string): string {
    return `${apiVersion}/${kind}`;
  }

  /** Known kinds, as `apiVersion/kind`. */
  knows(apiVersion: string, kind: string): boolean {
    return this.kinds.has(SchemaValidator.key(apiVersion, kind));
  }

  /** Problems of one object, each as `<json path>: <message>`; empty when valid. */
  validate(obj: {
    readonly apiVersion?: unknown;
    readonly kind?: unknown;
    readonly [field: string]: unknown;
  }): string[] {
    const key = SchemaValidator.key(String(obj.apiVersion), String(obj.kind));
    const schema = this.kinds.get(key);
    if (!schema) return [`unknown kind ${key}: no pinned schema or CRD defines it`];
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(schema);
      this.compiled.set(key, validate);
    }
    if (validate(obj)) return [];
    return (validate.errors ?? []).map((e) => {
      const extra =
        e.keyword === 'additionalProperties'
          ? ` '${(e.params as { additionalProperty: string }).additionalProperty}'`
          : '';
      return `${e.instancePath || '/'}: ${e.message}${extra}`;
    });
  }
}

/**
 * The pinned schema version of a train (a site's catalog) for a Kubernetes version (same minor), e.g. '1.26.2' →
 * '1.26.0'.
 */
export function schemaVersionFor(kubernetesVersion: string, versions: TrainVersions = DEFAULT_TRAIN.versions): string {
  const minor = minorOf(kubernetesVersion);
  const pinned = versions.kubernetesSchemas.find((v) => v.startsWith(`${minor}.`));
  if (!pinned)
    throw new Error(
      `no pinned Kubernetes schema for ${kubernetesVersion}: pinned are ${versions.kubernetesSchemas.join(', ')}`,
    );
  return pinned;
}

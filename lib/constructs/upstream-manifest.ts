import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { loadUpstreamYaml, type Manifest, type UpstreamFile } from '../upstream';
import { byText } from '../core/order';

/** The objects of a pinned upstream file, optionally filtered, as plain data. */
export function upstreamObjects(file: UpstreamFile, filter: (m: Manifest) => boolean = () => true): Manifest[] {
  return loadUpstreamYaml(file).filter(filter);
}

/** Find the one object of a kind and name in a pinned file; throws if upstream no longer has it. */
export function upstreamObject(file: UpstreamFile, kind: string, name: string): Manifest {
  const found = upstreamObjects(file, (m) => m.kind === kind && m.metadata.name === name);
  if (found.length !== 1)
    throw new Error(
      `${file.path} has ${found.length} ${kind} named '${name}', expected 1: the pinned upstream changed`,
    );
  return found[0];
}

/** cdk8s' rendering of a value: keys sorted, null and undefined dropped (its sanitizeValue). */
function sanitized(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sanitized);
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort(byText)) {
    const v = sanitized((value as Record<string, unknown>)[key]);
    if (v !== null && v !== undefined) out[key] = v;
  }
  return out;
}

/** The body (all but apiVersion, kind, metadata) of each pinned manifest, rendered once per process. */
const bodies = new WeakMap<Manifest, Record<string, unknown>>();

/**
 * An upstream object as cdk8s would render it, without cdk8s' token resolution over the whole
 * body: pinned data has no tokens, and resolving the big CRDs took most of synth's time. The body
 * is shared by every site shipping the same pinned object; only the metadata is per object.
 */
class ShippedObject extends ApiObject {
  constructor(
    scope: Construct,
    private readonly manifest: Manifest,
  ) {
    super(scope, [manifest.kind, manifest.metadata.namespace, manifest.metadata.name].filter(Boolean).join('-'), {
      apiVersion: manifest.apiVersion,
      kind: manifest.kind,
      metadata: { ...manifest.metadata },
    });
  }

  public override toJson(): Record<string, unknown> {
    let body = bodies.get(this.manifest);
    if (!body) {
      const { apiVersion: _a, kind: _k, metadata: _m, ...rest } = this.manifest;
      body = sanitized(rest) as Record<string, unknown>;
      bodies.set(this.manifest, body);
    }
    return { apiVersion: this.apiVersion, kind: this.kind, metadata: sanitized(this.metadata.toJson()), ...body };
  }
}

/** Ships upstream objects (CRDs) unchanged but for our annotations: generated from the pin, never hand-copied. */
export function shipUpstream(scope: Construct, manifests: readonly Manifest[]): ApiObject[] {
  return manifests.map((m) => new ShippedObject(scope, m));
}

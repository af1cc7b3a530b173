import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { loadUpstreamYaml, type Manifest, type UpstreamFile } from '../upstream';

/** The objects of a pinned upstream file, optionally filtered, as plain data. */
export function upstreamObjects(file: UpstreamFile, filter: (m: Manifest) => boolean = () => true): Manifest[] {
  return loadUpstreamYaml(file).filter(filter);
}

/** Find the one object of a kind and name in a pinned file; throws if upstream no longer has it. */
export function upstreamObject(file: UpstreamFile, kind: string, name: string): Manifest {
  const found = upstreamObjects(file, (m) => m.kind === kind && m.metadata.name === name);
  if (found.length !== 1) throw new Error(`${file.path} has ${found.length} ${kind} named '${name}', expected 1: the pinned upstream changed`);
  return found[0];
}

/** Ships upstream objects (CRDs) unchanged but for our annotations: generated from the pin, never hand-copied. */
export function shipUpstream(scope: Construct, manifests: readonly Manifest[]): ApiObject[] {
  return manifests.map((m) => {
    const { apiVersion, kind, metadata, ...rest } = m;
    return new ApiObject(scope, `${kind}-${metadata.name}`, { apiVersion, kind, metadata: { ...metadata }, ...rest });
  });
}

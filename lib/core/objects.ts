import { load } from 'js-yaml';
import { byText } from './order';
import { isRecord } from './records';

/** A rendered Kubernetes object as plain data: checks narrow the rest of its fields themselves. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  readonly [field: string]: unknown;
}

/** One object of a rendered tree and where it is: dist/<site>/<app>/<file>. */
export interface RenderedObject {
  readonly site: string;
  readonly app: string;
  readonly file: string;
  readonly obj: KubeObject;
}

export const groupOf = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.split('/')[0] : '');

/** `group/Kind` (core kinds: `/Kind`), the key of kind-specific rules. */
export const groupKind = (obj: KubeObject): string => `${groupOf(obj.apiVersion)}/${obj.kind}`;

/** `Kind namespace/name` for messages. */
export function describe(obj: KubeObject): string {
  return `${obj.kind} ${obj.metadata.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata.name}`;
}

/** `<app>/<Kind> <ns>/<name>`, how findings and diffs name an object. */
export const where = (r: RenderedObject): string => `${r.app}: ${describe(r.obj)}`;

function isKubeObject(doc: unknown): doc is KubeObject {
  return isRecord(doc) && typeof doc.kind === 'string' && typeof doc.apiVersion === 'string' && isRecord(doc.metadata);
}

/** The objects of one site's tree (`<app>/<file>` → YAML); a file that is not an object is an error. */
export function parseTree(site: string, files: ReadonlyMap<string, string>): RenderedObject[] {
  return [...files]
    .sort(([a], [b]) => byText(a, b))
    .map(([file, yaml]) => {
      const doc = load(yaml);
      if (!isKubeObject(doc))
        throw new Error(`${site}/${file} is not a Kubernetes object (apiVersion, kind and metadata are required)`);
      return { site, app: file.split('/')[0], file, obj: doc };
    });
}

/**
 * The file of an object in dist/<site>/: `<app>/<kind>-<name>.yaml`, `<app>/<kind>-<namespace>-<name>.yaml` outside the
 * app's namespace `home` (upstream's Role prometheus-k8s is in three).
 */
export function manifestFile(app: string, home: string | undefined, obj: KubeObject): string {
  const away = home && obj.metadata.namespace && obj.metadata.namespace !== home ? `${obj.metadata.namespace}-` : '';
  // RBAC names may hold colons (system:aggregated-metrics-reader), which not every file system takes
  return `${app}/${`${obj.kind}-${away}${obj.metadata.name}`.toLowerCase().replace(/[^a-z0-9.-]/g, '-')}.yaml`;
}

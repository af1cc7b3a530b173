import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { load } from 'js-yaml';
import type { FileTree } from '../synth/render';
import { byText } from '../order';

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

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export const asRecord = (value: unknown): Record<string, unknown> => (isRecord(value) ? value : {});
export const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

function isKubeObject(doc: unknown): doc is KubeObject {
  return isRecord(doc) && typeof doc.kind === 'string' && typeof doc.apiVersion === 'string' && isRecord(doc.metadata);
}

/** The objects of one site's tree (`<app>/<file>` → YAML); a file that is not an object is an error. */
export function parseTree(site: string, files: ReadonlyMap<string, string>): RenderedObject[] {
  return [...files].sort(([a], [b]) => byText(a, b)).map(([file, yaml]) => {
    const doc = load(yaml);
    if (!isKubeObject(doc)) throw new Error(`${site}/${file} is not a Kubernetes object (apiVersion, kind and metadata are required)`);
    return { site, app: file.split('/')[0], file, obj: doc };
  });
}

/** Every file under `<root>/<site>/`, per site, as synth would have rendered it. */
export function readTrees(root: string): Map<string, FileTree> {
  const trees = new Map<string, FileTree>();
  if (!existsSync(root)) return trees;
  for (const site of readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort(byText)) {
    const dir = join(root, site);
    const files: FileTree = new Map();
    for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (!e.isFile() || !/\.ya?ml$/.test(e.name)) continue;
      const path = join(e.parentPath ?? e.path, e.name);
      files.set(relative(dir, path), readFileSync(path, 'utf8'));
    }
    trees.set(site, files);
  }
  return trees;
}

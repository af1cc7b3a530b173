import { isMap, isScalar, LineCounter, parseDocument, type Node } from 'yaml';
import type { SiteIssue } from '../site/issues';

/**
 * Issues as a reader finds them: list items that have a name are named by it (`nodes[par-pg1].memory`, not
 * `nodes[3].memory`), and in a YAML site each issue gets the `file:line:col` of its key (or of its nearest parent
 * present in the file, when the field is missing).
 */

/** `nodes[3].memory` → ['nodes', 3, 'memory']. */
const segments = (path: string): (string | number)[] =>
  [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1]));

const asRecord = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' ? (v as Record<string, unknown>) : {};

/** The path with each list index whose item has a string `name` replaced by that name. */
function namedPath(path: string, input: unknown): string {
  let value: unknown = input;
  let out = '';
  for (const s of segments(path)) {
    if (typeof s === 'number') {
      const item: unknown = Array.isArray(value) ? (value as unknown[])[s] : undefined;
      const name = asRecord(item).name;
      out += `[${typeof name === 'string' && name ? name : s}]`;
      value = item;
    } else {
      out += out ? `.${s}` : s;
      value = asRecord(value)[s];
    }
  }
  return out;
}

/** `line:col` of the path's key in a YAML text (its deepest part present in it), or undefined. */
function position(text: string, path: string): string | undefined {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter });
  let node: unknown = doc.contents;
  let at: number | undefined = (doc.contents as Node | null)?.range?.[0];
  for (const s of segments(path)) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && p.key.value === s);
      if (!pair) break;
      at = (pair.key as Node).range?.[0] ?? at;
      node = pair.value;
    } else if (node && typeof node === 'object' && 'items' in node && typeof s === 'number') {
      const item = (node as { items: unknown[] }).items[s] as Node | undefined;
      if (!item) break;
      at = item.range?.[0] ?? at;
      node = item;
    } else break;
  }
  if (at === undefined) return undefined;
  const { line, col } = counter.linePos(at);
  return `${line}:${col}`;
}

/** `issues` with named paths, and for a YAML site (`file`, `text`) their place in the file. */
export function locateIssues(
  issues: readonly SiteIssue[],
  input: unknown,
  yaml?: { readonly file: string; readonly text: string },
): SiteIssue[] {
  return issues.map((i) => {
    const at = yaml && i.path ? position(yaml.text, i.path) : undefined;
    return { ...i, path: namedPath(i.path, input), ...(at ? { at: `${yaml!.file}:${at}` } : {}) };
  });
}

import { isDeepStrictEqual } from 'node:util';
import { isRecord } from '../check/objects';

/** One changed field: `before` or `after` is undefined when the field is added or removed. */
export interface FieldChange {
  /** `spec.numberOfInstances`, `spec.template.spec.containers[name=postgres].image`, `data.docker_image`. */
  readonly path: string;
  readonly before?: unknown;
  readonly after?: unknown;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const join = (path: string, key: string) => (IDENTIFIER.test(key) ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key)}]`);

/** Arrays of objects that all carry a unique `name` (containers, env, ports, volumes) are compared by name, not position. */
function byName(items: readonly unknown[]): Map<string, unknown> | undefined {
  if (!items.every((i) => isRecord(i) && typeof i.name === 'string')) return undefined;
  const map = new Map(items.map((i) => [String((i as { name: string }).name), i]));
  return map.size === items.length ? map : undefined;
}

/** The leaf-level differences between two values; lists of scalars change as a whole. */
export function fieldChanges(before: unknown, after: unknown, path = ''): FieldChange[] {
  if (isDeepStrictEqual(before, after)) return [];
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => fieldChanges(before[k], after[k], join(path, k)));
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length > 0 && after.length > 0 && [...before, ...after].some(isRecord)) {
    const a = byName(before);
    const b = byName(after);
    if (a && b) {
      const names = [...new Set([...a.keys(), ...b.keys()])];
      return names.flatMap((n) => fieldChanges(a.get(n), b.get(n), `${path}[name=${n}]`));
    }
    if (before.length === after.length) return before.flatMap((b, i) => fieldChanges(b, after[i], `${path}[${i}]`));
    // items came or went: list them rather than every shifted position
    return [
      ...before.filter((b) => !after.some((a) => isDeepStrictEqual(a, b))).map((b) => ({ path: `${path}[]`, before: b })),
      ...after.filter((a) => !before.some((b) => isDeepStrictEqual(a, b))).map((a) => ({ path: `${path}[]`, after: a })),
    ];
  }
  return [{ path, ...(before === undefined ? {} : { before }), ...(after === undefined ? {} : { after }) }];
}

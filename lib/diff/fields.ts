import { isDeepStrictEqual } from 'node:util';
import { isList, isRecord } from '../core/records';
import { byText } from '../core/order';
import type { FieldChange } from '../core/impact';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const join = (path: string, key: string) =>
  IDENTIFIER.test(key) ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key)}]`;

/**
 * Fields that identify the items of a list: `name` (containers, env, ports, volumes), `alert` (PrometheusRule rules).
 */
const ITEM_KEYS = ['name', 'alert'] as const;

/** Arrays of objects that all carry a unique key are compared by it, not by position. */
function byKey(items: readonly unknown[]): { key: string; map: Map<string, unknown> } | undefined {
  for (const key of ITEM_KEYS) {
    if (!items.every((i) => isRecord(i) && typeof i[key] === 'string')) continue;
    const map = new Map(items.map((i) => [String((i as Record<string, unknown>)[key]), i]));
    if (map.size === items.length) return { key, map };
  }
  return undefined;
}

/** The leaf-level differences between two values; lists of scalars change as a whole. */
export function fieldChanges(before: unknown, after: unknown, path = ''): FieldChange[] {
  if (isDeepStrictEqual(before, after)) return [];
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort(byText);
    return keys.flatMap((k) => fieldChanges(before[k], after[k], join(path, k)));
  }
  if (
    isList(before) &&
    isList(after) &&
    before.length > 0 &&
    after.length > 0 &&
    [...before, ...after].some(isRecord)
  ) {
    const a = byKey(before);
    const b = byKey(after);
    if (a && b && a.key === b.key) {
      const names = [...new Set([...a.map.keys(), ...b.map.keys()])];
      return names.flatMap((n) => fieldChanges(a.map.get(n), b.map.get(n), `${path}[${a.key}=${n}]`));
    }
    if (before.length === after.length) return before.flatMap((b, i) => fieldChanges(b, after[i], `${path}[${i}]`));
    // items came or went: list them rather than every shifted position
    return [
      ...before
        .filter((b) => !after.some((a) => isDeepStrictEqual(a, b)))
        .map((b) => ({ path: `${path}[]`, before: b })),
      ...after
        .filter((a) => !before.some((b) => isDeepStrictEqual(a, b)))
        .map((a) => ({ path: `${path}[]`, after: a })),
    ];
  }
  return [{ path, ...(before === undefined ? {} : { before }), ...(after === undefined ? {} : { after }) }];
}

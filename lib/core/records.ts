/** Narrowing helpers for plain data read from YAML or JSON (rendered objects, upstream files). */

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export const asRecord = (value: unknown): Record<string, unknown> => (isRecord(value) ? value : {});
/** `Array.isArray` narrowing to `unknown[]`, not to `any[]`. */
export const isList = (value: unknown): value is readonly unknown[] => Array.isArray(value);
export const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** Narrowing helpers for plain data read from YAML or JSON (rendered objects, upstream files). */

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export const asRecord = (value: unknown): Record<string, unknown> => (isRecord(value) ? value : {});
export const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

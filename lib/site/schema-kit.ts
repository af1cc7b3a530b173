import { closest, distance } from 'fastest-levenshtein';
import { z } from 'zod';
import { DNS_1123_LABEL, ZALANDO_CLUSTER_NAME } from './names';
import { QUANTITY } from '../core/quantity';
import type { SiteIssue } from './issues';

/** Building blocks of the site schema (model.ts) and the translation of zod's issues into site issues. */

/**
 * A Kubernetes resource quantity such as `1Gi`, `500Mi`, `250m` or `1e3` (its value is checked by quantity-issues.ts).
 */
export const QuantitySchema = z.string().meta({ pattern: QUANTITY.source });

/** A DNS-1123 label (node, site, namespace names); the pattern is for editors, names.ts checks the value. */
export const DnsLabelSchema = z.string().meta({ pattern: DNS_1123_LABEL.source, maxLength: 63 });

/** A Zalando cluster name (DNS-1035), for editors; names.ts checks the value. */
export const ClusterNameSchema = z.string().meta({ pattern: ZALANDO_CLUSTER_NAME.source });

/** A key of a Secret that exists in the cluster (created at deploy time, never in git). */
export const SecretKeyRefSchema = z.strictObject({ name: z.string(), key: z.string() });

/** CPU and memory of a container. */
export const ResourceAmountsSchema = z.strictObject({ cpu: QuantitySchema, memory: QuantitySchema });

/** The closest of `candidates` to a misspelt `word`, when it is close enough to be what was meant. */
function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const folded = candidates.find((c) => c.toLowerCase() === word.toLowerCase());
  if (folded) return folded;
  const best = closest(word, [...candidates]);
  return distance(word, best) <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

/** A value as the user wrote it: `'text'`, `15`, `null`. */
export const quoted = (value: unknown): string =>
  typeof value === 'string' ? `'${value}'` : (JSON.stringify(value) ?? String(value));

const hint = (word: string, candidates: readonly string[]) => {
  const near = didYouMean(word, candidates);
  return near ? ` (did you mean '${near}'?)` : '';
};

/** An enum whose error names the value, the allowed ones and the closest (enums are case-sensitive). */
export function enumOf<const T extends readonly [string, ...string[]]>(values: T, what: string, description: string) {
  return z
    .enum(values, {
      error: (iss) =>
        `unknown ${what} ${quoted(iss.input)}: use one of ${values.join(', ')}${hint(String(iss.input), values)}`,
    })
    .describe(description);
}

/** `['nodes', 2, 'roles']` → `nodes[2].roles`. */
function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}

/** The schema of the field at `path` (its description, the keys it accepts). */
function schemaAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
  let s: z.ZodType | undefined = schema;
  for (const step of path) {
    const inner: z.ZodType = s instanceof z.ZodOptional ? (s.unwrap() as z.ZodType) : s;
    if (inner instanceof z.ZodObject) s = inner.shape[String(step)] as z.ZodType | undefined;
    else if (inner instanceof z.ZodArray) s = inner.element as z.ZodType;
    else if (inner instanceof z.ZodRecord) s = inner.valueType as z.ZodType;
    else return undefined;
    if (!s) return undefined;
  }
  return s;
}

function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  const s = schemaAt(schema, path);
  const inner = s instanceof z.ZodOptional ? s.unwrap() : s;
  return inner instanceof z.ZodObject ? Object.keys(inner.shape) : [];
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}

const article = (type: string) => (/^[aeio]/.test(type) ? `an ${type}` : `a ${type}`);

/** zod's issues as site issues: an unknown key with the key it likely meant, a wrong type with what was given. */
export function schemaIssues(schema: z.ZodType, input: unknown): SiteIssue[] {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return [];
  return result.error.issues.flatMap((iss): SiteIssue[] => {
    const path = formatPath(iss.path);
    if (iss.code === 'unrecognized_keys') {
      const known = keysAt(schema, iss.path);
      return iss.keys.map((key) => ({
        path: formatPath([...iss.path, key]),
        message: `unknown key '${key}'${hint(key, known)}: ${known.length ? `${path || 'a site'} takes ${known.join(', ')}` : 'remove it'}`,
      }));
    }
    if (iss.code === 'invalid_type') {
      if (iss.input === undefined) {
        const what = schemaAt(schema, iss.path)?.description;
        return [{ path, message: `is required: add it (${article(iss.expected)})${what ? `: ${what}` : ''}` }];
      }
      const quote = iss.expected === 'string' && typeof iss.input === 'number' ? `: quote it ('${iss.input}')` : '';
      return [{ path, message: `expected ${article(iss.expected)}, got ${describe(iss.input)}${quote}` }];
    }
    return [{ path, message: iss.message }];
  });
}

import type { ResourceAmounts } from './model';
import type { SiteIssue } from './validate';

/**
 * Kubernetes resource quantities (k8s.io/apimachinery resource.Quantity), parsed for validation
 * and arithmetic. The grammar is apimachinery's (quantity.go):
 * `<signedNumber><suffix>`, suffix `Ki|Mi|Gi|Ti|Pi|Ei` (binary), `m||k|M|G|T|P|E` (decimal) or
 * `e<signed integer>` / `E<signed integer>` (decimal exponent), a number `1`, `1.5`, `1.` or `.5`.
 */
export const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)|[eE]([+-]?\d+))?$/;

const FACTORS: Readonly<Record<string, number>> = {
  '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

export function isQuantity(value: unknown): value is string {
  return typeof value === 'string' && QUANTITY.test(value);
}

/** The value of a quantity in base units (bytes, cores); throws on a malformed quantity. */
export function parseQuantity(value: string): number {
  const m = QUANTITY.exec(value);
  if (!m) throw new Error(`'${value}' is not a Kubernetes quantity`);
  return Number(m[1]) * (m[3] === undefined ? FACTORS[m[2] ?? ''] : 10 ** Number(m[3]));
}

/** Why a string is not a quantity, with the likely intended spelling. */
export function quantityHint(value: string): string {
  const m = /^(\d+(?:\.\d+)?)\s*([kKmMgGtTpP])[bB]$/.exec(value);
  if (m) return `use binary units like '${m[1]}${m[2].toUpperCase()}i' (Gi, Mi), not '${m[2]}${value.slice(-1)}'`;
  return "use a Kubernetes quantity such as 1Gi, 512Mi, 250m or 1e3 (apimachinery's grammar: '<signedNumber><suffix>', suffix Ki|Mi|Gi|Ti|Pi|Ei, m|k|M|G|T|P|E or e<exponent>, no space)";
}

/** A quantity field that must be valid and above zero. */
export function quantityIssues(path: string, value: string): SiteIssue[] {
  if (!isQuantity(value)) return [{ path, message: `'${value}' is not a Kubernetes quantity: ${quantityHint(String(value))}` }];
  return parseQuantity(value) > 0 ? [] : [{ path, message: `'${value}' must be greater than zero` }];
}

/** Requests and (optional) limits of a container: valid quantities, no limit below its request. */
export function resourcesIssues(path: string, r: { readonly requests: ResourceAmounts; readonly limits?: ResourceAmounts }): SiteIssue[] {
  const issues: SiteIssue[] = [];
  for (const res of ['cpu', 'memory'] as const) {
    issues.push(...quantityIssues(`${path}.requests.${res}`, r.requests[res]));
    if (!r.limits) continue;
    issues.push(...quantityIssues(`${path}.limits.${res}`, r.limits[res]));
    const [req, lim] = [r.requests[res], r.limits[res]];
    if (isQuantity(req) && isQuantity(lim) && parseQuantity(lim) < parseQuantity(req)) {
      issues.push({ path: `${path}.limits.${res}`, message: `limit ${lim} is below the request ${req}: raise the limit or lower the request` });
    }
  }
  return issues;
}

import type { ResourceAmounts } from './model';
import type { SiteIssue } from './issues';
import { isQuantity, parseQuantity } from '../core/quantity';

/** Why a string is not a quantity, with the likely intended spelling. */
function quantityHint(value: string): string {
  const m = /^(\d+(?:\.\d+)?)\s*([kKmMgGtTpP])[bB]$/.exec(value);
  if (m) return `use binary units like '${m[1]}${m[2].toUpperCase()}i' (Gi, Mi), not '${m[2]}${value.slice(-1)}'`;
  return "use a Kubernetes quantity such as 1Gi, 512Mi, 250m or 1e3 (apimachinery's grammar: '<signedNumber><suffix>', suffix Ki|Mi|Gi|Ti|Pi|Ei, m|k|M|G|T|P|E or e<exponent>, no space)";
}

/** A quantity field that must be valid and above zero. */
export function quantityIssues(path: string, value: string): SiteIssue[] {
  if (!isQuantity(value))
    return [{ path, message: `'${value}' is not a Kubernetes quantity: ${quantityHint(String(value))}` }];
  return parseQuantity(value) > 0 ? [] : [{ path, message: `'${value}' must be greater than zero` }];
}

/** Requests and (optional) limits of a container: valid quantities, no limit below its request. */
export function resourcesIssues(
  path: string,
  r: { readonly requests: ResourceAmounts; readonly limits?: ResourceAmounts },
): SiteIssue[] {
  const issues: SiteIssue[] = [];
  for (const res of ['cpu', 'memory'] as const) {
    issues.push(...quantityIssues(`${path}.requests.${res}`, r.requests[res]));
    if (!r.limits) continue;
    issues.push(...quantityIssues(`${path}.limits.${res}`, r.limits[res]));
    const [req, lim] = [r.requests[res], r.limits[res]];
    if (isQuantity(req) && isQuantity(lim) && parseQuantity(lim) < parseQuantity(req)) {
      issues.push({
        path: `${path}.limits.${res}`,
        message: `limit ${lim} is below the request ${req}: raise the limit or lower the request`,
      });
    }
  }
  return issues;
}

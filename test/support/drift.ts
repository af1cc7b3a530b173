/**
 * Field-by-field comparison of a rendered object with the pinned upstream one it is built from: the
 * paths where they differ, so a test can list the fields we change on purpose and fail on any other
 * (a field upstream adds in a later train and a hand-built object drops).
 */

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Items of a list keyed by their `name` when every one has a string name (containers, env, volumes), else by index. */
function keyed(list: readonly unknown[]): Map<string, unknown> {
  const named = list.every((v) => isObject(v) && typeof v.name === 'string');
  return new Map(list.map((v, i) => [named ? `[name=${String((v as { name: string }).name)}]` : `[${i}]`, v]));
}

/** Every path (`spec.template.spec.tolerations[0].key`) at which `upstream` and `rendered` differ, leaves first. */
function differingPaths(upstream: unknown, rendered: unknown, at = ''): string[] {
  if (Array.isArray(upstream) && Array.isArray(rendered)) {
    const [a, b] = [keyed(upstream), keyed(rendered)];
    return [...new Set([...a.keys(), ...b.keys()])].flatMap((k) => differingPaths(a.get(k), b.get(k), `${at}${k}`));
  }
  if (isObject(upstream) && isObject(rendered)) {
    const keys = [...new Set([...Object.keys(upstream), ...Object.keys(rendered)])].sort();
    return keys.flatMap((k) => differingPaths(upstream[k], rendered[k], at ? `${at}.${k}` : k));
  }
  return JSON.stringify(upstream) === JSON.stringify(rendered) ? [] : [at];
}

/** The differing paths not under one of the allowed prefixes (`spec.replicas` allows `spec.replicas.*`). */
export function unexpectedDrift(upstream: unknown, rendered: unknown, allowed: readonly string[]): string[] {
  return differingPaths(upstream, rendered).filter(
    (p) => !allowed.some((a) => p === a || p.startsWith(`${a}.`) || p.startsWith(`${a}[`)),
  );
}

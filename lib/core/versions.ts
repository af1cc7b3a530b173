/**
 * Version strings as upstream writes them (`1.26.2`, `v1.9.13`, `v16.2.7`, `1.26`): parsed here once
 * for every comparison (trains, compatibility, upgrade paths, per-version adapters).
 */

/** `1.26.2` / `v1.9.13` / `1.26` → [major, minor]; undefined when it starts with no `major.minor`. */
export function majorMinor(version: string): [number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)/.exec(version);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** `v2.0.1` / `1.6.20-1` / `18.2.7` → its major (2, 1, 18); NaN when it does not start with a number. */
export const majorOf = (version: string): number => Number(/^v?(\d+)/.exec(version)?.[1]);

/** `1.26.2` / `v1.26.2` → `1.26`: a minor as the trains key their pins. */
export const minorOf = (version: string): string => version.replace(/^v/, '').split('.').slice(0, 2).join('.');

/** A version's minor as one comparable number, major * 1000 + minor (`v1.20.6` → 1020, `1.9` → 1009). */
export function minorNumber(version: string): number {
  const [major, minor] = majorMinor(version) ?? [Number.NaN, Number.NaN];
  return major * 1000 + minor;
}

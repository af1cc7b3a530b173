import { asArray, asRecord } from './records';
import { groupKind, type KubeObject } from './objects';

/**
 * What a change does once ArgoCD syncs it, in the words an operator wants before approving:
 * which pods restart, which data moves or is lost, which changes the operators refuse.
 * Each rule reads the object before and after, and the rest of its site when it needs to
 * (the operator ConfigMap for Spilo pods, StorageClasses for volume growth).
 */
export type ImpactLevel = 'destructive' | 'disruptive' | 'refused' | 'info';

export interface Impact {
  readonly level: ImpactLevel;
  readonly message: string;
  /**
   * For a change that deletes or endangers data or quorum: the words a site's `acknowledge` entry names it by
   * (lib/site/acknowledge.ts), `delete postgresql postgres/acid-main`; `npm run check --base` fails without it.
   */
  readonly ack?: string;
}

/** One changed field: `before` or `after` is undefined when the field is added or removed. */
export interface FieldChange {
  /** `spec.numberOfInstances`, `spec.template.spec.containers[name=postgres].image`, `data.docker_image`. */
  readonly path: string;
  readonly before?: unknown;
  readonly after?: unknown;
}

export interface ChangeContext {
  readonly action: 'add' | 'change' | 'remove';
  readonly before?: KubeObject;
  readonly after?: KubeObject;
  readonly fields: readonly FieldChange[];
  /** Applications (dist folders) that hold the object before and after. */
  readonly apps: { readonly before?: string; readonly after?: string };
  /** Every object of the same site, before and after. */
  readonly site: { readonly before: readonly KubeObject[]; readonly after: readonly KubeObject[] };
}

/**
 * One rule of the diff: the impacts of one object's change. The diff runs its own rules over every kind (removals,
 * moves, pod templates) and those each component contributes for the kinds it renders (`Component.impacts`).
 */
export type ImpactRule = (c: ChangeContext) => Impact[];

/** A field by dotted path (`spec.postgresql.version`). */
export function field(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => asRecord(v)[k], obj);
}

export const is = (c: ChangeContext, gk: string) => groupKind((c.after ?? c.before)!) === gk;
export const changed = (c: ChangeContext, path: string) =>
  c.action === 'change' && field(c.before, path) !== field(c.after, path);
export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export const sources = (obj: KubeObject | undefined, path: string) => {
  const ranges = asArray(field(obj, path)).map(String);
  return ranges.length ? `reachable from ${ranges.join(', ')}` : 'reachable from anywhere';
};

/** A LoadBalancer Service that loses its address. */
export const addressLost = (name: string): Impact => ({
  level: 'disruptive',
  message: `${name} loses its external address: clients outside the cluster can no longer connect through it`,
});

/** Who may reach a load-balanced Service: a range dropped cuts its clients off. */
export function sourceRanges(c: ChangeContext, services: readonly string[], path: string, none = 'anywhere'): Impact[] {
  if (c.action !== 'change' || services.length === 0) return [];
  const [before, after] = [c.before, c.after].map((o) => asArray(field(o, path)).map(String));
  const dropped = before.filter((r) => !after.includes(r));
  if (dropped.length === 0 && after.length === before.length) return [];
  const reach = (ranges: readonly string[]) => (ranges.length ? ranges.join(', ') : none);
  return [
    {
      level: dropped.length ? 'disruptive' : 'info',
      message: `${services.join(', ')}: reachable from ${reach(after)} (was ${reach(before)})${dropped.length ? `: clients from ${dropped.join(', ')} are refused` : ''}`,
    },
  ];
}

import { groupKind, parseTree, type KubeObject } from '../core/objects';
import type { FileTree } from '../core/file-tree';
import type { FieldChange, Impact } from '../core/impact';
import { fieldChanges } from './fields';
import { impactsOf } from './impacts';
import { byText } from '../core/order';

/**
 * The semantic diff of two rendered trees (path under dist/ → YAML), object by object:
 * added, changed (with the changed fields) or removed, each with its impact notes. Pure and
 * in memory; git.ts reads the trees of two revisions.
 */
export type Action = 'add' | 'change' | 'remove';

export interface ObjectDiff {
  readonly site: string;
  /** Application (dist folder) after the change, or before for a removal. */
  readonly app: string;
  /** When the object moves between Applications: the one it leaves. */
  readonly movedFrom?: string;
  readonly action: Action;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly fields: readonly FieldChange[];
  readonly impacts: readonly Impact[];
}

export interface TreeDiff {
  readonly objects: readonly ObjectDiff[];
  readonly counts: { readonly add: number; readonly change: number; readonly destroy: number };
}

interface Located {
  readonly app: string;
  readonly obj: KubeObject;
}

const REDACTED = '(redacted)';

/** Secret values never reach the output: a changed value shows as redacted on both sides. */
function redact(obj: KubeObject | undefined, fields: readonly FieldChange[]): FieldChange[] {
  if (!obj || groupKind(obj) !== '/Secret') return [...fields];
  return fields.map((f) =>
    /^(data|stringData)\b/.test(f.path)
      ? {
          path: f.path,
          ...(f.before === undefined ? {} : { before: REDACTED }),
          ...(f.after === undefined ? {} : { after: REDACTED }),
        }
      : f,
  );
}

/** `<site>/<app>/<file>` paths → per site, objects by identity (group/kind, namespace, name). */
function index(tree: ReadonlyMap<string, string>): Map<string, Map<string, Located>> {
  const bySite = new Map<string, FileTree>();
  for (const [path, yaml] of tree) {
    const [site, ...rest] = path.split('/');
    if (!bySite.has(site)) bySite.set(site, new Map());
    bySite.get(site)!.set(rest.join('/'), yaml);
  }
  const out = new Map<string, Map<string, Located>>();
  for (const [site, files] of bySite) {
    out.set(
      site,
      new Map(
        parseTree(site, files).map((r) => [
          `${groupKind(r.obj)}|${r.obj.metadata.namespace ?? ''}|${r.obj.metadata.name}`,
          { app: r.app, obj: r.obj },
        ]),
      ),
    );
  }
  return out;
}

const ORDER: Readonly<Record<Action, number>> = { remove: 0, change: 1, add: 2 };

export function diffTrees(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): TreeDiff {
  const a = index(before);
  const b = index(after);
  const objects: ObjectDiff[] = [];
  for (const site of [...new Set([...a.keys(), ...b.keys()])].sort(byText)) {
    const was = a.get(site) ?? new Map<string, Located>();
    const now = b.get(site) ?? new Map<string, Located>();
    const siteObjects = { before: [...was.values()].map((l) => l.obj), after: [...now.values()].map((l) => l.obj) };
    for (const key of [...new Set([...was.keys(), ...now.keys()])]) {
      const old = was.get(key);
      const cur = now.get(key);
      const action: Action = !old ? 'add' : !cur ? 'remove' : 'change';
      const fields = action === 'change' ? redact(cur!.obj, fieldChanges(old!.obj, cur!.obj)) : [];
      if (action === 'change' && fields.length === 0 && old!.app === cur!.app) continue;
      const obj = (cur ?? old)!.obj;
      objects.push({
        site,
        app: (cur ?? old)!.app,
        ...(old && cur && old.app !== cur.app ? { movedFrom: old.app } : {}),
        action,
        kind: obj.kind,
        ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
        name: obj.metadata.name,
        fields,
        impacts: impactsOf({
          action,
          before: old?.obj,
          after: cur?.obj,
          fields,
          apps: { before: old?.app, after: cur?.app },
          site: siteObjects,
        }),
      });
    }
  }
  objects.sort(
    (x, y) =>
      byText(x.site, y.site) ||
      byText(x.app, y.app) ||
      ORDER[x.action] - ORDER[y.action] ||
      byText(x.kind, y.kind) ||
      byText(x.namespace ?? '', y.namespace ?? '') ||
      byText(x.name, y.name),
  );
  const count = (action: Action) => objects.filter((o) => o.action === action).length;
  return { objects, counts: { add: count('add'), change: count('change'), destroy: count('remove') } };
}

/** Changes whose impact deletes or endangers data: the DESTRUCTIVE banner. */
export const destructive = (diff: TreeDiff): ObjectDiff[] =>
  diff.objects.filter((o) => o.impacts.some((i) => i.level === 'destructive'));

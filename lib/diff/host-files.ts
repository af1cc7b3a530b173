import { structuredPatch } from 'diff';
import type { Action } from './semantic';
import { byText } from '../core/order';

/**
 * Line diffs of host-bootstrap/<site>/<node>.yaml (cloud-init user-data). cloud-init runs once,
 * at a node's first boot: a change reaches only nodes provisioned (or re-provisioned) after it.
 */
export interface FileDiff {
  readonly path: string;
  readonly action: Action;
  /** Unified hunk lines (`+`, `-`, ` `), with `@@` headers. */
  readonly lines: readonly string[];
}

export const HOST_BOOTSTRAP_NOTE =
  'cloud-init runs at first boot only: running nodes keep their setup until re-provisioned (or the change is applied by hand)';

export function diffFiles(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): FileDiff[] {
  return [...new Set([...before.keys(), ...after.keys()])].sort(byText).flatMap((path) => {
    const a = before.get(path);
    const b = after.get(path);
    if (a === b) return [];
    const action: Action = a === undefined ? 'add' : b === undefined ? 'remove' : 'change';
    const hunks = structuredPatch(path, path, a ?? '', b ?? '', '', '', { context: 2 }).hunks;
    return [
      {
        path,
        action,
        lines: hunks.flatMap((h) => [`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`, ...h.lines]),
      },
    ];
  });
}

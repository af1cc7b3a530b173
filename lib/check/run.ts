import type { Site } from '../site/model';
import type { FileTree } from '../core/file-tree';
import { checkCapacity } from './capacity';
import type { Finding, SiteCheck } from './findings';
import { parseTree } from '../core/objects';
import { checkPlacement } from './placement';
import { checkPolicy } from './policy';
import { checkSchemas } from './schema-check';

/**
 * The checks of `npm run check` over each site's tree, in report order (secrets run over files, see secret-scan.ts).
 */
export const SITE_CHECKS: Readonly<Record<string, SiteCheck>> = {
  schemas: checkSchemas,
  placement: checkPlacement,
  capacity: checkCapacity,
  policy: checkPolicy,
};

/** Every finding for the rendered trees (site name → files); a tree without a site model is an error. */
export function checkTrees(sites: readonly Site[], trees: ReadonlyMap<string, FileTree>): Finding[] {
  return [...trees].flatMap(([name, files]) => {
    const site = sites.find((s) => s.name === name);
    if (!site) {
      return [
        {
          check: 'tree',
          severity: 'error' as const,
          where: name,
          message: `rendered site '${name}' has no site file in sites/: remove the folder or run npm run synth`,
        },
      ];
    }
    let objects;
    try {
      objects = parseTree(name, files);
    } catch (e) {
      return [
        { check: 'tree', severity: 'error' as const, where: name, message: e instanceof Error ? e.message : String(e) },
      ];
    }
    return Object.values(SITE_CHECKS).flatMap((check) => check({ site, objects }));
  });
}

const SEVERITY_ORDER: readonly Finding['severity'][] = ['error', 'warning', 'note'];
const ICON: Readonly<Record<Finding['severity'], string>> = { error: 'ERROR', warning: 'warn ', note: 'note ' };

const FOLD_SHOWN = 3;

/** Findings with the same severity and message, in first-seen order: one line each, with their places and count. */
function folded(findings: readonly Finding[]): Finding[][] {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = `${f.severity}\n${f.message}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  return [...groups.values()];
}

/** The one report: findings grouped by check (the same message at several places folded into one line), then a verdict line. */
export function formatFindings(findings: readonly Finding[], checks: readonly string[]): string {
  const lines: string[] = [];
  for (const check of checks) {
    // errors first: what fails the check is what a reader needs before the warnings
    const own = findings
      .filter((f) => f.check === check)
      .sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity));
    const errors = own.filter((f) => f.severity === 'error').length;
    lines.push(
      `${check}: ${errors ? `${errors} error(s)` : 'ok'}${own.length - errors ? `, ${own.length - errors} warning(s)/note(s)` : ''}`,
    );
    for (const group of folded(own)) {
      const [f] = group;
      const wheres = group.map((g) => g.where);
      const where =
        group.length === 1
          ? f.where
          : `${wheres.slice(0, FOLD_SHOWN).join(', ')}${group.length > FOLD_SHOWN ? ` and ${group.length - FOLD_SHOWN} more` : ''} (×${group.length})`;
      lines.push(`  ${ICON[f.severity]} ${where}: ${f.message}`);
    }
  }
  const errors = findings.filter((f) => f.severity === 'error').length;
  lines.push(errors ? `check failed: ${errors} error(s)` : 'check passed');
  return lines.join('\n');
}

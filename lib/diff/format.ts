import { structuredPatch } from 'diff';
import type { Finding } from '../check/findings';
import type { FieldChange, Impact, ImpactLevel } from '../core/impact';
import { HOST_BOOTSTRAP_NOTE, type FileDiff } from './host-files';
import { destructive, type Action, type ObjectDiff, type TreeDiff } from './semantic';

/** Terminal and Markdown renderings of a TreeDiff: banner, plan line, then sites → Applications → objects. */
const SIGN: Readonly<Record<Action, string>> = { add: '+', change: '~', remove: '-' };
const LEVEL: Readonly<Record<ImpactLevel, string>> = {
  destructive: 'DESTRUCTIVE',
  disruptive: 'disruptive',
  refused: 'refused',
  info: 'info',
};
/** GitHub refuses comments over 65,536 characters. */
export const MARKDOWN_LIMIT = 60_000;

const planLine = ({ counts }: TreeDiff): string =>
  `Plan: ${counts.add} to add, ${counts.change} to change, ${counts.destroy} to destroy.`;

const title = (o: ObjectDiff) => `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`;

const textOf = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** A value on one line, cut to 160 characters around `from` (where a before/after pair first differs). */
function show(v: unknown, from = 0): string {
  if (v === undefined) return '(absent)';
  const text = textOf(v);
  if (text.length <= 160) return text;
  const start = Math.max(0, Math.min(from, text.length - 157));
  const end = start + 157;
  return `${start > 0 ? '...' : ''}${text.slice(start, end)}${end < text.length ? '...' : ''}`;
}

/** Where two long values start to differ, less some context: else a changed tail looks unchanged. */
function firstDifference(before: unknown, after: unknown): number {
  if (before === undefined || after === undefined) return 0;
  const [a, b] = [textOf(before), textOf(after)];
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return Math.max(0, i - 60);
}

/** A field as diff lines: `- path: old` / `+ path: new`, or a unified hunk for multi-line text. */
function fieldLines(f: FieldChange): string[] {
  const multiline = (v: unknown) => typeof v === 'string' && v.includes('\n');
  if (multiline(f.before) || multiline(f.after)) {
    const before = typeof f.before === 'string' ? f.before : '';
    const after = typeof f.after === 'string' ? f.after : '';
    const hunks = structuredPatch(f.path, f.path, before, after, '', '', { context: 2 }).hunks;
    return [`@@ ${f.path}`, ...hunks.flatMap((h) => h.lines)];
  }
  const from = firstDifference(f.before, f.after);
  return [
    ...(f.before === undefined ? [] : [`- ${f.path}: ${show(f.before, from)}`]),
    ...(f.after === undefined ? [] : [`+ ${f.path}: ${show(f.after, from)}`]),
  ];
}

function grouped(diff: TreeDiff): Map<string, Map<string, ObjectDiff[]>> {
  const sites = new Map<string, Map<string, ObjectDiff[]>>();
  for (const o of diff.objects) {
    const apps = sites.get(o.site) ?? new Map<string, ObjectDiff[]>();
    apps.set(o.app, [...(apps.get(o.app) ?? []), o]);
    sites.set(o.site, apps);
  }
  return sites;
}

/** How the site acknowledges a destructive change, without which npm run check --base fails (docs/review.md). */
const ackHint = (i: Impact) => (i.ack ? ` [check fails unless the site acknowledges '${i.ack}']` : '');

const moved = (o: ObjectDiff) => (o.movedFrom ? ` (moved from Application ${o.movedFrom})` : '');

export function formatTerminal(diff: TreeDiff, host: readonly FileDiff[] = []): string {
  const lines: string[] = [];
  const banner = destructive(diff);
  if (banner.length) {
    lines.push(`DESTRUCTIVE: ${banner.length} change(s) delete or endanger data`);
    for (const o of banner) {
      for (const i of o.impacts.filter((x) => x.level === 'destructive'))
        lines.push(`  ! ${o.site}/${o.app}: ${title(o)}: ${i.message}${ackHint(i)}`);
    }
    lines.push('');
  }
  lines.push(planLine(diff));
  for (const [site, apps] of grouped(diff)) {
    lines.push('', `site ${site}`);
    for (const [app, objects] of apps) {
      lines.push(`  Application ${app}`);
      for (const o of objects) {
        lines.push(`    ${SIGN[o.action]} ${title(o)}${moved(o)}`);
        for (const i of o.impacts)
          lines.push(`        ${i.level === 'info' ? '>' : '!'} ${LEVEL[i.level]}: ${i.message}`);
        for (const f of o.fields) lines.push(...fieldLines(f).map((l) => `        ${l}`));
      }
    }
  }
  if (host.length) {
    lines.push('', `host-bootstrap: ${HOST_BOOTSTRAP_NOTE}`);
    for (const f of host) lines.push(`  ${SIGN[f.action]} ${f.path}`, ...f.lines.map((l) => `      ${l}`));
  }
  return lines.join('\n');
}

export function formatMarkdown(diff: TreeDiff, host: readonly FileDiff[] = []): string {
  const out: string[] = ['### Rendered changes', ''];
  const banner = destructive(diff);
  if (banner.length) {
    out.push('> [!CAUTION]', `> **DESTRUCTIVE: ${banner.length} change(s) delete or endanger data**`);
    for (const o of banner) {
      for (const i of o.impacts.filter((x) => x.level === 'destructive'))
        out.push(`> - \`${o.site}/${o.app}\` ${title(o)}: ${i.message}${ackHint(i)}`);
    }
    out.push('');
  }
  out.push(`**${planLine(diff)}**`);
  if (diff.objects.length === 0) out.push('', 'The rendered manifests do not change.');
  for (const [site, apps] of grouped(diff)) {
    out.push('', `#### Site \`${site}\``);
    for (const [app, objects] of apps) {
      out.push('', `**Application \`${app}\`**`, '');
      for (const o of objects) {
        out.push(
          `- \`${SIGN[o.action]}\` **${o.kind}** \`${o.namespace ? `${o.namespace}/` : ''}${o.name}\`${moved(o)}`,
        );
        for (const i of o.impacts)
          out.push(`  - ${i.level === 'info' ? '' : '⚠️ '}**${LEVEL[i.level]}**: ${i.message}`);
        if (o.fields.length) out.push('', '  ```diff', ...o.fields.flatMap(fieldLines).map((l) => `  ${l}`), '  ```');
      }
    }
  }
  if (host.length) {
    out.push('', '#### Host bootstrap', '', `> ${HOST_BOOTSTRAP_NOTE}`, '');
    for (const f of host)
      out.push(`- \`${SIGN[f.action]}\` \`${f.path}\``, '', '  ```diff', ...f.lines.map((l) => `  ${l}`), '  ```');
  }
  const text = out.join('\n');
  return text.length <= MARKDOWN_LIMIT
    ? text
    : `${text.slice(0, MARKDOWN_LIMIT)}\n\n… truncated: run \`npm run diff\` locally for the rest.`;
}

/** Trees that are not what their sites render, above everything else: the diff below is not the sites' change. */
export function formatStale(stale: readonly Finding[], format: 'terminal' | 'markdown'): string[] {
  if (stale.length === 0) return [];
  const head = `STALE: ${stale.length} tree(s) are not what the sites render now; the diff below is not what the sites change`;
  return format === 'markdown'
    ? ['> [!WARNING]', `> **${head}**`, ...stale.map((f) => `> - \`${f.where}\`: ${f.message}`), '']
    : [head, ...stale.map((f) => `  ! ${f.where}: ${f.message}`), ''];
}

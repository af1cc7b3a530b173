import { load } from 'js-yaml';
import type { Rendered } from './kinds';

/**
 * What ArgoCD's ApplicationSet controller makes of the hub's ApplicationSet, for the forms it uses and no more (any
 * other form throws, so a template change the emulation does not know fails the test rather than passing it):
 * matrix generators of a git files generator and a list generator; goTemplate with field paths, `index`, sprig's
 * `replace` and `dig` (argo-cd applicationset/generators/git.go: a file's YAML plus `path.path`, `path.segments`, ...
 * of its folder; utils.go: the template's strings rendered with text/template and sprig).
 */
type Params = Record<string, unknown>;

function tokenize(expr: string): string[] {
  const tokens = expr.match(/"(?:[^"\\]|\\.)*"|\(|\)|[^\s()]+/g);
  if (!tokens) throw new Error(`empty template expression`);
  return tokens;
}

function field(params: Params, path: string): unknown {
  if (!path.startsWith('.')) throw new Error(`not a field: ${path}`);
  return path
    .slice(1)
    .split('.')
    .filter(Boolean)
    .reduce<unknown>((v, k) => {
      if (typeof v !== 'object' || v === null || !(k in v))
        throw new Error(`map has no entry for key "${k}" (${path})`);
      return (v as Params)[k];
    }, params);
}

const FUNCTIONS: Readonly<Record<string, (...args: unknown[]) => unknown>> = {
  index: (coll, ...keys) =>
    keys.reduce((v, k) => {
      const next = (v as Record<string | number, unknown>)[k as string | number];
      if (next === undefined) throw new Error(`index: no ${String(k)}`);
      return next;
    }, coll),
  replace: (from, to, text) => String(text).split(String(from)).join(String(to)),
  dig: (...args) => {
    const map = args.at(-1);
    const fallback = args.at(-2);
    let v: unknown = map;
    for (const k of args.slice(0, -2)) {
      if (typeof v !== 'object' || v === null || !(String(k) in v)) return fallback;
      v = (v as Params)[String(k)];
    }
    return v;
  },
};

function evaluate(tokens: string[], params: Params): unknown {
  const terms: unknown[] = [];
  while (tokens.length > 0 && tokens[0] !== ')') {
    const t = tokens.shift()!;
    if (t === '(') {
      terms.push(evaluate(tokens, params));
      if (tokens.shift() !== ')') throw new Error('unbalanced parentheses');
    } else if (t.startsWith('"')) terms.push(JSON.parse(t));
    else if (/^-?\d+$/.test(t)) terms.push(Number(t));
    else if (t.startsWith('.')) terms.push(field(params, t));
    else terms.push({ fn: t });
  }
  const [head, ...args] = terms;
  if (typeof head === 'object' && head !== null && 'fn' in head) {
    const fn = FUNCTIONS[String(head.fn)];
    if (!fn) throw new Error(`template function ${String(head.fn)} is not emulated`);
    return fn(...args);
  }
  if (args.length > 0) throw new Error('a value cannot take arguments');
  return head;
}

function render(text: string, params: Params): string {
  return text.replace(/\{\{(.*?)\}\}/g, (_, expr: string) => String(evaluate(tokenize(expr.trim()), params)));
}

function renderTemplate(value: unknown, params: Params): unknown {
  if (typeof value === 'string') return render(value, params);
  if (Array.isArray(value)) return value.map((v) => renderTemplate(v, params));
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderTemplate(v, params)]));
  return value;
}

/** The git files generator's parameters of one file: its YAML, and `path` of its folder. */
function fileParams(path: string, text: string): Params {
  const folder = path.split('/').slice(0, -1);
  const filename = path.split('/').at(-1)!;
  return {
    ...(load(text) as Params),
    path: { path: folder.join('/'), basename: folder.at(-1), filename, segments: folder },
  };
}

export interface GeneratedApplication {
  readonly file: string;
  /** An Application, as the controller would create it. */
  readonly app: Rendered<'Application'>;
}

/**
 * The Applications an ApplicationSet generates, `read` giving the text of a file of the repository.
 */
export function generateApplications(appSet: { spec: Params }, read: (path: string) => string): GeneratedApplication[] {
  const spec = appSet.spec;
  if (spec.goTemplate !== true) throw new Error('only goTemplate is emulated');
  const out: GeneratedApplication[] = [];
  for (const generator of spec.generators as Params[]) {
    const keys = Object.keys(generator);
    if (keys.join() !== 'matrix') throw new Error(`generator ${keys.join()} is not emulated`);
    const [git, list] = (generator.matrix as { generators: Params[] }).generators as [
      { git?: { files: { path: string }[] } },
      { list?: { elements: Params[] } },
    ];
    if (!git.git || !list.list) throw new Error('only matrix(git files, list) is emulated');
    for (const { path } of git.git.files) {
      if (/[*?[]/.test(path)) throw new Error(`glob ${path} is not emulated`);
      for (const element of list.list.elements) {
        const params = { ...fileParams(path, read(path)), ...element };
        out.push({ file: path, app: renderTemplate(spec.template, params) as GeneratedApplication['app'] });
      }
    }
  }
  return out;
}

/** Whether a RollingSync step's matchExpressions (operator In only) select these labels. */
export function selects(
  step: { matchExpressions: { key: string; operator: string; values: string[] }[] },
  labels: Record<string, string>,
): boolean {
  return step.matchExpressions.every((e) => {
    if (e.operator !== 'In') throw new Error(`operator ${e.operator} is not emulated`);
    return e.values.includes(labels[e.key]);
  });
}

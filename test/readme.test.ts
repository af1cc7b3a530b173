import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { load } from 'js-yaml';
import { describe, expect, test } from 'vitest';
import { componentsDoc } from '../lib/components/doc';
import { validateSite } from '../lib/components/validate';

const ROOT = join(__dirname, '..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const scripts = Object.keys(pkg.scripts);
/** The user documentation: README.md and docs/*.md (not the generated site reports of docs/sites/). */
const userDocs = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

describe('README', () => {
  test('is a front door: at most 200 lines', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(200);
  });
  test('the quick start gives exactly two commands: set up and run the main job, then the tests', () => {
    const block = /## Quick start\n\n```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const commands = block
      .split('\n')
      .filter(Boolean)
      .map((l) => l.replace(/\s+#.*$/, '').trim());
    expect(commands).toEqual(['npm ci && npm run synth', 'npm test']);
  });
  test('its site example is a valid site', () => {
    const example = /```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toBeDefined();
    expect(validateSite(load(example!))).toEqual([]);
  });
  test('every npm script is in the commands table, and every `npm run` it mentions exists', () => {
    for (const s of scripts)
      expect(readme, `npm script '${s}' is not documented`).toMatch(new RegExp(`\\| \`npm (run )?${s}\\b`));
    for (const [, s] of readme.matchAll(/npm run ([a-z:-]+)/g)) expect(scripts).toContain(s);
  });
});

describe('user documentation', () => {
  test('every file a document links to exists, and none links outside the repository (../shared)', () => {
    let count = 0;
    for (const doc of userDocs) {
      const text = readFileSync(join(ROOT, doc), 'utf8');
      expect(text, doc).not.toMatch(/\.\.\/shared/);
      for (const [, link] of text.matchAll(/\]\(((?!https?:)[^)#\s]+)/g)) {
        count++;
        expect(existsSync(join(ROOT, dirname(doc), link)), `${doc}: ${link}`).toBe(true);
      }
    }
    expect(count).toBeGreaterThan(20);
  });
  test('docs/components.md is what the registry generates (npm run docs:components)', () => {
    expect(readFileSync(join(ROOT, 'docs/components.md'), 'utf8')).toBe(componentsDoc());
  });
  test('docs/dependencies.md names every package of package.json, and no other', () => {
    const doc = readFileSync(join(ROOT, 'docs/dependencies.md'), 'utf8');
    const table = doc.slice(0, doc.indexOf('Outside npm'));
    const named = new Set([...table.matchAll(/`(@?[a-z0-9][a-z0-9./@-]*)`/g)].map((m) => m[1]));
    const packages = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies)];
    for (const p of packages) expect(named, `${p} is not in docs/dependencies.md`).toContain(p);
    const rows = [...table.matchAll(/^\| (`[^|]*)\|/gm)].flatMap((m) =>
      [...m[1].matchAll(/`([^`]+)`/g)].map((n) => n[1]),
    );
    expect(rows.filter((n) => !packages.includes(n))).toEqual([]);
  });
});

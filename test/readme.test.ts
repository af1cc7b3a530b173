import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';

const ROOT = join(__dirname, '..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const scripts = Object.keys(
  (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts,
);

describe('README', () => {
  test('the quick start gives exactly two commands: set up and run the main job, then the tests', () => {
    const block = /## Quick start\n\n```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const commands = block
      .split('\n')
      .filter(Boolean)
      .map((l) => l.replace(/\s+#.*$/, '').trim());
    expect(commands).toEqual(['npm ci && npm run synth', 'npm test']);
  });
  test('every npm script is in the commands table, and every `npm run` it mentions exists', () => {
    for (const s of scripts)
      expect(readme, `npm script '${s}' is not documented`).toMatch(new RegExp(`\\| \`npm (run )?${s}\\b`));
    for (const [, s] of readme.matchAll(/npm run ([a-z:-]+)/g)) expect(scripts).toContain(s);
  });
  test('every linked file exists', () => {
    const links = [...readme.matchAll(/\]\(((?!https?:)[^)#]+)/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThan(5);
    for (const link of links) expect(existsSync(join(ROOT, link)), link).toBe(true);
  });
});

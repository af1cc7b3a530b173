import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');

const copies: string[] = [];
// at exit, not in an afterAll: test files share this module (vitest isolate: false), each would register its own
process.once('exit', () => copies.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/**
 * A throwaway copy of the project (sources, sites and imports; node_modules linked) to run the real CLIs in; removed
 * when the test process exits.
 */
export function projectCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'synth-'));
  copies.push(dir);
  for (const entry of ['main.ts', 'lib', 'sites', 'imports', 'scripts', 'package.json', 'tsconfig.json'])
    cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

/** `npm run <script> -- <args>` in a folder. */
export function npmRun(dir: string, script: string, ...args: string[]) {
  return spawnSync('npm', ['run', '--silent', script, '--', ...args], { cwd: dir, encoding: 'utf8' });
}

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ROOT } from './support/project';

/** The npm scripts that are this project's commands (test, typecheck and bench run tools with their own flags). */
const COMMANDS = Object.keys(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>)
  .filter((s) => !['test', 'typecheck', 'bench'].includes(s));

const npm = (...args: string[]) => spawnSync('npm', ['run', '--silent', ...args], { cwd: ROOT, encoding: 'utf8' });

describe('every npm run command', () => {
  test('the commands are the ones this suite knows', () => {
    expect(COMMANDS).toEqual(['synth', 'new-site', 'schema', 'import', 'host-config', 'check', 'diff', 'report', 'images', 'docs:operations']);
  });
  test.each(COMMANDS)('%s has --help with its flags and exit codes', (script) => {
    const run = npm(script, '--', '--help');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^Usage: npm run ${script} --`));
    expect(run.stdout).toMatch(/Options:\n(.|\n)*-h, --help/);
    expect(run.stdout).toMatch(/Exit codes:\n {2}0 {2}success\n(.|\n)* {2}2 {2}usage error/);
  });
  test('an unknown flag is refused with the closest one (exit 2)', () => {
    const run = npm('synth', '--', '--sites', 'poc');
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/unknown option '--sites'\n\(Did you mean --site\?\)\nsee npm run synth -- --help/);
  });
  test("flags npm took for itself (no '--') are named, with the fix", () => {
    const run = spawnSync('npm', ['run', '--silent', 'images', '--site', 'poc'], { cwd: ROOT, encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/npm took --site for itself: put '--' before the command's flags, e\.g\. npm run images -- --site …/);
  });
  test('a bad choice names the allowed ones', () => {
    const run = npm('images', '--', '--site', 'poc', '--format', 'csv');
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/argument 'csv' is invalid\. Allowed choices are list, table, skopeo/);
  });
  test('output into a closed pipe ends quietly (was: EPIPE)', () => {
    const run = spawnSync('bash', ['-c', 'set -o pipefail; npm run --silent images -- --site poc | head -1'], { cwd: ROOT, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
  });
});

import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ROOT } from './support/project';

/**
 * The npm scripts that are this project's commands (test, typecheck, lint and format run vitest, tsc, eslint and knip,
 * prettier, with their own flags).
 */
const COMMANDS = Object.keys(
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>,
).filter((s) => !['test', 'typecheck', 'lint', 'format'].includes(s));

/** A command's exit code and output (asynchronous, so that the commands run side by side). */
function sh(file: string, args: readonly string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, [...args], { cwd: ROOT, encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}
const npm = (...args: string[]) => sh('npm', ['run', '--silent', ...args]);

describe('every npm run command', () => {
  test('the commands are the ones this suite knows', () => {
    expect(COMMANDS).toEqual([
      'synth',
      'new-site',
      'schema',
      'import',
      'tools',
      'host-config',
      'bench',
      'check',
      'verify',
      'diff',
      'report',
      'images',
      'docs:operations',
      'docs:components',
    ]);
  });
  test.concurrent.each(COMMANDS)('%s has --help with its flags and exit codes', async (script) => {
    const run = await npm(script, '--', '--help');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^Usage: npm run ${script} --`));
    expect(run.stdout).toMatch(/Options:\n(.|\n)*-h, --help/);
    expect(run.stdout).toMatch(/Exit codes:\n {2}0 {2}success\n(.|\n)* {2}2 {2}usage error/);
  });
  test.concurrent('an unknown flag is refused with the closest one (exit 2)', async () => {
    const run = await npm('synth', '--', '--sites', 'poc');
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/unknown option '--sites'\n\(Did you mean --site\?\)\nsee npm run synth -- --help/);
  });
  test.concurrent("flags npm took for itself (no '--') are named, with the fix", async () => {
    const run = await npm('images', '--site', 'poc');
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(
      /npm took --site for itself: put '--' before the command's flags, e\.g\. npm run images -- --site …/,
    );
  });
  test.concurrent('a bad choice names the allowed ones', async () => {
    const run = await npm('images', '--', '--site', 'poc', '--format', 'csv');
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/argument 'csv' is invalid\. Allowed choices are list, table, skopeo/);
  });
  test.concurrent('output into a closed pipe ends quietly (was: EPIPE)', async () => {
    // head takes npm's banner and leaves: every image line then goes into a closed pipe
    const run = await sh('bash', ['-c', 'set -o pipefail; npm run images -- --site poc | head -1']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('\n');
  });
});

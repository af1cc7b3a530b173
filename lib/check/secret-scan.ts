import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding } from './findings';
import { byText } from '../core/order';

/**
 * No secret values in the files git tracks (or would track): secretlint with its recommended
 * preset (.secretlintrc.json), run as a child process. Messages come masked by secretlint.
 */
interface SecretlintResult {
  readonly filePath: string;
  readonly messages: readonly {
    readonly message: string;
    readonly ruleId: string;
    readonly loc: { readonly start: { readonly line: number } };
  }[];
}

export function trackedFiles(root: string): string[] {
  const git = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
  });
  if (git.status !== 0) throw new Error(`git ls-files failed in ${root}: ${git.stderr.trim()}`);
  return git.stdout.split('\0').filter(Boolean).sort(byText);
}

/** Runs secretlint on `files` (paths relative to root); one finding per secret found. */
export function scanSecrets(root: string, files: readonly string[]): Finding[] {
  if (files.length === 0) return [];
  // --output, not stdout: secretlint exits before a large stdout is flushed to a pipe
  const dir = mkdtempSync(join(tmpdir(), 'secretlint-'));
  try {
    const output = join(dir, 'result.json');
    const run = spawnSync(
      join(root, 'node_modules', '.bin', 'secretlint'),
      [
        '--format',
        'json',
        '--no-color',
        '--no-glob',
        '--secretlintrc',
        join(root, '.secretlintrc.json'),
        '--output',
        output,
        ...files,
      ],
      { cwd: root, encoding: 'utf8' },
    );
    if (run.error) throw new Error(`could not run secretlint: ${run.error.message}`);
    if (run.status !== 0 && run.status !== 1)
      throw new Error(`secretlint failed (exit ${run.status}): ${run.stderr.trim()}`);
    return findingsOf(root, JSON.parse(readFileSync(output, 'utf8')) as SecretlintResult[]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function findingsOf(root: string, results: readonly SecretlintResult[]): Finding[] {
  return results.flatMap((r) =>
    r.messages.map((m) => ({
      check: 'secrets',
      severity: 'error' as const,
      where: `${r.filePath.startsWith(root) ? r.filePath.slice(root.length + 1) : r.filePath}:${m.loc.start.line}`,
      message: `${m.message} (${m.ruleId.replace('@secretlint/secretlint-rule-', '')}): remove the value from git history and create it at deploy time`,
    })),
  );
}

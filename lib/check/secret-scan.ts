import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { version as secretlintVersion } from 'secretlint/package.json';
import type { Finding } from './findings';
import { byText } from '../core/order';
import { writeFileAtomic } from '../write/atomic';

/**
 * No secret values in the files git tracks (or would track): secretlint with its recommended
 * preset (.secretlintrc.json), run as a child process. Messages come masked by secretlint.
 * Results are kept by content (`.build/secret-scan.json`, under the key of secretlint's version and
 * configuration): a re-run scans only the files whose content it has not seen.
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

/**
 * What `check --site` scans: the named sites' sources and trees, and every file the working tree changes or adds
 * (what a commit would bring); the whole repository is `trackedFiles`.
 */
export function changedFiles(root: string, sites: readonly string[]): string[] {
  const git = spawnSync('git', ['status', '--porcelain', '-z', '--untracked-files=all'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
  });
  if (git.status !== 0) throw new Error(`git status failed in ${root}: ${git.stderr.trim()}`);
  const changed = new Set(
    git.stdout
      .split('\0')
      .filter((e) => /^[ MADRCU?!]{2} /.test(e))
      .map((e) => e.slice(3)),
  );
  const own = (file: string) =>
    sites.some(
      (s) =>
        ['dist', 'host-bootstrap', 'docs/sites'].some((root) => file.startsWith(`${root}/${s}/`)) ||
        new RegExp(`^sites/${s}\\.(ya?ml|ts)$`).test(file),
    );
  return trackedFiles(root).filter((f) => own(f) || changed.has(f));
}

type Messages = SecretlintResult['messages'];

interface ScanCache {
  readonly key: string;
  /** sha256 of a file's content → what secretlint found in it. */
  readonly files: Record<string, Messages>;
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const cacheFile = (root: string) => join(root, '.build', 'secret-scan.json');

function readCache(root: string, key: string): ScanCache {
  try {
    const cache = JSON.parse(readFileSync(cacheFile(root), 'utf8')) as ScanCache;
    if (cache.key === key) return cache;
  } catch {
    // none yet, or unreadable: scan everything
  }
  return { key, files: {} };
}

/** Best effort: a read-only or full .build/ only means the next run scans again. */
function writeCache(root: string, cache: ScanCache): void {
  try {
    mkdirSync(join(root, '.build'), { recursive: true });
    writeFileAtomic(cacheFile(root), JSON.stringify(cache));
  } catch {
    // scanning again is always possible
  }
}

/** Secretlint's findings on `files` (paths relative to root), from the cache for contents already scanned. */
export function scanSecrets(root: string, files: readonly string[]): Finding[] {
  const key = sha256(`${secretlintVersion}\n${readFileSync(join(root, '.secretlintrc.json'), 'utf8')}`);
  const cache = readCache(root, key);
  const hashes = new Map<string, string>();
  for (const file of files) {
    try {
      hashes.set(file, sha256(Buffer.concat([Buffer.from(`${file}\0`), readFileSync(join(root, file))])));
    } catch {
      // deleted but still in the index: nothing to scan
    }
  }
  const unseen = [...hashes].filter(([, hash]) => !(hash in cache.files)).map(([file]) => file);
  if (unseen.length > 0) {
    const found = new Map(runSecretlint(root, unseen).map((r) => [relativeTo(root, r.filePath), r.messages]));
    for (const file of unseen) cache.files[hashes.get(file)!] = found.get(file) ?? [];
    writeCache(root, cache);
  }
  return findingsOf(
    [...hashes]
      .map(([file, hash]) => ({ filePath: file, messages: cache.files[hash] }))
      .filter((r) => r.messages.length),
  );
}

const relativeTo = (root: string, path: string) => (path.startsWith(`${root}/`) ? path.slice(root.length + 1) : path);

/** Runs secretlint on `files` (paths relative to root). */
function runSecretlint(root: string, files: readonly string[]): SecretlintResult[] {
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
    return JSON.parse(readFileSync(output, 'utf8')) as SecretlintResult[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function findingsOf(results: readonly SecretlintResult[]): Finding[] {
  return results.flatMap((r) =>
    r.messages.map((m) => ({
      check: 'secrets',
      severity: 'error' as const,
      where: `${r.filePath}:${m.loc.start.line}`,
      message: `${m.message} (${m.ruleId.replace('@secretlint/secretlint-rule-', '')}): remove the value from git history and create it at deploy time`,
    })),
  );
}

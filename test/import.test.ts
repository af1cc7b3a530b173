import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { fingerprint } from './support/files';

const ROOT = join(__dirname, '..');
const scratch: string[] = [];
afterAll(() => scratch.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Runs `npm run import`'s script in `cwd` without blocking this process (the proxy below answers from it). */
function runImport(
  cwd: string,
  env: Record<string, string | undefined>,
): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'scripts', 'import.ts')], {
      cwd,
      env: { ...process.env, ...env },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

describe('npm run import', () => {
  test('offline behind a proxy: asks the proxy (HTTPS_PROXY), fails with the URL, and leaves imports/ untouched', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'import-'));
    scratch.push(dir);
    cpSync(join(ROOT, 'imports'), join(dir, 'imports'), { recursive: true });
    const before = fingerprint(join(dir, 'imports'));
    const asked: string[] = [];
    // a proxy with no way out: it records the tunnel asked for and refuses it
    const proxy = createServer();
    proxy.on('connect', (req, socket) => {
      asked.push(`${req.method} ${req.url}`);
      socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = proxy.address() as AddressInfo;
      const run = await runImport(dir, {
        UPSTREAM_MIRROR: undefined,
        HTTPS_PROXY: `http://127.0.0.1:${port}`,
        https_proxy: undefined,
        NO_PROXY: '',
        no_proxy: '',
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/download of https:\/\/raw\.githubusercontent\.com\/\S+ failed/);
      expect(run.stderr).toMatch(/nothing was written: imports\/ is as it was/);
      expect(asked[0]).toBe('CONNECT raw.githubusercontent.com:443');
      expect(fingerprint(join(dir, 'imports'))).toEqual(before);
    } finally {
      proxy.close();
    }
  });
});

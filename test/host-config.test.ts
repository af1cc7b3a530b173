import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { fillSecrets, parseSecretsFile } from '../lib/bootstrap/host-config';
import { lab } from '../sites/lab';
import { poc } from '../sites/poc';
import { kubeadmDoc, userDataText } from './support/bootstrap';
import { load } from 'js-yaml';
import { fakeBootstrapToken, fakeCaCertHash, fakeCertificateKey, fakeEncryptionKey } from './support/fake-secrets';
import { withSite } from './support/render';

const TOKEN = fakeBootstrapToken();
const HASH = fakeCaCertHash();
const KEY = fakeCertificateKey();
const ENC = fakeEncryptionKey();
const ALL = {
  KUBEADM_TOKEN: TOKEN,
  KUBEADM_CA_CERT_HASH: HASH,
  KUBEADM_CERTIFICATE_KEY: KEY,
  KUBEADM_ENCRYPTION_KEY: ENC,
};

describe('fillSecrets', () => {
  test("fills a worker's token and CA hash into its JoinConfiguration", () => {
    const filled = load(fillSecrets(userDataText(poc, 'dnumworker1'), ALL, 'x')) as any;
    const join = kubeadmDoc(filled, 'JoinConfiguration');
    expect(join.discovery.bootstrapToken.token).toBe(TOKEN);
    expect(join.discovery.bootstrapToken.caCertHashes).toEqual([HASH]);
  });

  test('the control plane needs the token (its CA does not exist yet) and the key of Secrets at rest, written once each', () => {
    expect(() => fillSecrets(userDataText(poc, 'debian-cp'), { KUBEADM_TOKEN: TOKEN }, 'x')).toThrow(
      /KUBEADM_ENCRYPTION_KEY is not set \(the key encrypting Secrets in etcd.*head -c 32 \/dev\/urandom \| base64/,
    );
    const filled = fillSecrets(
      userDataText(poc, 'debian-cp'),
      { KUBEADM_TOKEN: TOKEN, KUBEADM_ENCRYPTION_KEY: ENC },
      'x',
    );
    expect(filled).not.toMatch(/<KUBEADM_[A-Z_]+>/);
    expect(filled.split(TOKEN).length - 1).toBe(1);
    expect(filled.split(ENC).length - 1).toBe(1);
  });

  test('three control planes: the first also needs the certificate key', () => {
    const ha = withSite(lab, (s) => {
      s.nodes.push({ name: 'lab-cp2', address: '10.20.0.11', roles: ['control-plane'], cpu: 8, memory: '16Gi' });
    });
    expect(() => fillSecrets(userDataText(ha, 'lab-cp1'), { KUBEADM_TOKEN: TOKEN }, 'cp1')).toThrow(
      /KUBEADM_CERTIFICATE_KEY is not set/,
    );
    expect(fillSecrets(userDataText(ha, 'lab-cp2'), ALL, 'cp2')).toContain(`certificateKey: ${KEY}`);
  });

  test('fails, naming every missing value and how to get it', () => {
    expect(() => fillSecrets(userDataText(poc, 'dnumworker1'), {}, 'host-bootstrap/poc/dnumworker1.yaml')).toThrow(
      /^host-bootstrap\/poc\/dnumworker1\.yaml needs KUBEADM_TOKEN, KUBEADM_CA_CERT_HASH:\n {2}KUBEADM_TOKEN is not set \(the bootstrap token.*kubeadm token generate.*\n {2}KUBEADM_CA_CERT_HASH is not set \(.*openssl x509 -pubkey -in \/etc\/kubernetes\/pki\/ca\.crt/,
    );
  });

  test('fails on a malformed token or hash, without echoing it', () => {
    expect(() =>
      fillSecrets(userDataText(poc, 'dnumworker1'), { ...ALL, KUBEADM_TOKEN: TOKEN.toUpperCase() }, 'x'),
    ).toThrow(/KUBEADM_TOKEN is not the bootstrap token/);
    expect(() =>
      fillSecrets(
        userDataText(poc, 'dnumworker1'),
        { ...ALL, KUBEADM_CA_CERT_HASH: HASH.slice('sha256:'.length) },
        'x',
      ),
    ).toThrow(
      /KUBEADM_CA_CERT_HASH is not the cluster CA's public key hash, sha256:<64 hex digits> \(got 64 characters/,
    );
  });

  test('fails when a placeholder it does not know is left', () => {
    expect(() => fillSecrets('token: <KUBEADM_TOKEN>\nother: <KUBEADM_SOMETHING>\n', ALL, 'f')).toThrow(
      'f: placeholders <KUBEADM_SOMETHING> have no value',
    );
  });
});

describe('parseSecretsFile', () => {
  test('reads NAME=value lines, with comments, export and quotes', () => {
    expect(
      parseSecretsFile(`# kubeadm\nexport KUBEADM_TOKEN="${TOKEN}"\n\nKUBEADM_CA_CERT_HASH=${HASH}\n`, 'f'),
    ).toEqual({ KUBEADM_TOKEN: TOKEN, KUBEADM_CA_CERT_HASH: HASH });
  });
  test('fails on a line that is not NAME=value', () => {
    expect(() => parseSecretsFile('KUBEADM_TOKEN\n', 'secrets.env')).toThrow('secrets.env:1: not a NAME=value line');
  });
});

describe('npm run host-config (the CLI, in a scratch directory)', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const ROOT = join(__dirname, '..');

  function scratch(): string {
    const dir = mkdtempSync(join(tmpdir(), 'host-config-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'host-bootstrap'));
    cpSync(join(ROOT, 'host-bootstrap', 'poc'), join(dir, 'host-bootstrap', 'poc'), { recursive: true });
    return dir;
  }
  const run = (cwd: string, env: Record<string, string>, ...args: string[]) =>
    spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'scripts', 'host-config.ts'), ...args], {
      cwd,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', ...env },
    });

  test('writes host-config/<site>/<node>.yaml, readable by its owner only, from the environment', () => {
    const dir = scratch();
    const r = run(dir, ALL, '--site', 'poc', '--node', 'dnumworker1');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = join(dir, 'host-config', 'poc', 'dnumworker1.yaml');
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(readFileSync(out, 'utf8')).toBe(
      fillSecrets(readFileSync(join(dir, 'host-bootstrap', 'poc', 'dnumworker1.yaml'), 'utf8'), ALL, 'x'),
    );
  });

  test('reads a --secrets file, the environment winning over it', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'secrets.env'), `KUBEADM_TOKEN=${fakeBootstrapToken()}\nKUBEADM_CA_CERT_HASH=${HASH}\n`);
    expect(
      run(dir, { KUBEADM_TOKEN: TOKEN }, '--site', 'poc', '--node', 'dnumworker2', '--secrets', 'secrets.env').status,
    ).toBe(0);
    const text = readFileSync(join(dir, 'host-config', 'poc', 'dnumworker2.yaml'), 'utf8');
    expect(text).toContain(`token: ${TOKEN}`);
    expect(text).toContain(`- ${HASH}`);
  });

  test('fails with the missing value named, and writes nothing at all', () => {
    const dir = scratch();
    const r = run(
      dir,
      { KUBEADM_TOKEN: TOKEN, KUBEADM_ENCRYPTION_KEY: ENC },
      '--site',
      'poc',
      '--node',
      'debian-cp',
      '--node',
      'dnumworker1',
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /host-config failed, nothing was written:\nhost-bootstrap\/poc\/dnumworker1\.yaml needs KUBEADM_TOKEN, KUBEADM_CA_CERT_HASH:\n {2}KUBEADM_CA_CERT_HASH is not set/,
    );
    expect(existsSync(join(dir, 'host-config'))).toBe(false);
  });

  test('fails on a node the site does not have', () => {
    const r = run(scratch(), ALL, '--site', 'poc', '--node', 'dnumworker9');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /host-bootstrap\/poc\/dnumworker9\.yaml does not exist: is 'dnumworker9' a node of site 'poc'\?/,
    );
  });

  test('fails on a name that is not a DNS label (no path tricks)', () => {
    expect(run(scratch(), ALL, '--site', 'poc', '--node', '../poc/debian-cp').stderr).toMatch(
      /'\.\.\/poc\/debian-cp' is not a site or node name/,
    );
  });
});

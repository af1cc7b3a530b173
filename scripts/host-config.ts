/**
 * `npm run host-config -- --site poc --node dnumworker1 [--node …] [--secrets FILE]`
 *
 * Copies host-bootstrap/<site>/<node>.yaml to host-config/<site>/<node>.yaml (git-ignored,
 * mode 0600) with the kubeadm secrets filled in from the environment (KUBEADM_TOKEN,
 * KUBEADM_CA_CERT_HASH, KUBEADM_CERTIFICATE_KEY) or from a NAME=value file; the environment
 * wins. Writes nothing unless every node's file can be filled completely.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fillSecrets, parseSecretsFile } from '../lib/bootstrap/host-config';
import { writeFileAtomic } from '../lib/write/atomic';

/** A write failed after the inputs were checked: the message lists what was written. */
class WriteFailure extends Error {}

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function main(): void {
  const { values } = parseArgs({
    options: { site: { type: 'string' }, node: { type: 'string', multiple: true }, secrets: { type: 'string' } },
  });
  const site = values.site;
  const nodes = values.node ?? [];
  if (!site || nodes.length === 0) throw new Error('usage: npm run host-config -- --site <site> --node <node> [--node <node> …] [--secrets FILE]');
  for (const name of [site, ...nodes]) if (!NAME.test(name)) throw new Error(`'${name}' is not a site or node name (a DNS-1123 label)`);

  const fromFile = values.secrets ? parseSecretsFile(readFileSync(values.secrets, 'utf8'), values.secrets) : {};
  const secrets = { ...fromFile, ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('KUBEADM_'))) };

  const filled = nodes.map((node) => {
    const source = join('host-bootstrap', site, `${node}.yaml`);
    if (!existsSync(source)) throw new Error(`${source} does not exist: is '${node}' a node of site '${site}'? ('npm run synth' renders one file per node)`);
    return { node, content: fillSecrets(readFileSync(source, 'utf8'), secrets, source) };
  });

  const dir = join('host-config', site);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const written: string[] = [];
  for (const { node, content } of filled) {
    const out = join(dir, `${node}.yaml`);
    try {
      writeFileAtomic(out, content, 0o600); // a new file each time: an older one's mode does not carry over
    } catch (e) {
      throw new WriteFailure(`${out}: not written (${e instanceof Error ? e.message : String(e)})${written.length ? `; written before: ${written.join(', ')}` : ''}`);
    }
    written.push(out);
    console.log(`${out}: user-data with secrets for node ${node}; git ignores host-config/, never commit it`);
  }
}

try {
  main();
} catch (e) {
  const text = e instanceof Error ? e.message : String(e);
  console.error(e instanceof WriteFailure ? `host-config failed:\n${text}` : `host-config failed, nothing was written:\n${text}`);
  process.exit(1);
}

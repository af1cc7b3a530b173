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
import { fillSecrets, parseSecretsFile } from '../lib/bootstrap/host-config';
import { cliCommand, collect, runCli, UsageError, type CliSpec } from '../lib/cli';
import { isDnsLabel } from '../lib/site/names';
import { writeFileAtomic } from '../lib/write/atomic';

/** A write failed after the inputs were checked: the message lists what was written. */
class WriteFailure extends Error {}

const SPEC: CliSpec = {
  script: 'host-config',
  summary:
    "Fill a node's cloud-init placeholders (kubeadm token, CA hash, certificate key) from KUBEADM_* environment variables or a NAME=value file into git-ignored host-config/<site>/<node>.yaml. Writes nothing unless every node's file can be filled.",
  exitCodes: {
    1: 'a node file is missing or a secret is not given (nothing was written), or a write failed (the message lists what was written)',
  },
  failure: { prefix: '', code: 1 },
};

const cmd = cliCommand(SPEC)
  .requiredOption('-s, --site <site>', 'the site')
  .requiredOption('-n, --node <node>', 'a node of the site (repeatable)', collect)
  .option('--secrets <file>', 'NAME=value lines (KUBEADM_TOKEN=…); the environment wins');

function hostConfig(site: string, nodes: readonly string[], secretsFile: string | undefined): void {
  for (const name of [site, ...nodes])
    if (!isDnsLabel(name)) throw new UsageError(`'${name}' is not a site or node name (a DNS-1123 label)`);

  const fromFile = secretsFile ? parseSecretsFile(readFileSync(secretsFile, 'utf8'), secretsFile) : {};
  const secrets = {
    ...fromFile,
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('KUBEADM_'))),
  };

  const filled = nodes.map((node) => {
    const source = join('host-bootstrap', site, `${node}.yaml`);
    if (!existsSync(source))
      throw new Error(
        `${source} does not exist: is '${node}' a node of site '${site}'? ('npm run synth' renders one file per node)`,
      );
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
      throw new WriteFailure(
        `${out}: not written (${e instanceof Error ? e.message : String(e)})${written.length ? `; written before: ${written.join(', ')}` : ''}`,
      );
    }
    written.push(out);
    console.log(`${out}: user-data with secrets for node ${node}; git ignores host-config/, never commit it`);
  }
}

runCli<{ site: string; node: string[]; secrets?: string }>(SPEC, cmd, ({ site, node, secrets }) => {
  try {
    hostConfig(site, node, secrets);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const text = e instanceof Error ? e.message : String(e);
    throw new Error(
      e instanceof WriteFailure ? `host-config failed:\n${text}` : `host-config failed, nothing was written:\n${text}`,
      { cause: e },
    );
  }
});

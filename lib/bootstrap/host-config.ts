import { SECRETS, placeholder, type SecretName } from './secrets';

/** Values by variable name, e.g. `{ KUBEADM_TOKEN: '<token from kubeadm token generate>' }`. */
export type SecretValues = Readonly<Record<string, string | undefined>>;

/** Parses a `--secrets` file: `NAME=value` lines, blank lines and `#` comments allowed. */
export function parseSecretsFile(text: string, source: string): Record<string, string> {
  const values: Record<string, string> = {};
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = /^(?:export\s+)?([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (!m) throw new Error(`${source}:${i + 1}: not a NAME=value line`);
    values[m[1]] = m[2].replace(/^(['"])(.*)\1$/, '$2');
  });
  return values;
}

const LEFTOVER = /<KUBEADM_[A-Z_]+>/g;

/**
 * User-data with its secret placeholders replaced. Refuses, listing every problem, when a
 * placeholder of the file has no value or a malformed one, and when any placeholder is left.
 */
export function fillSecrets(userData: string, values: SecretValues, source: string): string {
  const needed = (Object.keys(SECRETS) as SecretName[]).filter((name) => userData.includes(placeholder(name)));
  const problems: string[] = [];
  for (const name of needed) {
    const secret = SECRETS[name];
    const value = values[secret.env];
    if (value === undefined || value === '') problems.push(`${secret.env} is not set (${secret.what}): ${secret.how}`);
    else if (!secret.pattern.test(value))
      problems.push(`${secret.env} is not ${secret.what} (got ${value.length} characters that do not match)`);
  }
  if (problems.length > 0)
    throw new Error(
      `${source} needs ${needed.map((n) => SECRETS[n].env).join(', ')}:\n${problems.map((p) => `  ${p}`).join('\n')}`,
    );
  const filled = needed.reduce((text, name) => text.split(placeholder(name)).join(values[SECRETS[name].env]), userData);
  const left = [...new Set(filled.match(LEFTOVER) ?? [])];
  if (left.length > 0)
    throw new Error(
      `${source}: placeholders ${left.join(', ')} have no value: this version of host-config does not know them`,
    );
  return filled;
}

import { dump } from 'js-yaml';

/**
 * The cloud-config keys the node bootstrap uses, with cloud-init's own snake_case names. Every
 * one exists in Debian 11's cloud-init 20.4.1: no `write_files[].defer`, no apt `sources` with
 * `$KEY_FILE` (22.x only); repositories and packages are set up by a script instead.
 */
export interface CloudConfig {
  readonly hostname: string;
  /** false: cloud-init sets the hostname above instead of keeping the image's. */
  readonly preserve_hostname: boolean;
  /** true: /etc/hosts maps the hostname, which kubeadm's preflight wants resolvable. */
  readonly manage_etc_hosts: boolean;
  /** Written in cloud-init's init stage, before any package is installed. */
  readonly write_files: readonly WriteFile[];
  /** Joined into one `sh` script run once, in the final stage. */
  readonly runcmd: readonly string[];
}

export interface WriteFile {
  readonly path: string;
  readonly owner: string;
  /** Octal mode as a string ('0644'), as cloud-init expects. */
  readonly permissions: string;
  readonly content: string;
}

/** A root-owned file; `0600` for anything holding a (filled-in) secret. */
export function file(path: string, content: string, permissions = '0644'): WriteFile {
  return { path, owner: 'root:root', permissions, content };
}

/** A bash script: shebang, what it does, fail on the first error, then `lines`. */
export function bashScript(purpose: string, lines: readonly string[]): string {
  const comment = purpose
    .split('\n')
    .map((l) => `# ${l}`)
    .join('\n');
  return `#!/bin/bash\n${comment}\nset -euo pipefail\n${lines.join('\n')}\n`;
}

/** Single-quotes a value for the shell. */
export function shq(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** User-data: the `#cloud-config` header cloud-init requires on the first line, then YAML. */
export function renderCloudConfig(config: CloudConfig, comment: string): string {
  return `#cloud-config\n# ${comment}\n${dump(config, { lineWidth: -1, noRefs: true })}`;
}

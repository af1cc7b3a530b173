import { load, loadAll } from 'js-yaml';
import { renderHostBootstrap } from '../../lib/bootstrap/host-bootstrap';
import { KUBEADM_CONFIG } from '../../lib/bootstrap/kubeadm';
import type { Site } from '../../lib/site/model';

/** A node's user-data parsed back from the YAML synth writes. */
export interface UserData {
  hostname: string;
  preserve_hostname: boolean;
  manage_etc_hosts: boolean;
  write_files: { path: string; owner: string; permissions: string; content: string }[];
  runcmd: string[];
  [key: string]: unknown;
}

const rendered = new WeakMap<Site, Map<string, string>>();

export function userDataText(site: Site, node: string): string {
  if (!rendered.has(site)) rendered.set(site, renderHostBootstrap(site));
  const text = rendered.get(site)!.get(`${node}.yaml`);
  if (text === undefined) throw new Error(`site ${site.name} renders no user-data for '${node}'`);
  return text;
}

export function userData(site: Site, node: string): UserData {
  return load(userDataText(site, node)) as UserData;
}

/** The content cloud-init writes at `path`; fails the test if it writes nothing there. */
export function writtenFile(ud: UserData, path: string): string {
  const found = ud.write_files.find((f) => f.path === path);
  if (!found) throw new Error(`no write_files entry for ${path} (has ${ud.write_files.map((f) => f.path).join(', ')})`);
  return found.content;
}

/** The step script whose file name starts with `prefix` (e.g. '40-kubeadm'). */
export function stepScript(ud: UserData, prefix: string): string {
  const found = ud.write_files.filter((f) => f.path.split('/').pop()!.startsWith(prefix));
  if (found.length !== 1)
    throw new Error(`expected one script ${prefix}*, found ${found.map((f) => f.path).join(', ') || 'none'}`);
  return found[0].content;
}

export function hasStep(ud: UserData, prefix: string): boolean {
  return ud.write_files.some((f) => f.path.split('/').pop()!.startsWith(prefix));
}

/** The kubeadm documents of a node (InitConfiguration… or JoinConfiguration). */
export function kubeadmDocs(ud: UserData): any[] {
  return loadAll(writtenFile(ud, KUBEADM_CONFIG)) as any[];
}

export function kubeadmDoc(ud: UserData, kind: string): any {
  const doc = kubeadmDocs(ud).find((d) => d.kind === kind);
  if (!doc) throw new Error(`no ${kind} in ${KUBEADM_CONFIG}`);
  return doc;
}

/**
 * A nodeRegistration's kubelet flags by name, in either API's shape (v1beta3's map, v1beta4's list of {name, value}).
 */
export function kubeletArgs(nodeRegistration: { kubeletExtraArgs?: unknown }): Record<string, string> {
  const args = nodeRegistration.kubeletExtraArgs ?? {};
  return Array.isArray(args)
    ? Object.fromEntries(args.map((a: { name: string; value: string }) => [a.name, a.value]))
    : (args as Record<string, string>);
}

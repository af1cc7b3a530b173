import { isIPv4 } from 'node:net';
import { isDnsSubdomain } from './names';
import type { SiteIssue } from './issues';

/** An IPv4 CIDR as a numeric range. */
export interface Cidr {
  readonly base: number;
  readonly prefix: number;
}

export function ipToNumber(ip: string): number {
  return ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

/** Parses `a.b.c.d/n`; undefined when malformed or when host bits are set. */
export function parseCidr(value: string): Cidr | undefined {
  const [ip, bits, ...rest] = value.split('/');
  if (rest.length > 0 || !isIPv4(ip ?? '') || !/^\d{1,2}$/.test(bits ?? '') || Number(bits) > 32) return undefined;
  const prefix = Number(bits);
  const base = ipToNumber(ip);
  const size = 2 ** (32 - prefix);
  if (base % size !== 0) return undefined;
  return { base, prefix };
}

export function cidrContains(cidr: Cidr, ip: number): boolean {
  const size = 2 ** (32 - cidr.prefix);
  return ip >= cidr.base && ip < cidr.base + size;
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return cidrContains(a, b.base) || cidrContains(b, a.base);
}

export { isIPv4 };

/** Splits `host[:port]`, port defaulting to 6443 (the API server's). */
export function parseEndpoint(value: string): { host: string; port: number } | undefined {
  const m = /^([^:]+)(?::(\d{1,5}))?$/.exec(value);
  if (!m) return undefined;
  const port = m[2] === undefined ? 6443 : Number(m[2]);
  const host = m[1];
  const hostOk = isIPv4(host) || isDnsSubdomain(host);
  if (!hostOk || port < 1 || port > 65535) return undefined;
  return { host, port };
}

/**
 * An http(s) URL a component sends to: the scheme is required ("http" or "https", as Go's net/url and MinIO read it).
 */
export function httpUrlIssues(path: string, value: string, example: string): SiteIssue[] {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  return url && (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname
    ? []
    : [{ path, message: `'${value}' is not an http(s) URL: write the scheme and host, e.g. '${example}'` }];
}

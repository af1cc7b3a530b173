import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import type { KubeObject } from '../core/objects';
import { isRecord } from '../core/records';
import type { Pki } from './pki';

/** What the API server answered: status, parsed body, and its `Warning` headers (Pod Security, deprecations). */
export interface Reply {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly warnings: readonly string[];
}

/** The API server's message of a failed reply, verbatim. */
export const messageOf = (r: Reply): string =>
  typeof r.body.message === 'string' ? r.body.message : JSON.stringify(r.body);

interface ApiResource {
  readonly plural: string;
  readonly namespaced: boolean;
}

/** A minimal client of the throwaway API server: raw REST with the admin certificate, discovery per group version. */
export class Kube {
  private readonly agent: Agent;
  private readonly resources = new Map<string, ReadonlyMap<string, ApiResource>>();

  constructor(
    readonly server: string,
    pki: Pki,
  ) {
    this.agent = new Agent({
      ca: readFileSync(pki.ca),
      cert: readFileSync(pki.adminCert),
      key: readFileSync(pki.adminKey),
      keepAlive: true,
    });
  }

  send(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<Reply> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((done, fail) => {
      const req = request(
        `${this.server}${path}`,
        {
          method,
          agent: this.agent,
          headers: {
            accept: 'application/json',
            ...(payload ? { 'content-type': contentType, 'content-length': Buffer.byteLength(payload) } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown;
            try {
              parsed = JSON.parse(text);
            } catch {
              parsed = { message: text };
            }
            const warning = res.headers.warning;
            const warnings = (Array.isArray(warning) ? warning : warning ? [warning] : []).flatMap(splitWarnings);
            done({ status: res.statusCode ?? 0, body: isRecord(parsed) ? parsed : { items: parsed }, warnings });
          });
        },
      );
      req.on('error', fail);
      if (payload) req.write(payload);
      req.end();
    });
  }

  async get(path: string): Promise<Record<string, unknown> | undefined> {
    const r = await this.send('GET', path);
    return r.status === 200 ? r.body : undefined;
  }

  async list(path: string): Promise<Record<string, unknown>[]> {
    const body = await this.get(path);
    return Array.isArray(body?.items) ? body.items.filter(isRecord) : [];
  }

  /** The resource of a kind, from discovery (re-read when a kind is unknown: a CRD may just have been established). */
  async resourceOf(apiVersion: string, kind: string): Promise<ApiResource | undefined> {
    if (!this.resources.get(apiVersion)?.has(kind)) {
      const body = await this.get(apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`);
      const list = Array.isArray(body?.resources) ? body.resources.filter(isRecord) : [];
      this.resources.set(
        apiVersion,
        new Map(
          list
            .filter((r) => typeof r.name === 'string' && !r.name.includes('/'))
            .map((r) => [String(r.kind), { plural: String(r.name), namespaced: r.namespaced === true }]),
        ),
      );
    }
    return this.resources.get(apiVersion)?.get(kind);
  }

  /** The collection path of a kind (in a namespace when namespaced), or undefined when the server does not serve it. */
  async collection(apiVersion: string, kind: string, namespace?: string): Promise<string | undefined> {
    const resource = await this.resourceOf(apiVersion, kind);
    if (!resource) return undefined;
    const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    return `${base}${resource.namespaced ? `/namespaces/${namespace ?? 'default'}` : ''}/${resource.plural}`;
  }

  async objectPath(obj: KubeObject): Promise<string | undefined> {
    const collection = await this.collection(obj.apiVersion, obj.kind, obj.metadata.namespace);
    return collection && `${collection}/${obj.metadata.name}`;
  }
}

/** `299 - "msg", 299 - "msg2"` → the messages. */
function splitWarnings(header: string): string[] {
  return [...header.matchAll(/\d{3} \S+ "((?:[^"\\]|\\.)*)"/g)].map((m) => m[1].replace(/\\(.)/g, '$1'));
}

/** Poll `probe` until it returns a value (not undefined) or `seconds` pass; resolves undefined on timeout. */
export async function until<T>(
  seconds: number,
  probe: () => Promise<T | undefined>,
  everyMs = 250,
): Promise<T | undefined> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) return undefined;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

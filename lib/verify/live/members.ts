import { asArray, asRecord } from '../../core/records';
import type { Kube } from '../kube';
import { spiloLabels } from '../operator';

/**
 * A `postgresql` cluster's Spilo pods as the API server has them, and the master Service's endpoints Patroni writes:
 * what the live facts, the day-2 operations and the standby proof read the cluster's members and leader from.
 */
export interface Member {
  readonly pod: string;
  readonly uid: string;
  readonly ip: string;
  /** Patroni's role label (`pod_role_label`), if set yet. */
  readonly role: string | undefined;
  /** The first container's image. */
  readonly image: string;
}

/** The cluster's Spilo pods not being deleted (a pooler's pods carry the cluster's name and a role label too: not these). */
export async function members(
  kube: Kube,
  config: Record<string, string>,
  ns: string,
  cluster: string,
): Promise<Member[]> {
  const labels = spiloLabels(config);
  const pods = await kube.list(
    `/api/v1/namespaces/${ns}/pods?labelSelector=${encodeURIComponent(`${labels.app.selector},${labels.name}=${cluster}`)}`,
  );
  return pods
    .filter((p) => !asRecord(p.metadata).deletionTimestamp)
    .map((p) => {
      const meta = asRecord(p.metadata);
      return {
        pod: String(meta.name),
        uid: String(meta.uid),
        ip: String(asRecord(p.status).podIP),
        role: asRecord(meta.labels)[labels.role] as string | undefined,
        image: String(asRecord(asArray(asRecord(p.spec).containers)[0]).image),
      };
    });
}

/** The addresses of the master Service's Endpoints (Patroni writes them with the leader key). */
export async function masterEndpoints(kube: Kube, ns: string, cluster: string): Promise<string[]> {
  const endpoints = await kube.get(`/api/v1/namespaces/${ns}/endpoints/${cluster}`);
  return asArray(endpoints?.subsets).flatMap((s) => asArray(asRecord(s).addresses).map((a) => String(asRecord(a).ip)));
}

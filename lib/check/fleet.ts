import { fleetIssues } from '../site/fleet';
import { standbyIssues } from '../site/standby';
import type { Site } from '../site/model';
import type { Finding } from './findings';

/**
 * The fleet-level rules of `npm run check`, across every site of the repository (lib/site/fleet.ts): a site in two
 * stages or under two hubs, a rollout out of order, a managed site missing, with its own ArgoCD or another
 * repository; a standby whose primary is missing, archives no WAL, runs another major or sits behind an address its
 * site does not declare.
 */
export function checkFleet(sites: readonly Site[]): Finding[] {
  return [...fleetIssues(sites), ...standbyIssues(sites)].map((issue) => ({
    check: 'fleet',
    severity: 'error' as const,
    where: issue.path,
    message: issue.message,
  }));
}

import { fleetIssues } from '../site/fleet';
import type { Site } from '../site/model';
import type { Finding } from './findings';

/**
 * The fleet-level rules of `npm run check`, across every site of the repository (lib/site/fleet.ts): a site in two
 * stages or under two hubs, a rollout out of order, a managed site missing, with its own ArgoCD or another
 * repository.
 */
export function checkFleet(sites: readonly Site[]): Finding[] {
  return fleetIssues(sites).map((issue) => ({
    check: 'fleet',
    severity: 'error' as const,
    where: issue.path,
    message: issue.message,
  }));
}

import type { Site } from '../site/model';
import { siteSource } from '../site-files/load';
import type { TreeDiff } from '../diff/semantic';
import type { Finding } from './findings';
import { ANY_SOURCE, THIN_PROVISIONING } from '../site/acknowledge';

/**
 * What `npm run check --base <rev>` makes of the change since that revision (the semantic diff's impacts): everything
 * the diff calls refused fails, in the diff's words; a change that deletes or endangers data or quorum fails unless
 * its site acknowledges it (lib/site/acknowledge.ts), and the message gives the entry to add. An acknowledgement that
 * matches no change since the base is a warning: it belongs to an earlier pull request.
 */
export function gateFindings(diff: TreeDiff, sites: readonly Site[], base: string): Finding[] {
  const findings: Finding[] = [];
  const used = new Set<string>();
  for (const o of diff.objects) {
    const site = sites.find((s) => s.name === o.site);
    const where = `${o.site}/${o.app}: ${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`;
    for (const i of o.impacts) {
      if (i.level === 'refused')
        findings.push({ check: 'gate', severity: 'error', where, message: `refused: ${i.message}` });
      if (i.level !== 'destructive') continue;
      const ack = i.ack === undefined ? undefined : site?.acknowledge?.find((a) => a.change === i.ack);
      if (ack) {
        used.add(`${o.site}\n${ack.change}`);
        findings.push({
          check: 'gate',
          severity: 'note',
          where,
          message: `acknowledged (${ack.reason}): ${i.message}`,
        });
      } else {
        findings.push({
          check: 'gate',
          severity: 'error',
          where,
          message: `${i.message}; ${
            i.ack === undefined
              ? 'revert it'
              : `if it is intended, acknowledge it in ${siteSource(o.site)}: acknowledge: [{ change: '${i.ack}', reason: '<why>' }]`
          }`,
        });
      }
    }
  }
  for (const site of sites) {
    (site.acknowledge ?? []).forEach((a, i) => {
      if (!used.has(`${site.name}\n${a.change}`) && !THIN_PROVISIONING.test(a.change) && !ANY_SOURCE.test(a.change))
        findings.push({
          check: 'gate',
          severity: 'warning',
          where: site.name,
          message: `acknowledge[${i}] ('${a.change}') matches no change since ${base}: remove it once the change it names is merged`,
        });
    });
  }
  return findings;
}

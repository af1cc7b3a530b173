import { z } from 'zod';
import { DnsLabelSchema, enumOf } from '../schema-kit';

/** Rollout stages, in the only order a rollout may take them. */
export const STAGES = ['lab', 'staging', 'production'] as const;
export type Stage = (typeof STAGES)[number];

const RolloutStepSchema = z
  .strictObject({
    stage: enumOf(STAGES, 'stage', `Rollout stage: ${STAGES.join(', ')} (in that order)`),
    sites: z
      .array(DnsLabelSchema)
      .describe('Sites of this repository that the stage updates together (their sites/<name> file names)'),
  })
  .describe('One stage of the rollout: its sites are updated together, after every site of the stages before');

export const FleetSchema = z
  .strictObject({
    rollout: z
      .array(RolloutStepSchema)
      .describe(
        "The sites this site's ArgoCD manages (this site is then the fleet's hub), stage by stage: lab, then staging, then production. Each managed site sets bootstrap.installArgoCd: false",
      ),
  })
  .describe(
    "This site as the hub of a fleet: its ArgoCD manages the listed sites' clusters with one ApplicationSet (docs/fleet.md). Default: none, every site runs its own ArgoCD",
  );

import { describe, expect, test } from 'vitest';
import { COMPONENTS } from '../../lib/components';
import { EXPOSABLE } from '../../lib/site/schema/load-balancers';
import { validateSite } from '../../lib/components/validate';
import { minimalSite } from './support/site';

describe("the UIs a site may expose on its load balancers are the components' (their `exposes`)", () => {
  test.each(EXPOSABLE)('loadBalancers.expose.%s is declared by exactly one component', (key) => {
    expect(COMPONENTS.filter((c) => c.exposes?.some((e) => e.key === key)).length).toBe(1);
  });

  test("fails to expose a UI the site does not run, with its component's message", () => {
    const site = minimalSite({
      loadBalancers: {
        network: '10.0.0.0/24',
        addresses: ['10.0.0.200-10.0.0.209'],
        expose: { grafana: true, operatorUi: true },
      },
    });
    expect(validateSite(site).filter((i) => i.path.startsWith('loadBalancers.expose'))).toEqual([
      {
        path: 'loadBalancers.expose.operatorUi',
        message: 'postgres.operator.ui is off: turn it on or drop the option',
      },
      { path: 'loadBalancers.expose.grafana', message: 'the site has no monitoring: add it or drop the option' },
    ]);
  });
});

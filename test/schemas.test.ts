import { describe, expect, test } from 'vitest';
import { validatorFor as siteValidator } from '../lib/check/schema-check';
import { SchemaValidator, schemaVersionFor } from '../lib/check/schema-validator';
import { SITES } from '../lib/site-files';
import { renderedApps } from './support/render';

const validators = new Map<string, SchemaValidator>();
const validatorFor = (version: string) => {
  const v = schemaVersionFor(version);
  if (!validators.has(v)) validators.set(v, new SchemaValidator(v));
  return validators.get(v)!;
};

describe.each(SITES.map((s) => [s.name, s] as const))(
  "every object of site %s (against its train's schema and CRDs)",
  (_name, site) => {
    const validator = siteValidator(site);
    const objects = [...renderedApps(site)].flatMap(([app, objs]) =>
      objs.map((o) => [`${app}/${o.kind}/${o.metadata.name}`, o] as const),
    );

    test.each(objects)('%s is valid against the pinned schemas', (_id, obj) => {
      expect(validator.validate(obj)).toEqual([]);
    });
  },
);

describe('SchemaValidator', () => {
  const v = validatorFor('1.26.2');
  test('fails on an unknown kind', () => {
    expect(v.validate({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } })).toEqual([
      'unknown kind example.com/v1/Widget: no pinned schema or CRD defines it',
    ]);
  });
  test('fails on an unknown field, which the API server would drop', () => {
    const errors = v.validate({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', labelz: {} }, data: {} });
    expect(errors).toEqual(["/metadata: must NOT have additional properties 'labelz'"]);
  });
  test('fails on a custom resource field the CRD does not know', () => {
    const errors = v.validate({
      apiVersion: 'acid.zalan.do/v1',
      kind: 'postgresql',
      metadata: { name: 'acid-x' },
      spec: {
        teamId: 'acid',
        numberOfInstances: 1,
        postgresql: { version: '15' },
        volume: { size: '1Gi' },
        spiloFsGroup: 103,
      },
    });
    expect(errors).toEqual(["/spec: must NOT have additional properties 'spiloFsGroup'"]);
  });
  test('fails on a wrong type', () => {
    expect(
      v.validate({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'd' },
        spec: { replicas: 'two', selector: {}, template: {} },
      }),
    ).toContain('/spec/replicas: must be integer');
  });
  test('knows the 1.27 schema is a different version', () => {
    expect(schemaVersionFor('1.27.3')).toBe('1.27.0');
    expect(() => schemaVersionFor('1.30.0')).toThrow(/no pinned Kubernetes schema for 1.30.0/);
  });
});

/**
 * Kubernetes resource quantities (k8s.io/apimachinery resource.Quantity), parsed for validation
 * and arithmetic. The grammar is apimachinery's (quantity.go):
 * `<signedNumber><suffix>`, suffix `Ki|Mi|Gi|Ti|Pi|Ei` (binary), `m||k|M|G|T|P|E` (decimal) or
 * `e<signed integer>` / `E<signed integer>` (decimal exponent), a number `1`, `1.5`, `1.` or `.5`.
 */
export const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)|[eE]([+-]?\d+))?$/;

const FACTORS: Readonly<Record<string, number>> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

export function isQuantity(value: unknown): value is string {
  return typeof value === 'string' && QUANTITY.test(value);
}

/** The value of a quantity in base units (bytes, cores); throws on a malformed quantity. */
export function parseQuantity(value: string): number {
  const m = QUANTITY.exec(value);
  if (!m) throw new Error(`'${value}' is not a Kubernetes quantity`);
  return Number(m[1]) * (m[3] === undefined ? FACTORS[m[2] ?? ''] : 10 ** Number(m[3]));
}

/**
 * Kubernetes resource quantities (`500m`, `1.5`, `512Mi`, `2G`, `1e3`) compared exactly, as the
 * API server does (apimachinery keeps them as scaled integers): `1.0000000000000001` CPU is more
 * than `1`, which floating point would call equal.
 */

/** A quantity as the config accepts it: a non-negative decimal and an optional suffix. */
export const QUANTITY = /^(?:\d+(?:\.\d+)?|\.\d+)(?:m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

const DECIMAL_EXPONENT: Readonly<Record<string, number>> = { '': 0, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_EXPONENT: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

/** An exact value: numerator / 10^scale. */
interface Exact { readonly numerator: bigint; readonly scale: number }

/** The exact value of a quantity matching `QUANTITY`; undefined when it does not match. */
function exactValue(quantity: string): Exact | undefined {
  if (!QUANTITY.test(quantity)) return undefined;
  const [, number, suffix] = /^([\d.]+)(.*)$/.exec(quantity) as RegExpExecArray;
  const [whole, fraction = ''] = number.split('.');
  let numerator = BigInt(`${whole}${fraction}` || '0');
  let scale = fraction.length;
  if (suffix in BINARY_EXPONENT) {
    numerator *= 2n ** BigInt(BINARY_EXPONENT[suffix]);
  } else {
    const exponent = DECIMAL_EXPONENT[suffix];
    if (exponent >= 0) numerator *= 10n ** BigInt(exponent);
    else scale -= exponent;
  }
  return { numerator, scale };
}

/** Whether `quantity` is one the config accepts. */
export function isQuantity(quantity: string): boolean {
  return QUANTITY.test(quantity);
}

/** -1, 0 or 1 as `a` is less than, equal to or greater than `b`; throws on a malformed quantity. */
export function compareQuantities(a: string, b: string): number {
  const x = exactValue(a);
  const y = exactValue(b);
  if (!x || !y) throw new Error(`not a quantity: ${JSON.stringify(x ? b : a)}`);
  const scale = Math.max(x.scale, y.scale);
  const left = x.numerator * 10n ** BigInt(scale - x.scale);
  const right = y.numerator * 10n ** BigInt(scale - y.scale);
  return left < right ? -1 : left > right ? 1 : 0;
}

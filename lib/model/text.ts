/** Text helpers of the model: a locale-independent order, and the constant-case form of names. */

/**
 * Orders strings by UTF-16 code units, the same on every machine. `localeCompare` depends on the
 * default locale, which would make the output's order (and so the committed files) machine-specific.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The constant-case form of a name, for environment variables and config keys:
 * `fraud-detector` -> `FRAUD_DETECTOR`, `fraudScoring` -> `FRAUD_SCORING`.
 */
export function constantCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/-/g, '_').toUpperCase();
}

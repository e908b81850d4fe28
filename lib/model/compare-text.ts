/**
 * Orders strings by UTF-16 code units, the same on every machine. `localeCompare` depends on the
 * default locale, which would make the output's order (and so the committed files) machine-specific.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

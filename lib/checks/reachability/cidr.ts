/**
 * IPv4 address blocks. IPv6 blocks are accepted (policies may carry them) but never contain an
 * address of the model, which is IPv4 only, like the EKS cluster it describes.
 */

/** A parsed block; `family: 6` blocks match nothing here. */
export interface Cidr {
  readonly family: 4 | 6;
  /** First address of an IPv4 block as an unsigned number. */
  readonly base: number;
  readonly prefix: number;
}

/** An IPv4 address as an unsigned number, or `undefined` when `text` is not dotted-quad IPv4. */
export function parseIPv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part) || Number(part) > 255) return undefined;
    value = value * 256 + Number(part);
  }
  return value;
}

/**
 * Parses `a.b.c.d/n` (or an IPv6 block); a bare address is a single-address block unless
 * `requirePrefix` (NetworkPolicy `ipBlock.cidr` must have one, Istio `ipBlocks` need not).
 * Returns `undefined` when the text is not a block.
 */
export function parseCidr(text: string, requirePrefix: boolean): Cidr | undefined {
  const [address, length, ...rest] = text.split('/');
  if (rest.length > 0 || (requirePrefix && length === undefined)) return undefined;
  const family = address.includes(':') ? 6 : 4;
  const maxPrefix = family === 4 ? 32 : 128;
  const prefix = length === undefined ? maxPrefix : /^[0-9]{1,3}$/.test(length) ? Number(length) : NaN;
  if (!(prefix >= 0 && prefix <= maxPrefix)) return undefined;
  if (family === 6) return /^[0-9a-fA-F:.]+$/.test(address) ? { family, base: 0, prefix } : undefined;
  const base = parseIPv4(address);
  if (base === undefined) return undefined;
  const size = 2 ** (32 - prefix);
  return { family, base: Math.floor(base / size) * size, prefix };
}

/** Whether the IPv4 address `ip` lies in `cidr`. */
export function cidrContains(cidr: Cidr, ip: string): boolean {
  const address = parseIPv4(ip);
  if (cidr.family !== 4 || address === undefined) return false;
  const size = 2 ** (32 - cidr.prefix);
  return Math.floor(address / size) * size === cidr.base;
}

/** Whether `inner` is a strict sub-block of `outer` (what the API requires of `ipBlock.except`). */
export function cidrStrictlyInside(inner: Cidr, outer: Cidr): boolean {
  if (inner.family !== outer.family) return false;
  if (inner.family === 6) return inner.prefix > outer.prefix;
  const size = 2 ** (32 - outer.prefix);
  return inner.prefix > outer.prefix && Math.floor(inner.base / size) * size === outer.base;
}

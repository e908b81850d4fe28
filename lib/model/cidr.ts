/**
 * IP addresses and address blocks, IPv4 and IPv6, as NetworkPolicy `ipBlock`, Istio `ipBlocks`
 * and the dependency config write them. One helper for every layer: the config validates blocks
 * with it, the constructs derive `except` lists with it, the reachability proof matches with it.
 * Values are BigInts so that both families share one arithmetic.
 */

export type IpFamily = 4 | 6;

/** A parsed address. */
export interface IpAddress {
  readonly family: IpFamily;
  readonly value: bigint;
}

/** A parsed block: `prefix` leading bits of `base` (host bits cleared). */
export interface Cidr {
  readonly family: IpFamily;
  readonly base: bigint;
  readonly prefix: number;
}

const BITS: Readonly<Record<IpFamily, number>> = { 4: 32, 6: 128 };

function parseIPv4Value(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part) || Number(part) > 255) return undefined;
    value = (value << 8n) | BigInt(part);
  }
  return value;
}

function parseIPv6Value(text: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || text.split('::').length > 2) return undefined;
  let tail = text;
  let embedded: bigint | undefined;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) { // a trailing IPv4 part, e.g. ::ffff:10.0.0.1
    embedded = parseIPv4Value(text.slice(lastColon + 1));
    if (embedded === undefined) return undefined;
    tail = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const [head, rest] = tail.split('::');
  const groups = (part: string | undefined): string[] | undefined => (part === undefined || part === '' ? [] : part.split(':'));
  const left = groups(head);
  const right = groups(rest);
  if (!left || !right) return undefined;
  const missing = 8 - left.length - right.length;
  if (rest === undefined ? missing !== 0 : missing < 1) return undefined;
  let value = 0n;
  for (const group of [...left, ...Array<string>(rest === undefined ? 0 : missing).fill('0'), ...right]) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
    value = (value << 16n) | BigInt(`0x${group}`);
  }
  return embedded === undefined ? value : (value & ~0xffffffffn) | embedded;
}

/** An IPv4 (dotted quad) or IPv6 address, or `undefined` when `text` is neither. */
export function parseIp(text: string): IpAddress | undefined {
  if (text.includes(':')) {
    const value = parseIPv6Value(text);
    return value === undefined ? undefined : { family: 6, value };
  }
  const value = parseIPv4Value(text);
  return value === undefined ? undefined : { family: 4, value };
}

/**
 * Parses `a.b.c.d/n` or `x:y::z/n`; a bare address is a single-address block unless
 * `requirePrefix` (NetworkPolicy `ipBlock.cidr` must have one, Istio `ipBlocks` need not).
 * Returns `undefined` when the text is not a block.
 */
export function parseCidr(text: string, requirePrefix: boolean): Cidr | undefined {
  const [address, length, ...rest] = text.split('/');
  if (rest.length > 0 || (requirePrefix && length === undefined)) return undefined;
  const ip = parseIp(address);
  if (!ip) return undefined;
  const bits = BITS[ip.family];
  const prefix = length === undefined ? bits : /^[0-9]{1,3}$/.test(length) ? Number(length) : NaN;
  if (!(prefix >= 0 && prefix <= bits)) return undefined;
  const hostBits = BigInt(bits - prefix);
  return { family: ip.family, base: (ip.value >> hostBits) << hostBits, prefix };
}

/** Whether the address `ip` (text or parsed) lies in `cidr`; addresses of the other family never do. */
export function cidrContains(cidr: Cidr, ip: string | IpAddress): boolean {
  const address = typeof ip === 'string' ? parseIp(ip) : ip;
  if (!address || address.family !== cidr.family) return false;
  const hostBits = BigInt(BITS[cidr.family] - cidr.prefix);
  return (address.value >> hostBits) << hostBits === cidr.base;
}

/** Whether `inner` is a strict sub-block of `outer` (what the API requires of `ipBlock.except`). */
export function cidrStrictlyInside(inner: Cidr, outer: Cidr): boolean {
  return inner.family === outer.family && inner.prefix > outer.prefix && cidrContains(outer, { family: inner.family, value: inner.base });
}

/** Whether two blocks share any address. */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  if (a.family !== b.family) return false;
  return cidrContains(a, { family: b.family, value: b.base }) || cidrContains(b, { family: a.family, value: a.base });
}

/** Canonical text of a block: `10.0.0.0/8`, `fd00:ec2::254/128` (IPv6 with the longest zero run compressed). */
export function formatCidr(cidr: Cidr): string {
  return `${formatIp({ family: cidr.family, value: cidr.base })}/${cidr.prefix}`;
}

/** Canonical text of an address. */
export function formatIp(ip: IpAddress): string {
  if (ip.family === 4) return [24n, 16n, 8n, 0n].map((shift) => String((ip.value >> shift) & 0xffn)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => Number((ip.value >> BigInt(112 - 16 * i)) & 0xffffn));
  let best = { start: -1, length: 1 };
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.length) best = { start: i, length: j - i };
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.start < 0) return hex.join(':');
  return `${hex.slice(0, best.start).join(':')}::${hex.slice(best.start + best.length).join(':')}`;
}

/** The address `offset` after a block's first address, e.g. the first host of a subnet. */
export function addressInBlock(cidr: Cidr, offset: bigint): IpAddress {
  return { family: cidr.family, value: cidr.base + offset };
}

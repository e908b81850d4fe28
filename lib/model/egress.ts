/**
 * Where an external dependency lives, as NetworkPolicy can express it: address blocks, because
 * NetworkPolicy cannot match DNS names. Pure; the config validates with it, the constructs derive
 * `ipBlock`s from it, the reachability model places the dependency's address with it.
 *
 * The EC2 instance metadata service is never reachable, whatever a dependency's blocks say: a
 * block that contains its address gets that address as an `except`, and a block that is nothing
 * but that address is refused.
 */
import { Cidr, cidrContains, cidrsOverlap, formatCidr, parseCidr, parseIp } from './cidr';
import { INSTANCE_METADATA, NON_PUBLIC_IPV4_RANGES } from './cluster';

/** The keyword for "anywhere on the public internet" in a dependency's `cidrs`. */
export const PUBLIC_INTERNET = 'public-internet';

/** One NetworkPolicy `ipBlock`: a block minus the blocks in `except`. */
export interface EgressBlock {
  readonly cidr: string;
  readonly except: readonly string[];
}

const METADATA_BLOCKS = [parseCidr(`${INSTANCE_METADATA.ipv4}/32`, true), parseCidr(`${INSTANCE_METADATA.ipv6}/128`, true)] as Cidr[];

/** Why `text` cannot be one of a dependency's blocks, or undefined when it can. */
export function dependencyCidrProblem(text: string): string | undefined {
  if (text === PUBLIC_INTERNET) return undefined;
  const cidr = parseCidr(text, true);
  if (!cidr) return `not an address block such as 10.20.0.0/24 or ${PUBLIC_INTERNET}`;
  if (formatCidr(cidr) !== text) return `not in canonical form; write ${formatCidr(cidr)}`;
  if (METADATA_BLOCKS.some((m) => m.family === cidr.family && m.prefix === cidr.prefix && m.base === cidr.base)) {
    return 'the EC2 instance metadata address, which no pod may reach';
  }
  return undefined;
}

/**
 * The `ipBlock`s of a dependency's `cidrs` (validated with `dependencyCidrProblem`): the public
 * internet is every IPv4 address outside the private, carrier-grade NAT and link-local ranges;
 * any other block loses the metadata address if it contains it.
 */
export function egressBlocks(cidrs: readonly string[]): EgressBlock[] {
  return cidrs.map((text) => {
    if (text === PUBLIC_INTERNET) return { cidr: '0.0.0.0/0', except: [...NON_PUBLIC_IPV4_RANGES] };
    const cidr = parseCidr(text, true) as Cidr;
    const except = METADATA_BLOCKS.filter((m) => m.family === cidr.family && m.prefix > cidr.prefix && cidrContains(cidr, { family: m.family, value: m.base }));
    return { cidr: text, except: except.map(formatCidr) };
  });
}

/** Whether an address is inside the blocks (minus their exceptions). */
export function egressBlocksContain(blocks: readonly EgressBlock[], address: string): boolean {
  const ip = parseIp(address);
  if (!ip) return false;
  return blocks.some((b) => cidrContains(parseCidr(b.cidr, true) as Cidr, ip)
    && !b.except.some((e) => cidrContains(parseCidr(e, true) as Cidr, ip)));
}

/**
 * Whether two sets of blocks share an address. Exceptions are ignored unless they cover the other
 * block entirely (the public internet's exceptions keep it apart from every private block).
 */
export function egressBlocksOverlap(a: readonly EgressBlock[], b: readonly EgressBlock[]): boolean {
  const parsed = (block: EgressBlock) => ({ cidr: parseCidr(block.cidr, true) as Cidr, except: block.except.map((e) => parseCidr(e, true) as Cidr) });
  const covered = (inner: Cidr, except: readonly Cidr[]) => except.some((e) => e.family === inner.family && e.prefix <= inner.prefix && cidrContains(e, { family: inner.family, value: inner.base }));
  return a.map(parsed).some((x) => b.map(parsed).some((y) => cidrsOverlap(x.cidr, y.cidr) && !covered(y.cidr, x.except) && !covered(x.cidr, y.except)));
}

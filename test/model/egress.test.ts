/** Address blocks: IPv4 and IPv6 arithmetic, and the egress blocks derived from a dependency's cidrs. */
import fc from 'fast-check';
import { cidrContains, cidrsOverlap, cidrStrictlyInside, formatCidr, formatIp, parseCidr, parseIp } from '../../lib/model/cidr';
import { dependencyCidrProblem, egressBlocks, egressBlocksContain, PUBLIC_INTERNET } from '../../lib/model/egress';

describe('cidr', () => {
  test.each([
    ['10.0.0.0/8', '10.255.1.2', true], ['10.0.0.0/8', '11.0.0.1', false], ['0.0.0.0/0', '203.0.113.9', true],
    ['fd00:ec2::254/128', 'fd00:ec2:0:0:0:0:0:254', true], ['fd00::/8', 'fd00:ec2::254', true], ['::/0', '10.0.0.1', false],
    ['2001:db8::/32', '2001:db9::1', false], ['::ffff:10.0.0.0/104', '::ffff:10.1.2.3', true],
  ])('%s contains %s: %s', (block, ip, inside) => {
    expect(cidrContains(parseCidr(block, true)!, ip)).toBe(inside);
  });
  test.each(['10.0.0.0', '10.0.0.0/33', '1.2.3/8', 'fd00::/129', ':::/1', '1::2::3/64', 'g::/8', '01.2.3.4/32'])('%j is not a block', (text) => {
    expect(parseCidr(text, true)).toBeUndefined();
  });
  test('canonical text: host bits cleared, the longest zero run compressed', () => {
    expect(formatCidr(parseCidr('10.1.2.3/16', true)!)).toBe('10.1.0.0/16');
    expect(formatIp(parseIp('fd00:0ec2:0000:0000:0000:0000:0000:0254')!)).toBe('fd00:ec2::254');
    expect(formatIp(parseIp('1:0:0:2:0:0:0:3')!)).toBe('1:0:0:2::3');
  });
  test('property: a block contains every address it formats, and nested blocks overlap', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 31 }), (n, prefix) => {
      const ip = formatIp({ family: 4, value: BigInt(n) });
      const block = parseCidr(`${ip}/${prefix}`, true)!;
      const inner = parseCidr(`${ip}/${prefix + 1}`, true)!;
      expect(cidrContains(block, ip)).toBe(true);
      expect(cidrStrictlyInside(inner, block)).toBe(true);
      expect(cidrsOverlap(block, inner)).toBe(true);
    }), { numRuns: 200 });
  });
});

describe('egress blocks of a dependency', () => {
  test('the public internet is IPv4 minus private, carrier-grade NAT and link-local ranges', () => {
    expect(egressBlocks([PUBLIC_INTERNET])).toEqual([{ cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '169.254.0.0/16'] }]);
  });
  test('the metadata service is excepted from any block that contains it, whatever the declaration says', () => {
    expect(egressBlocks(['169.254.0.0/16', 'fd00:ec2::/64', '10.1.0.0/24'])).toEqual([
      { cidr: '169.254.0.0/16', except: ['169.254.169.254/32'] },
      { cidr: 'fd00:ec2::/64', except: ['fd00:ec2::254/128'] },
      { cidr: '10.1.0.0/24', except: [] },
    ]);
    for (const blocks of [[PUBLIC_INTERNET], ['169.254.0.0/16'], ['0.0.0.0/1', '128.0.0.0/1'], ['fd00::/8']]) {
      expect(egressBlocksContain(egressBlocks(blocks), '169.254.169.254')).toBe(false);
      expect(egressBlocksContain(egressBlocks(blocks), 'fd00:ec2::254')).toBe(false);
    }
    expect(dependencyCidrProblem('169.254.169.254/32')).toMatch(/metadata/);
  });
  test('property: no declared blocks ever contain the metadata addresses', () => {
    const block = fc.tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 31 }))
      .map(([n, prefix]) => formatCidr(parseCidr(`${formatIp({ family: 4, value: BigInt(n) })}/${prefix}`, true)!));
    fc.assert(fc.property(fc.array(block, { minLength: 1, maxLength: 4 }), (cidrs) => {
      expect(egressBlocksContain(egressBlocks(cidrs), '169.254.169.254')).toBe(false);
    }), { numRuns: 300 });
  });
});

import fc from 'fast-check';
import { AllowedEdge, DiagramInfrastructure, DiagramInput, renderDiagram } from '../../lib/render/diagram';
import { EnvironmentConfig } from '../../lib/model/environment';
import { Naming } from '../../lib/model/naming';
import { PAYMENT_SYSTEM, SystemDeclaration } from '../../lib/model/system';
import { testEnvironment } from '../helpers';
import { selectEnvironments } from '../../lib/synth/select-environments';
import { synthesizeEnvironment } from '../../lib/constructs/synthesize-environment';

const INFRA = {
  ingressGateway: 'istio-system/istio-ingressgateway',
  istiod: 'istio-system/istiod',
  kubeDns: 'kube-system/kube-dns',
  prometheus: 'monitoring/prometheus',
  internet: 'internet',
} as const satisfies DiagramInfrastructure;

/**
 * The edges a correct evaluation reports, derived from the declaration (as the reachability
 * evaluator's endpoint ids name them): routes, calls, DNS, istiod and the metrics scrape.
 */
function declaredEdges(system: SystemDeclaration, env: EnvironmentConfig): AllowedEdge[] {
  const n = new Naming(env.suffix);
  const pod = (s: string) => `${n.namespace}/${n.deployment(s)}`;
  const edge = (from: string, to: string, port: number, allowedBy: string[], protocol: 'TCP' | 'UDP' = 'TCP'): AllowedEdge =>
    ({ from, to, port, protocol, allowedBy });
  return [
    ...system.ingress.map((r) => edge(INFRA.ingressGateway, pod(r.service), 8080, [n.networkPolicy(r.service), n.authorizationPolicy(r.service)])),
    ...system.calls.map((c) => edge(pod(c.from), pod(c.to), 8080, [n.networkPolicy(c.from), n.networkPolicy(c.to), n.authorizationPolicy(c.to)])),
    ...system.services.flatMap((s) => [
      edge(pod(s.name), INFRA.kubeDns, 53, [n.networkPolicy(s.name)], 'UDP'),
      edge(pod(s.name), INFRA.kubeDns, 53, [n.networkPolicy(s.name)]),
      edge(pod(s.name), INFRA.istiod, 15012, [n.networkPolicy(s.name)]),
      edge(INFRA.prometheus, pod(s.name), 15020, [n.networkPolicy(s.name)]),
    ]),
  ];
}

function input(system: SystemDeclaration, env: EnvironmentConfig, edges = declaredEdges(system, env)): DiagramInput {
  return { system, environment: env, edges, infrastructure: INFRA };
}

/** The Mermaid block, parsed just enough to check it: node labels by id, links, linkStyle. */
function parseChart(markdown: string) {
  const block = /```mermaid\n([\s\S]*?)\n```/.exec(markdown);
  if (!block) throw new Error('no mermaid block');
  const lines = block[1].split('\n');
  const nodes = new Map<string, string[]>();
  const links: { from: string; to: string; dashed: boolean; label: string[] }[] = [];
  const styled: number[] = [];
  for (const line of lines.slice(1)) {
    const node = /^ {2,4}([A-Za-z][A-Za-z0-9_]*)(\[|\{\{|\(\()"([^"]*)"(\]|\}\}|\)\))$/.exec(line);
    const link = /^ {2}([A-Za-z][A-Za-z0-9_]*) (-->|-\.->)\|"([^"]*)"\| ([A-Za-z][A-Za-z0-9_]*)$/.exec(line);
    const style = /^ {2}linkStyle ([0-9,]+) stroke:#d22,stroke-width:2px$/.exec(line);
    if (node) nodes.set(node[1], node[3].split('<br/>'));
    else if (link) links.push({ from: link[1], to: link[4], dashed: link[2] === '-.->', label: link[3].split('<br/>') });
    else if (style) styled.push(...style[1].split(',').map(Number));
    else if (!/^ {2}subgraph [A-Za-z][A-Za-z0-9_]*\["[^"]*"\]$/.test(line) && line !== '  end') throw new Error(`unexpected Mermaid line: ${line}`);
  }
  const title = (id: string) => nodes.get(id)?.[0] ?? `<undefined node ${id}>`;
  return { lines, nodes, links, styled, edges: links.map((l) => ({ ...l, from: title(l.from), to: title(l.to) })) };
}

const configured = selectEnvironments({}).environments;

describe.each(configured.map((env) => [env.suffix, env] as const))('diagram of %s', (suffix, env) => {
  const markdown = renderDiagram(input(PAYMENT_SYSTEM, env));
  const chart = parseChart(markdown);
  const n = new Naming(suffix);

  test('a title and one Mermaid flowchart LR', () => {
    expect(markdown.split('\n')[0]).toBe(`# payment-system: ${suffix}`);
    expect(chart.lines[0]).toBe('flowchart LR');
  });

  test('every service with its Deployment, Service and HPA bounds, inside the namespace subgraph', () => {
    const block = chart.lines.join('\n');
    const subgraph = block.slice(block.indexOf(`"${n.namespace}"`), block.indexOf('  end'));
    for (const s of PAYMENT_SYSTEM.services) {
      expect([...chart.nodes.values()]).toContainEqual([
        s.name, `Deployment ${n.deployment(s.name)}`, `Service ${n.service(s.name)}`,
        `HPA ${n.hpa(s.name)}: ${env.minReplicas} to ${env.maxReplicas} replicas`,
      ]);
      expect(subgraph).toContain(`"${s.name}<br/>`);
    }
  });

  test('every declared call is an edge on 8080/TCP with the policies that allow it', () => {
    for (const c of PAYMENT_SYSTEM.calls) {
      expect(chart.edges).toContainEqual({
        from: c.from, to: c.to, dashed: false,
        label: ['8080/TCP', ...[n.authorizationPolicy(c.to), n.networkPolicy(c.from), n.networkPolicy(c.to)].sort()],
      });
      expect(markdown).toContain(`| \`${c.from}\` | \`${c.to}\` | 8080/TCP | `);
    }
  });

  test('the internet reaches the gateway by the route; the gateway reaches the routed service', () => {
    const gateway = [...chart.nodes.entries()].find(([, label]) => label[0] === 'Istio ingress gateway');
    expect(gateway?.[1]).toEqual(['Istio ingress gateway', `Gateway payment-system-gateway-${suffix}`, `VirtualService payment-system-routes-${suffix}`]);
    expect(chart.edges).toContainEqual({ from: 'Internet', to: 'Istio ingress gateway', dashed: false, label: ['HTTP, host *', '/api/payment (GET, POST) to payment-api'] });
    expect(chart.edges).toContainEqual(expect.objectContaining({ from: 'Istio ingress gateway', to: 'payment-api', label: ['8080/TCP', n.authorizationPolicy('payment-api'), n.networkPolicy('payment-api')] }));
  });

  test('DNS (UDP and TCP), istiod and the Prometheus scrape, each with its NetworkPolicy', () => {
    for (const s of PAYMENT_SYSTEM.services) {
      expect(chart.edges).toContainEqual(expect.objectContaining({ from: s.name, to: 'kube-dns', label: ['53/TCP, 53/UDP', n.networkPolicy(s.name)] }));
      expect(chart.edges).toContainEqual(expect.objectContaining({ from: s.name, to: 'istiod', label: ['15012/TCP', n.networkPolicy(s.name)] }));
      expect(chart.edges).toContainEqual(expect.objectContaining({ from: 'Prometheus', to: s.name, label: ['15020/TCP', n.networkPolicy(s.name)] }));
    }
    expect(chart.lines).toContain('  subgraph ns_monitoring["monitoring"]');
  });

  test('nothing is drawn as blocked when every declared connection is allowed', () => {
    expect(chart.links.filter((l) => l.dashed)).toEqual([]);
    expect(chart.styled).toEqual([]);
  });
});

describe('derived from the inputs, never hard-coded', () => {
  const env = testEnvironment('qa', { gatewayHost: 'pay.example.com', minReplicas: 4, maxReplicas: 12 });
  const count8080 = (md: string) => parseChart(md).edges.filter((e) => e.label[0] === '8080/TCP').length;

  test('an extra declared call shows up as an extra edge', () => {
    const extended: SystemDeclaration = { ...PAYMENT_SYSTEM, calls: [...PAYMENT_SYSTEM.calls, { from: 'notification-service', to: 'payment-api' }] };
    const before = renderDiagram(input(PAYMENT_SYSTEM, env));
    const after = renderDiagram(input(extended, env));
    expect(count8080(after)).toBe(count8080(before) + 1);
    expect(parseChart(after).edges).toContainEqual(expect.objectContaining({ from: 'notification-service', to: 'payment-api', dashed: false }));
    expect(parseChart(before).edges).not.toContainEqual(expect.objectContaining({ from: 'notification-service', to: 'payment-api' }));
  });

  test('host and replica bounds come from the environment', () => {
    const md = renderDiagram(input(PAYMENT_SYSTEM, env));
    expect(md).toContain('HTTP, host pay.example.com');
    expect(md).toContain('HPA payment-api-hpa-qa: 4 to 12 replicas');
  });

  test('a declared call the policies do not allow is drawn dashed, styled red and tabled as NOT allowed', () => {
    const edges = declaredEdges(PAYMENT_SYSTEM, env).filter((e) => !(e.from.includes('fraud-detector') && e.to.includes('notification-service')));
    const md = renderDiagram(input(PAYMENT_SYSTEM, env, edges));
    const chart = parseChart(md);
    const blocked = chart.edges.findIndex((e) => e.dashed);
    expect(chart.edges[blocked]).toEqual({ from: 'fraud-detector', to: 'notification-service', dashed: true, label: ['8080/TCP', 'declared, NOT allowed'] });
    expect(chart.styled).toEqual([blocked]);
    expect(md).toContain('| `fraud-detector` | `notification-service` | 8080/TCP | **NOT allowed**');
  });

  test('an allowed connection nobody declared is drawn too (the picture shows what policies allow)', () => {
    const extra: AllowedEdge = { from: 'other-ns/debug-pod', to: 'microservices-qa/payment-api-qa', port: 9090, protocol: 'TCP', allowedBy: ['too-open'] };
    const chart = parseChart(renderDiagram(input(PAYMENT_SYSTEM, env, [...declaredEdges(PAYMENT_SYSTEM, env), extra])));
    expect(chart.edges).toContainEqual({ from: 'other-ns/debug-pod', to: 'payment-api', dashed: false, label: ['9090/TCP', 'too-open'] });
    expect(chart.lines).toContain('  subgraph ns_other_ns["other-ns"]');
  });
});

test('deterministic: the same edges in any order give byte-identical output', () => {
  const env = configured[0];
  // Two endpoints whose ids slug alike: which gets the `_2` id must not depend on the order.
  const alike = ['a-b/c', 'a/b-c'].map((from): AllowedEdge => ({ from, to: INFRA.kubeDns, port: 53, protocol: 'UDP', allowedBy: [] }));
  const edges = [...declaredEdges(PAYMENT_SYSTEM, env), ...alike];
  const expected = renderDiagram(input(PAYMENT_SYSTEM, env, edges));
  expect(renderDiagram(input(PAYMENT_SYSTEM, env, edges))).toBe(expected);
  fc.assert(fc.property(fc.shuffledSubarray(edges, { minLength: edges.length }), (shuffled) => {
    expect(renderDiagram(input(PAYMENT_SYSTEM, env, shuffled))).toBe(expected);
  }), { numRuns: 20 });
});

test('valid Mermaid for hostile endpoint ids, policy names and routes: safe unique ids, escaped quoted labels', () => {
  const env = configured[0];
  const text = fc.string({ unit: fc.constantFrom('a', '-', '/', '"', '#', '|', '<', '>', '&', '`', ' ', 'end', ';', '[', '}') , maxLength: 12 });
  fc.assert(fc.property(fc.array(fc.record({ from: text, to: text, policy: text }), { maxLength: 6 }), text, (raw, prefix) => {
    const system: SystemDeclaration = { ...PAYMENT_SYSTEM, ingress: [{ service: 'payment-api', pathPrefix: `/${prefix}`, methods: ['GET'] }] };
    const edges = raw.map((r): AllowedEdge => ({ from: r.from, to: r.to, port: 8080, protocol: 'TCP', allowedBy: [r.policy] }));
    const chart = parseChart(renderDiagram(input(system, env, edges))); // throws on any line outside the expected grammar
    const ids = chart.lines.map((l) => /^ {2,4}(?:subgraph )?([A-Za-z][A-Za-z0-9_]*)[[{(]/.exec(l)?.[1]).filter((id) => id !== undefined);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).not.toContain('end');
    for (const l of chart.links) expect(chart.nodes.has(l.from) && chart.nodes.has(l.to)).toBe(true);
    // Only entity codes and the line breaks we insert: no raw character HTML or Mermaid would read.
    for (const line of [...chart.nodes.values(), ...chart.links.map((l) => l.label)].flat()) expect(line).toMatch(/^[^"<>&|]*$/);
    // Every distinct endpoint is its own node: no two ids collapse onto one.
    const endpoints = new Set(edges.flatMap((e) => [e.from, e.to]).filter((e) => !(Object.values(INFRA) as string[]).includes(e)));
    expect(chart.nodes.size).toBeGreaterThanOrEqual(endpoints.size);
  }), { numRuns: 60 });
});

test('the names drawn are the names the chart synthesizes', () => {
  const env = testEnvironment('qa');
  const names = new Set(synthesizeEnvironment(env).map((o) => `${o.kind}/${o.metadata.name}`));
  const chart = parseChart(renderDiagram(input(PAYMENT_SYSTEM, env)));
  const drawn = [...chart.nodes.values(), ...chart.links.map((l) => l.label)].flat()
    .map((line) => /^(Deployment|Service|Gateway|VirtualService|HPA) ([a-z0-9-]+)/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map(([, kind, name]) => `${kind === 'HPA' ? 'HorizontalPodAutoscaler' : kind}/${name}`);
  expect(drawn.length).toBe(3 * PAYMENT_SYSTEM.services.length + 2);
  for (const ref of drawn) expect(names).toContain(ref);
  const policies = [...new Set(chart.edges.filter((e) => e.from !== 'Internet').flatMap((e) => e.label.slice(1)))];
  expect(policies.length).toBe(2 * PAYMENT_SYSTEM.services.length);
  for (const policy of policies) {
    expect([`NetworkPolicy/${policy}`, `AuthorizationPolicy/${policy}`].some((ref) => names.has(ref))).toBe(true);
  }
});

/**
 * The diagram of an environment: a narrow top-down picture of the way in, the services, their
 * calls and dependencies, and tables with the details. Everything in it comes from the inputs.
 */
import fc from 'fast-check';
import { AllowedEdge, DiagramInfrastructure, DiagramInput, renderDiagram } from '../../lib/render/diagram';
import { EnvironmentConfig } from '../../lib/model/environment';
import { Naming } from '../../lib/model/naming';
import { PAYMENT_SYSTEM, SystemDeclaration } from '../../lib/model/system';
import { TEST_EDGE, testEnvironment } from '../helpers';
import { selectEnvironments } from '../../lib/synth/select-environments';

const INFRA: DiagramInfrastructure = {
  ingressGateway: 'istio-system/istio-ingressgateway',
  istiod: 'istio-system/istiod',
  kubeDns: 'kube-system/kube-dns',
  prometheus: 'monitoring/prometheus',
  internet: 'internet',
  dependencies: { 'payments-db': 'external/payments-db', 'notification-provider': 'internet' },
};

/** The edges a correct evaluation reports, derived from the declaration as the reachability model names endpoints. */
function declaredEdges(system: SystemDeclaration, env: EnvironmentConfig): AllowedEdge[] {
  const n = new Naming(env.suffix);
  const pod = (s: string) => `${n.namespace}/${n.deployment(s)}`;
  const edge = (from: string, to: string, port: number, allowedBy: string[], protocol: 'TCP' | 'UDP' = 'TCP'): AllowedEdge =>
    ({ from, to, port, protocol, allowedBy });
  return [
    ...system.ingress.map((r) => edge(INFRA.ingressGateway, pod(r.service), 8080, [n.networkPolicy(r.service), n.authorizationPolicy(r.service)])),
    ...system.calls.map((c) => edge(pod(c.from), pod(c.to), 8080, [n.networkPolicy(c.from), n.networkPolicy(c.to), n.authorizationPolicy(c.to)])),
    ...system.dependencies.flatMap((d) => d.callers.map((c) => edge(pod(c), INFRA.dependencies[d.name] ?? 'internet', d.port, [n.networkPolicy(c), n.sidecar(c)]))),
    ...system.services.flatMap((s) => [
      edge(pod(s.name), INFRA.kubeDns, 53, [n.networkPolicy(s.name)], 'UDP'),
      edge(pod(s.name), INFRA.kubeDns, 53, [n.networkPolicy(s.name), n.sidecar(s.name)]),
      edge(pod(s.name), INFRA.istiod, 15012, [n.networkPolicy(s.name), n.sidecar(s.name)]),
      edge(INFRA.prometheus, pod(s.name), 15020, [n.networkPolicy(s.name)]),
    ]),
  ];
}

function input(system: SystemDeclaration, env: EnvironmentConfig, edges = declaredEdges(system, env)): DiagramInput {
  return { system, environment: env, edges, infrastructure: INFRA };
}

/** The Mermaid block, parsed just enough to check it (throws on any line outside the grammar we write). */
function parseChart(markdown: string) {
  const block = /```mermaid\n([\s\S]*?)\n```/.exec(markdown);
  if (!block) throw new Error('no mermaid block');
  const lines = block[1].split('\n');
  const nodes = new Map<string, string[]>();
  const links: { from: string; to: string; dashed: boolean; label: string[] }[] = [];
  const styled: number[] = [];
  for (const line of lines.slice(1)) {
    const node = /^ {2,4}([A-Za-z][A-Za-z0-9_]*)(\[\(|\[|\{\{|\(\()"([^"]*)"(\)\]|\]|\}\}|\)\))$/.exec(line);
    const link = /^ {2}([A-Za-z][A-Za-z0-9_]*) (-->|-\.->|-\.-)\|"([^"]*)"\| ([A-Za-z][A-Za-z0-9_]*)$/.exec(line);
    const style = /^ {2}linkStyle ([0-9,]+) stroke:#d22,stroke-width:2px$/.exec(line);
    if (node) nodes.set(node[1], node[3].split('<br/>'));
    else if (link) links.push({ from: link[1], to: link[4], dashed: link[2] !== '-->', label: link[3].split('<br/>') });
    else if (style) styled.push(...style[1].split(',').map(Number));
    else if (!/^ {2}subgraph [A-Za-z][A-Za-z0-9_]*\["[^"]*"\]$/.test(line) && line !== '  end') throw new Error(`unexpected Mermaid line: ${line}`);
  }
  const title = (id: string) => nodes.get(id)?.[0] ?? id;
  return { lines, nodes, links, styled, edges: links.map((l) => ({ ...l, from: title(l.from), to: title(l.to) })) };
}

const configured = selectEnvironments({}).environments;

describe.each(configured.map((env) => [env.suffix, env] as const))('diagram of %s', (suffix, env) => {
  const markdown = renderDiagram(input(PAYMENT_SYSTEM, env));
  const chart = parseChart(markdown);
  const n = new Naming(suffix);

  test('a title and one top-down Mermaid flowchart with short labels, so it reads at page width', () => {
    expect(markdown.split('\n')[0]).toBe(`# payment-system: ${suffix}`);
    expect(chart.lines[0]).toBe('flowchart TB');
    for (const label of [...chart.nodes.values(), ...chart.links.map((l) => l.label)]) {
      expect(label).toHaveLength(1);
      expect(label[0].length).toBeLessThanOrEqual(30);
    }
    // A narrow picture: the services, their dependencies, the users, the gateway and one platform node; nothing else.
    expect(chart.nodes.size).toBeLessThanOrEqual(3 + PAYMENT_SYSTEM.services.length + PAYMENT_SYSTEM.dependencies.length);
  });

  test('the way in, the calls and the dependencies are drawn, none blocked; the platform is one link', () => {
    expect(chart.edges).toContainEqual({ from: 'Internet users', to: 'ingress gateway', dashed: false, label: [`${env.tls ? 'HTTPS' : 'HTTP'}${env.jwt ? ' + JWT' : ''}`] });
    expect(chart.edges).toContainEqual({ from: 'ingress gateway', to: 'payment-api', dashed: false, label: ['/api/payment'] });
    for (const c of PAYMENT_SYSTEM.calls) expect(chart.edges).toContainEqual({ from: c.from, to: c.to, dashed: false, label: ['8080'] });
    expect(chart.edges).toContainEqual({ from: 'payment-api', to: 'payments-db', dashed: false, label: ['5432 TCP'] });
    expect(chart.edges).toContainEqual({ from: 'notification-service', to: 'notification-provider', dashed: false, label: ['443 HTTPS'] });
    expect(chart.edges).toContainEqual({ from: 'ns', to: 'kube-dns, istiod, Prometheus', dashed: true, label: ['53/TCP, 53/UDP, 15012/TCP'] });
    expect(chart.styled).toEqual([]);
  });

  test('the tables name every object, the edge as configured, and each allowed connection with its policies', () => {
    for (const s of PAYMENT_SYSTEM.services) expect(markdown).toContain(`| \`${s.name}\` | ${s.description} | \`${n.deployment(s.name)}\` | \`${n.service(s.name)}\` | ${env.minReplicas} to ${env.maxReplicas} (\`${n.hpa(s.name)}\`) |`);
    for (const d of PAYMENT_SYSTEM.dependencies) expect(markdown).toContain(`| \`${d.name}\` | ${d.description} | ${d.port} ${d.protocol} | \`${env.dependencies[d.name].host}\` |`);
    expect(markdown).toContain(env.jwt ? `a token from \`${env.jwt.issuer}\`` : 'anyone: no end-user authentication');
    expect(markdown).toContain(`| \`payment-api\` | \`fraud-detector\` | 8080/TCP | \`${n.authorizationPolicy('fraud-detector')}\`, \`${n.networkPolicy('fraud-detector')}\`, \`${n.networkPolicy('payment-api')}\` |`);
  });
});

describe('derived from the inputs, never hard-coded', () => {
  const env = testEnvironment('qa', { ...TEST_EDGE, minReplicas: 4, maxReplicas: 12 });

  test('an extra declared call shows up as an extra link', () => {
    const extended: SystemDeclaration = { ...PAYMENT_SYSTEM, calls: [...PAYMENT_SYSTEM.calls, { from: 'notification-service', to: 'payment-api' }] };
    expect(parseChart(renderDiagram(input(extended, env))).edges).toContainEqual({ from: 'notification-service', to: 'payment-api', dashed: false, label: ['8080'] });
    expect(parseChart(renderDiagram(input(PAYMENT_SYSTEM, env))).edges).not.toContainEqual(expect.objectContaining({ from: 'notification-service', to: 'payment-api' }));
  });

  test('host, certificate, issuer and replica bounds come from the environment', () => {
    const md = renderDiagram(input(PAYMENT_SYSTEM, env));
    expect(md).toContain('| `payments.test.example.com` | HTTPS on 443');
    expect(md).toContain('from ClusterIssuer `letsencrypt-test`');
    expect(md).toContain('4 to 12 (`payment-api-hpa-qa`)');
  });

  test('a declared call or dependency the policies do not allow is drawn dashed and styled red', () => {
    const edges = declaredEdges(PAYMENT_SYSTEM, env).filter((e) => !(e.from.includes('fraud-detector') && e.to.includes('notification-service')) && e.to !== 'external/payments-db');
    const chart = parseChart(renderDiagram(input(PAYMENT_SYSTEM, env, edges)));
    const blocked = chart.edges.flatMap((e, i) => (e.dashed && e.to !== 'kube-dns, istiod, Prometheus' && e.from !== 'kube-dns, istiod, Prometheus' ? [i] : []));
    expect(blocked.map((i) => `${chart.edges[i].from} -> ${chart.edges[i].to}`)).toEqual(['fraud-detector -> notification-service', 'payment-api -> payments-db']);
    expect(chart.styled).toEqual(blocked);
  });

  test('an allowed connection between drawn nodes that nothing declares is drawn red as NOT declared', () => {
    const extra: AllowedEdge = { from: 'microservices-qa/notification-service-qa', to: 'microservices-qa/payment-api-qa', port: 8080, protocol: 'TCP', allowedBy: ['too-open'] };
    const chart = parseChart(renderDiagram(input(PAYMENT_SYSTEM, env, [...declaredEdges(PAYMENT_SYSTEM, env), extra])));
    const index = chart.edges.findIndex((e) => e.from === 'notification-service' && e.to === 'payment-api');
    expect(chart.edges[index]).toEqual({ from: 'notification-service', to: 'payment-api', dashed: true, label: ['8080/TCP NOT declared'] });
    expect(chart.styled).toEqual([index]);
  });
});

test('deterministic: the same edges in any order give byte-identical output', () => {
  const env = configured[0];
  const edges = declaredEdges(PAYMENT_SYSTEM, env);
  const expected = renderDiagram(input(PAYMENT_SYSTEM, env, edges));
  fc.assert(fc.property(fc.shuffledSubarray(edges, { minLength: edges.length }), (shuffled) => {
    expect(renderDiagram(input(PAYMENT_SYSTEM, env, shuffled))).toBe(expected);
  }), { numRuns: 20 });
});

test('valid Mermaid for hostile paths, descriptions and policy names: escaped quoted labels, pipes escaped in tables', () => {
  const env = configured[0];
  const text = fc.string({ unit: fc.constantFrom('a', '-', '/', '"', '#', '|', '<', '>', '&', '`', ' ', 'end', ';', '[', '}'), maxLength: 12 });
  fc.assert(fc.property(text, text, text, (prefix, description, policy) => {
    const system: SystemDeclaration = {
      ...PAYMENT_SYSTEM,
      services: PAYMENT_SYSTEM.services.map((s) => ({ ...s, description })),
      ingress: [{ service: 'payment-api', pathPrefix: `/${prefix}`, methods: ['GET'] }],
    };
    const edges = declaredEdges(system, env).map((e) => ({ ...e, allowedBy: [...e.allowedBy, policy] }));
    const md = renderDiagram(input(system, env, edges));
    const chart = parseChart(md); // throws on any line outside the grammar
    for (const line of [...chart.nodes.values(), ...chart.links.map((l) => l.label)].flat()) expect(line).toMatch(/^[^"<>&|]*$/);
    // Every row of a table has as many cells as its header: no pipe in a value breaks a row.
    const cells = (row: string) => row.split(/(?<!\\)\|/).length;
    const tables = md.split(/\n(?!\| )/).map((chunk) => chunk.split('\n').filter((l) => l.startsWith('| '))).filter((rows) => rows.length > 0);
    for (const rows of tables) expect(rows.map(cells)).toEqual(rows.map(() => cells(rows[0])));
  }), { numRuns: 40 });
});

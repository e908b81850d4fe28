/**
 * A picture of one environment for `diagrams/<suffix>.md`: a top-down Mermaid flowchart (GitHub
 * renders it) of the way in (internet users, the edge, the ingress gateway), the services and their
 * calls, the external dependencies, and the platform every proxy needs; then the details the
 * picture leaves out, as tables: the edge and what the proof's requests got, the services, the
 * dependencies, and every allowed connection with the policies that allow it.
 *
 * The picture stays narrow (short labels, one link from the namespace to the platform instead of
 * three per service) so that it is readable at page width. The connections are an input (the
 * reachability proof's result), so the picture shows what the policies actually allow; a
 * declared route, call or dependency they do not allow is drawn dashed and red as NOT allowed.
 */
import type { EdgeResult, InfrastructureIds, ProbeResult } from '../checks/reachability';
import { egressBlocks } from '../model/egress';
import { EnvironmentConfig } from '../model/environment';
import { Naming } from '../model/naming';
import { SERVICE_PORT, SystemDeclaration } from '../model/system';
import { compareText } from '../model/text';

/** One allowed connection and the policies that allow it. */
export interface AllowedEdge {
  /** Source endpoint id, e.g. `microservices-dev/payment-api-dev` or `kube-system/kube-dns`. */
  readonly from: string;
  /** Destination endpoint id, named like `from`. */
  readonly to: string;
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP';
  /** Names of the policies that allow the connection (NetworkPolicies, Sidecar, AuthorizationPolicy). */
  readonly allowedBy: readonly string[];
}

/** Endpoint ids of the cluster and the world around it, as the reachability model names them. */
export type DiagramInfrastructure = Pick<InfrastructureIds, 'ingressGateway' | 'istiod' | 'kubeDns' | 'prometheus' | 'internet' | 'dependencies'>;

/** Everything `renderDiagram` draws. */
export interface DiagramInput {
  readonly system: SystemDeclaration;
  readonly environment: EnvironmentConfig;
  /** Allowed connections, in any order (the output is sorted). */
  readonly edges: readonly AllowedEdge[];
  readonly infrastructure: DiagramInfrastructure;
  /** What the edge proof's requests got. @default none listed */
  readonly edgeResults?: readonly EdgeResult[];
}

/** Mermaid ids: letters, digits and `_`. */
function mermaidId(prefix: string, name: string): string {
  return `${prefix}${name.replace(/[^A-Za-z0-9]+/g, '_')}`;
}

/** Text inside a quoted Mermaid label: entity codes for the characters Mermaid or HTML would read. */
function mermaidText(text: string): string {
  const codes: Record<string, string> = { '#': '#35;', '"': '#34;', '&': '#38;', '<': '#60;', '>': '#62;', '|': '#124;' };
  return text.replace(/[#"&<>|]/g, (c) => codes[c]);
}

function label(lines: readonly string[]): string {
  return `"${lines.map(mermaidText).join('<br/>')}"`;
}

/** An identifier as Markdown table cell content: code span, pipes escaped as GFM tables need. */
function code(text: string): string {
  return `\`${text.replace(/\|/g, '\\|')}\``;
}

/** Plain table cell text: pipes escaped. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

/** A drawn link: one per pair of nodes, ports joined. */
interface Link {
  readonly from: string;
  readonly to: string;
  readonly text: string;
  readonly blocked: boolean;
}

/** The Mermaid flowchart of one environment. */
function flowchart(input: DiagramInput, naming: Naming): string[] {
  const { system, environment: env, edges, infrastructure: infra } = input;
  const pod = (service: string) => `${naming.namespace}/${naming.deployment(service)}`;
  const serviceNode = new Map(system.services.map((s) => [pod(s.name), mermaidId('svc_', s.name)]));
  const allowed = (from: string, to: string, port: number) => edges.some((e) => e.from === from && e.to === to && e.port === port && e.protocol === 'TCP');
  const links: Link[] = [];

  const scheme = env.tls ? 'HTTPS' : 'HTTP';
  links.push({ from: 'users', to: 'gateway', text: `${scheme}${env.jwt ? ' + JWT' : ''}`, blocked: false });
  for (const route of system.ingress) {
    links.push({ from: 'gateway', to: mermaidId('svc_', route.service), text: route.pathPrefix, blocked: !allowed(infra.ingressGateway, pod(route.service), SERVICE_PORT) });
  }
  for (const call of system.calls) {
    links.push({ from: mermaidId('svc_', call.from), to: mermaidId('svc_', call.to), text: String(SERVICE_PORT), blocked: !allowed(pod(call.from), pod(call.to), SERVICE_PORT) });
  }
  for (const dependency of system.dependencies) {
    for (const caller of dependency.callers) {
      const at = infra.dependencies[dependency.name];
      links.push({
        from: mermaidId('svc_', caller), to: mermaidId('dep_', dependency.name), text: `${dependency.port} ${dependency.protocol}`,
        blocked: at === undefined || !allowed(pod(caller), at, dependency.port),
      });
    }
  }
  // Allowed connections between drawn nodes that nothing declares: the policies are too open.
  const nodeOf = new Map<string, string>([...serviceNode, [infra.ingressGateway, 'gateway']]);
  for (const d of system.dependencies) {
    const at = infra.dependencies[d.name];
    if (at !== undefined && !nodeOf.has(at)) nodeOf.set(at, mermaidId('dep_', d.name));
  }
  const drawn = new Set(links.map((l) => `${l.from} ${l.to}`));
  for (const e of [...edges].sort((a, b) => compareText(a.from, b.from) || compareText(a.to, b.to) || a.port - b.port)) {
    const [from, to] = [nodeOf.get(e.from), nodeOf.get(e.to)];
    if (from === undefined || to === undefined || drawn.has(`${from} ${to}`)) continue;
    links.push({ from, to, text: `${e.port}/${e.protocol} NOT declared`, blocked: true });
    drawn.add(`${from} ${to}`);
  }
  // The platform: one link from the namespace, labelled with what every service may reach.
  const platform = [infra.kubeDns, infra.istiod];
  const platformPorts = [...new Set(edges.filter((e) => serviceNode.has(e.from) && platform.includes(e.to)).map((e) => `${e.port}/${e.protocol}`))]
    .sort((a, b) => parseInt(a, 10) - parseInt(b, 10) || compareText(a, b));
  const scraped = edges.some((e) => e.from === infra.prometheus && serviceNode.has(e.to));

  const chart = [
    'flowchart TB',
    `  users(("Internet users"))`,
    `  subgraph istio_system["istio-system"]`,
    `    gateway{{${label(['ingress gateway'])}}}`,
    '  end',
    `  subgraph ns[${label([naming.namespace])}]`,
    ...system.services.map((s) => `    ${mermaidId('svc_', s.name)}[${label([s.name])}]`),
    '  end',
  ];
  if (system.dependencies.length > 0) {
    chart.push(`  subgraph outside["outside the cluster"]`);
    for (const d of system.dependencies) {
      const node = d.protocol === 'TCP' ? `[(${label([d.name])})]` : `[${label([d.name])}]`;
      chart.push(`    ${mermaidId('dep_', d.name)}${node}`);
    }
    chart.push('  end');
  }
  chart.push(`  platform[${label(['kube-dns, istiod, Prometheus'])}]`);
  const lines = links.map((l) => `  ${l.from} ${l.blocked ? '-.->' : '-->'}|${label([l.text])}| ${l.to}`);
  if (platformPorts.length > 0) lines.push(`  ns -.-|${label([platformPorts.join(', ')])}| platform`);
  if (scraped) lines.push(`  platform -.->|${label(['scrape 15020'])}| ns`);
  chart.push(...lines);
  const blocked = links.flatMap((l, i) => (l.blocked ? [i] : []));
  if (blocked.length > 0) chart.push(`  linkStyle ${blocked.join(',')} stroke:#d22,stroke-width:2px`);
  return chart;
}

/** Names of endpoints in the connections table: services by name, the rest by role or id. */
function endpointTitle(id: string, input: DiagramInput, naming: Naming): string {
  const service = input.system.services.find((s) => id === `${naming.namespace}/${naming.deployment(s.name)}`);
  if (service) return service.name;
  const infra = input.infrastructure;
  const roles: Record<string, string> = {
    [infra.ingressGateway]: 'ingress gateway', [infra.istiod]: 'istiod', [infra.kubeDns]: 'kube-dns', [infra.prometheus]: 'Prometheus',
  };
  const dependencies = Object.entries(infra.dependencies).filter(([, at]) => at === id).map(([name]) => name);
  if (dependencies.length > 0) return `${dependencies.join(', ')} (${id})`;
  return roles[id] ?? id;
}

/** The edge: what the gateway serves, with what certificate and which end users it lets in. */
function edgeSection(input: DiagramInput, naming: Naming): string[] {
  const { system, environment: env } = input;
  const certificate = !env.tls ? 'none: plain HTTP (allowPlainHttp)'
    : env.tls.clusterIssuer !== undefined
      ? `cert-manager Certificate ${code(naming.tlsCertificate(system.name))} in istio-system, from ClusterIssuer ${code(env.tls.clusterIssuer)}`
      : `Secret ${code(env.tls.existingSecret as string)} in istio-system, provided by the platform`;
  const users = env.jwt
    ? `a token from ${code(env.jwt.issuer)} for ${env.jwt.audiences.map(code).join(', ')} (RequestAuthentication ${system.ingress.map((r) => code(naming.requestAuthentication(r.service))).join(', ')})`
    : 'anyone: no end-user authentication';
  const lines = [
    '## The edge',
    '',
    ...table(['Host', 'Scheme', 'Certificate', 'Who may call', 'Routes'], [[
      env.gatewayHost ? code(env.gatewayHost) : 'any host (`*`)',
      env.tls ? 'HTTPS on 443 (TLS 1.2 or later, HSTS); port 80 redirects' : 'HTTP on 80',
      certificate,
      users,
      system.ingress.map((r) => `${code(r.pathPrefix)} (${r.methods.join(', ')}) to ${code(r.service)}`).join('<br/>'),
    ]]),
  ];
  if (input.edgeResults && input.edgeResults.length > 0) {
    lines.push('', 'What the proof\'s requests got:', '', ...table(['Request', 'Sent', 'Outcome', 'Why'], input.edgeResults.map((r) => [
      cell(r.request.label), code(`${r.request.method} ${r.request.scheme}://${r.request.host}${r.request.path}`), r.outcome, cell(r.reason),
    ])));
  }
  return lines;
}

/** The Markdown file of one environment. Same input, byte-identical output. */
export function renderDiagram(input: DiagramInput): string {
  const { system, environment: env } = input;
  const naming = new Naming(env.suffix);
  const services = table(['Service', 'What it does', 'Deployment', 'Service', 'Replicas (HPA)'], system.services.map((s) => [
    code(s.name), cell(s.description), code(naming.deployment(s.name)), code(naming.service(s.name)),
    `${env.minReplicas} to ${env.maxReplicas} (${code(naming.hpa(s.name))})`,
  ]));
  const dependencies = table(['Dependency', 'What it is', 'Port', 'Host', 'Addresses', 'Called by', 'ServiceEntry'], system.dependencies.map((d) => {
    const address = env.dependencies[d.name];
    const blocks = egressBlocks(address.cidrs).map((b) => `${b.cidr}${b.except.length > 0 ? ` except ${b.except.join(', ')}` : ''}`);
    return [code(d.name), cell(d.description), `${d.port} ${d.protocol}`, code(address.host), blocks.map(code).join('<br/>'),
      d.callers.map(code).join(', '), code(naming.serviceEntry(d.name))];
  }));
  const connections = [...input.edges]
    .map((e) => ({ from: endpointTitle(e.from, input, naming), to: endpointTitle(e.to, input, naming), e }))
    .sort((a, b) => compareText(a.from, b.from) || compareText(a.to, b.to) || a.e.port - b.e.port || compareText(a.e.protocol, b.e.protocol))
    .map(({ from, to, e }) => [code(from), code(to), `${e.port}/${e.protocol}`, [...new Set(e.allowedBy)].sort(compareText).map(code).join(', ') || 'none named']);
  const callers = new Set(system.dependencies.flatMap((d) => d.callers));
  const unreached = system.services.filter((s) => !callers.has(s.name)).map((s) => s.name);

  return [
    `# ${system.name}: ${env.suffix}`,
    '',
    `Generated by \`npm run synth\` from the declaration and the reachability proof; do not edit. Each arrow`,
    'is a connection the policies allow; a declared one they do not allow is dashed and red. The tables',
    'below hold the details.',
    '',
    '```mermaid',
    ...flowchart(input, naming),
    '```',
    '',
    ...edgeSection(input, naming),
    '',
    '## Services',
    '',
    ...services,
    '',
    '## External dependencies',
    '',
    system.dependencies.length === 0 ? 'None declared: nothing in the namespace may leave the cluster.'
      : `Only their callers may reach them${unreached.length > 0 ? ` (${unreached.map(code).join(', ')} reach${unreached.length === 1 ? 'es' : ''} nothing outside)` : ''}; the EC2 instance metadata address is always excepted.`,
    ...(system.dependencies.length === 0 ? [] : ['', ...dependencies]),
    '',
    '## Allowed connections',
    '',
    ...table(['From', 'To', 'Port', 'Allowed by'], connections),
    '',
  ].join('\n');
}

/** The allowed connections of a reachability evaluation, with every policy that let each through. */
export function allowedEdges(results: readonly ProbeResult[]): AllowedEdge[] {
  return results.filter((r) => r.allowed).map((r) => ({
    ...r.connection,
    allowedBy: [
      ...(r.network.egress?.allowedBy ?? []),
      ...(r.network.ingress?.allowedBy ?? []),
      ...(r.proxy?.applies && r.proxy.sidecar !== undefined ? [r.proxy.sidecar] : []),
      ...(r.authorization?.allowedBy ? [r.authorization.allowedBy] : []),
    ],
  }));
}

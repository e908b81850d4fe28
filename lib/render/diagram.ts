/**
 * A picture of one environment for `diagrams/<suffix>.md`: a Mermaid flowchart (GitHub renders it)
 * of the internet, the ingress gateway, the environment's services and every allowed connection
 * with the policies that allow it, then the same connections as a table.
 *
 * The connections are an input (the reachability evaluation's result), so the picture shows what
 * the policies actually allow; the services' object names come from the declaration and `Naming`.
 * A declared call or route the connections do not allow is drawn dashed as NOT allowed.
 */
import { EnvironmentConfig } from '../model/environment';
import { Naming } from '../model/naming';
import type { ProbeResult } from '../checks/reachability';
import { SERVICE_PORT, SystemDeclaration } from '../model/system';
import { compareText } from '../model/compare-text';

/** One allowed connection and the policies that allow it. */
export interface AllowedEdge {
  /** Source endpoint: a service name, or an endpoint id such as `microservices-dev/payment-api-dev` or `kube-system/kube-dns`. */
  readonly from: string;
  /** Destination endpoint, named like `from`. */
  readonly to: string;
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP';
  /** Names of the policies that allow the connection (NetworkPolicies, AuthorizationPolicy). */
  readonly allowedBy: readonly string[];
}

/**
 * Endpoint ids of the cluster's own components in the edges, so the picture can name their role
 * (the reachability model's infrastructure ids fit). The internet's requests enter at `ingressGateway`.
 */
export interface DiagramInfrastructure {
  readonly ingressGateway: string;
  /** The outside world, if edges may name it (drawn as the same node the ingress routes start at). */
  readonly internet?: string;
  readonly istiod?: string;
  readonly kubeDns?: string;
  readonly prometheus?: string;
}

/** Everything `renderDiagram` draws. */
export interface DiagramInput {
  readonly system: SystemDeclaration;
  readonly environment: EnvironmentConfig;
  /** Allowed connections, in any order (the output is sorted). */
  readonly edges: readonly AllowedEdge[];
  readonly infrastructure: DiagramInfrastructure;
}

interface DiagramNode {
  /** Mermaid node id: letters, digits and `_` only. */
  readonly id: string;
  /** Short name for the table. */
  readonly title: string;
  /** Label lines in the diagram. */
  readonly lines: readonly string[];
  /** Namespace subgraph the node sits in, if any. */
  readonly namespace?: string;
  readonly shape: 'box' | 'hexagon' | 'circle';
  /** Drawing order: internet, gateway, services as declared, then the rest by id. */
  readonly rank: number;
}

interface Link {
  readonly from: DiagramNode;
  readonly to: DiagramNode;
  /** `8080/TCP`-style ports that share the same policies. */
  readonly ports: readonly string[];
  /** The allowing policies; for a blocked link, what is wrong. */
  readonly details: readonly string[];
  /** A declared call or route that no allowed edge carries. */
  readonly blocked: boolean;
}

const ROLE_TITLES: Record<Exclude<keyof DiagramInfrastructure, 'internet'>, string> = {
  ingressGateway: 'Istio ingress gateway',
  istiod: 'istiod',
  kubeDns: 'kube-dns',
  prometheus: 'Prometheus',
};

/** `a-b/c.d` -> `a_b_c_d`, made unique among `used`. */
function uniqueId(prefix: string, name: string, used: Set<string>): string {
  const base = `${prefix}${name.replace(/[^A-Za-z0-9]+/g, '_')}`;
  let id = base;
  for (let n = 2; used.has(id); n++) id = `${base}_${n}`;
  used.add(id);
  return id;
}

/** Text inside a quoted Mermaid label: entity codes for the characters Mermaid or HTML would read. */
function mermaidText(text: string): string {
  const codes: Record<string, string> = { '#': '#35;', '"': '#34;', '&': '#38;', '<': '#60;', '>': '#62;', '|': '#124;' };
  return text.replace(/[#"&<>|]/g, (c) => codes[c]);
}

function mermaidLabel(lines: readonly string[]): string {
  return `"${lines.map(mermaidText).join('<br/>')}"`;
}

/** An identifier as Markdown table cell content: code span, pipes escaped as GFM tables need. */
function code(text: string): string {
  return text.includes('`') ? text.replace(/\|/g, '\\|') : `\`${text.replace(/\|/g, '\\|')}\``;
}

function nodeShape(node: DiagramNode): string {
  const label = mermaidLabel(node.lines);
  if (node.shape === 'hexagon') return `${node.id}{{${label}}}`;
  if (node.shape === 'circle') return `${node.id}((${label}))`;
  return `${node.id}[${label}]`;
}

function portText(port: number, protocol: string): string {
  return `${port}/${protocol}`;
}

/** Gateway and VirtualService names as `PaymentSystemChart` builds them. */
function ingressObjectNames(system: SystemDeclaration, naming: Naming): { gateway: string; virtualService: string } {
  return {
    gateway: naming.gateway(system.name),
    virtualService: naming.virtualService(system.name),
  };
}

/** Resolves endpoint names of edges to diagram nodes, creating nodes on first sight. */
class NodeRegistry {
  private readonly byEndpoint = new Map<string, DiagramNode>();
  private readonly usedIds = new Set<string>();
  readonly internet: DiagramNode;
  readonly gateway: DiagramNode;

  constructor(private readonly input: DiagramInput, naming: Naming) {
    const { system, environment: env, infrastructure } = input;
    this.internet = { id: uniqueId('', 'internet', this.usedIds), title: 'Internet', lines: ['Internet'], shape: 'circle', rank: 0 };
    if (infrastructure.internet !== undefined) this.byEndpoint.set(infrastructure.internet, this.internet);
    system.services.forEach((s, i) => {
      const node: DiagramNode = {
        id: uniqueId('svc_', s.name, this.usedIds),
        title: s.name,
        lines: [
          s.name,
          `Deployment ${naming.deployment(s.name)}`,
          `Service ${naming.service(s.name)}`,
          `HPA ${naming.hpa(s.name)}: ${env.minReplicas} to ${env.maxReplicas} replicas`,
        ],
        namespace: naming.namespace,
        shape: 'box',
        rank: 2 + i,
      };
      this.byEndpoint.set(s.name, node);
      this.byEndpoint.set(`${naming.namespace}/${naming.deployment(s.name)}`, node);
    });
    const names = ingressObjectNames(system, naming);
    const gatewayId = infrastructure.ingressGateway;
    this.gateway = {
      id: uniqueId('', 'gateway', this.usedIds),
      title: ROLE_TITLES.ingressGateway,
      lines: system.ingress.length > 0
        ? [ROLE_TITLES.ingressGateway, `Gateway ${names.gateway}`, `VirtualService ${names.virtualService}`]
        : [ROLE_TITLES.ingressGateway, gatewayId],
      namespace: namespaceOf(gatewayId),
      shape: 'hexagon',
      rank: 1,
    };
    this.byEndpoint.set(gatewayId, this.gateway);
  }

  /** The node of an endpoint; unknown endpoints become nodes labelled with their id. */
  resolve(endpoint: string): DiagramNode {
    const known = this.byEndpoint.get(endpoint);
    if (known) return known;
    const role = (Object.keys(ROLE_TITLES) as (keyof typeof ROLE_TITLES)[])
      .find((r) => this.input.infrastructure[r] === endpoint);
    const node: DiagramNode = {
      id: uniqueId('ep_', endpoint, this.usedIds),
      title: role ? `${ROLE_TITLES[role]} (${endpoint})` : endpoint,
      lines: role ? [ROLE_TITLES[role], endpoint] : [endpoint],
      namespace: namespaceOf(endpoint),
      shape: 'box',
      rank: Number.MAX_SAFE_INTEGER,
    };
    this.byEndpoint.set(endpoint, node);
    return node;
  }

  /** Every service node in declaration order. */
  get services(): DiagramNode[] {
    return this.input.system.services.map((s) => this.resolve(s.name));
  }
}

/** `ns/name` ids carry their namespace. */
function namespaceOf(endpoint: string): string | undefined {
  const slash = endpoint.indexOf('/');
  return slash > 0 ? endpoint.slice(0, slash) : undefined;
}

function compareNodes(a: DiagramNode, b: DiagramNode): number {
  return a.rank - b.rank || compareText(a.id, b.id);
}

/**
 * Allowed edges grouped into one link per (from, to, policies), e.g. DNS over UDP and TCP; then a
 * dashed link for each declared call or route without an allowed edge on the service port.
 */
function buildLinks(input: DiagramInput, nodes: NodeRegistry): Link[] {
  // Endpoints get their nodes in sorted order, so ids never depend on the order of the edges.
  for (const endpoint of [...new Set(input.edges.flatMap((e) => [e.from, e.to]))].sort()) nodes.resolve(endpoint);
  const resolved = input.edges.map((e) => ({
    from: nodes.resolve(e.from), to: nodes.resolve(e.to), port: e.port, protocol: e.protocol,
    allowedBy: [...new Set(e.allowedBy)].sort(),
  }));
  resolved.sort((a, b) => compareNodes(a.from, b.from) || compareNodes(a.to, b.to)
    || a.port - b.port || compareText(a.protocol, b.protocol));

  const groups = new Map<string, { from: DiagramNode; to: DiagramNode; ports: string[]; allowedBy: string[] }>();
  for (const e of resolved) {
    const key = `${e.from.id} ${e.to.id} ${e.allowedBy.join(' ')}`;
    const group = groups.get(key) ?? { from: e.from, to: e.to, ports: [], allowedBy: e.allowedBy };
    const port = portText(e.port, e.protocol);
    if (!group.ports.includes(port)) group.ports.push(port);
    groups.set(key, group);
  }
  const links: Link[] = [...groups.values()].map((g) => ({
    from: g.from, to: g.to, ports: g.ports, details: g.allowedBy, blocked: false,
  }));

  const servicePort = portText(SERVICE_PORT, 'TCP');
  const declared = [
    ...input.system.ingress.map((r) => ({ from: nodes.gateway, to: nodes.resolve(r.service) })),
    ...input.system.calls.map((c) => ({ from: nodes.resolve(c.from), to: nodes.resolve(c.to) })),
  ];
  for (const d of declared) {
    const allowed = resolved.some((e) => e.from === d.from && e.to === d.to && e.port === SERVICE_PORT && e.protocol === 'TCP');
    const listed = links.some((l) => l.blocked && l.from === d.from && l.to === d.to);
    if (!allowed && !listed) links.push({ ...d, ports: [servicePort], details: ['declared, NOT allowed'], blocked: true });
  }
  return links;
}

/** Table rows of a link, one per port: the endpoints, the port and what allows it. */
function tableRows(l: Link): string[] {
  const allowedBy = l.blocked ? '**NOT allowed** (declared, but no policy allows it)'
    : l.details.length === 0 ? 'none named' : l.details.map(code).join(', ');
  return l.ports.map((port) => `| ${code(l.from.title)} | ${code(l.to.title)} | ${port} | ${allowedBy} |`);
}

/**
 * The Markdown file of one environment: title, Mermaid `flowchart LR`, and a table of every
 * connection with the policies that allow it. Same input, byte-identical output.
 */
export function renderDiagram(input: DiagramInput): string {
  const { system, environment: env } = input;
  const naming = new Naming(env.suffix);
  const nodes = new NodeRegistry(input, naming);
  const links = buildLinks(input, nodes);
  const chart: string[] = ['flowchart LR'];
  const rows: string[] = [];

  // The internet's link comes first; the policies do not decide it, the Gateway and VirtualService do.
  const lines: string[] = [];
  const shown = new Set([...nodes.services, ...links.flatMap((l) => [l.from, l.to])]);
  if (system.ingress.length > 0) {
    const host = env.gatewayHost ?? '*';
    const routes = system.ingress.map((r) => `${r.pathPrefix} (${r.methods.join(', ')}) to ${r.service}`);
    const names = ingressObjectNames(system, naming);
    shown.add(nodes.internet).add(nodes.gateway);
    lines.push(`  ${nodes.internet.id} -->|${mermaidLabel([`HTTP, host ${host}`, ...routes])}| ${nodes.gateway.id}`);
    rows.push(`| Internet | ${code(nodes.gateway.title)} | HTTP, host ${code(host)}: ${routes.map(code).join(', ')} | Gateway ${code(names.gateway)}, VirtualService ${code(names.virtualService)} |`);
  }
  rows.push(...links.flatMap(tableRows));

  const all = [...shown].sort(compareNodes);
  const otherNamespaces = [...new Set(all.map((n) => n.namespace))]
    .filter((ns): ns is string => ns !== undefined && ns !== naming.namespace).sort();
  const usedIds = new Set(all.map((n) => n.id));
  for (const ns of [naming.namespace, ...otherNamespaces]) {
    chart.push(`  subgraph ${uniqueId('ns_', ns, usedIds)}[${mermaidLabel([ns])}]`);
    for (const n of all.filter((node) => node.namespace === ns)) chart.push(`    ${nodeShape(n)}`);
    chart.push('  end');
  }
  for (const n of all.filter((node) => node.namespace === undefined)) chart.push(`  ${nodeShape(n)}`);
  for (const l of links) {
    lines.push(`  ${l.from.id} ${l.blocked ? '-.->' : '-->'}|${mermaidLabel([l.ports.join(', '), ...l.details])}| ${l.to.id}`);
  }
  chart.push(...lines);
  // linkStyle counts links in the order they appear, the internet's included.
  const offset = lines.length - links.length;
  const blocked = links.flatMap((l, i) => (l.blocked ? [offset + i] : []));
  if (blocked.length > 0) chart.push(`  linkStyle ${blocked.join(',')} stroke:#d22,stroke-width:2px`);

  return [
    `# ${system.name}: ${env.suffix}`,
    '',
    `Connections the policies allow in namespace \`${naming.namespace}\`, with the policies that allow each;`,
    'a declared call they do not allow is drawn dashed. Generated by `npm run synth`; do not edit.',
    '',
    '```mermaid',
    ...chart,
    '```',
    '',
    '| From | To | Port | Allowed by |',
    '| --- | --- | --- | --- |',
    ...rows,
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
      ...(r.authorization?.allowedBy ? [r.authorization.allowedBy] : []),
    ],
  }));
}

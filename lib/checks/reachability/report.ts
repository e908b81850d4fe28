/** Human-readable reports of a reachability proof: one table row per connection, reasons in words. */
import { EdgeProof } from './edge';
import { DirectionVerdict } from './network-policy';
import { ProbeResult } from './matrix';
import { Connection, connectionKey } from './types';

function directionText(label: string, verdict: DirectionVerdict | undefined): string {
  if (!verdict) return `${label}: n/a (not a pod)`;
  return `${label}: ${verdict.isolated ? verdict.allowedBy.join(', ') : 'not isolated'}`;
}

/** What allowed a connection: the NetworkPolicies of each direction and the AuthorizationPolicy. */
export function describeAllowance(result: ProbeResult): string {
  const authz = result.authorization;
  const authzText = !authz ? '' : authz.applies ? authz.reason : `n/a (${authz.reason})`;
  const proxy = result.proxy;
  const proxyText = !proxy ? '' : proxy.applies ? `; proxy: ${proxy.reason}` : '';
  return `${directionText('egress', result.network.egress)}; ${directionText('ingress', result.network.ingress)}${proxyText}; authz: ${authzText}`;
}

/** What denied a connection. */
export function describeDenial(result: ProbeResult): string {
  const { egress, ingress } = result.network;
  const { from, to } = result.connection;
  const reasons: string[] = [];
  if (egress && !egress.allowed) reasons.push(`egress of ${from}: no rule of ${egress.selectedBy.join(', ')} admits it`);
  if (ingress && !ingress.allowed) reasons.push(`ingress of ${to}: no rule of ${ingress.selectedBy.join(', ')} admits it`);
  if (result.proxy && !result.proxy.allowed) reasons.push(`proxy of ${from}: ${result.proxy.reason}`);
  if (result.authorization && !result.authorization.allowed) reasons.push(`authz: ${result.authorization.reason}`);
  return reasons.join('; ');
}

/** Left-aligned columns; the last column is not padded. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}

/** Table rows (source, destination, port, verdict, why) for the given probes. */
export function probeTable(results: readonly ProbeResult[]): string[] {
  const rows = results.map((r) => [
    r.connection.from, r.connection.to, `${r.connection.port}/${r.connection.protocol}`,
    r.allowed ? 'ALLOW' : 'DENY', r.allowed ? describeAllowance(r) : describeDenial(r),
  ]);
  return formatTable(['SOURCE', 'DESTINATION', 'PORT', 'VERDICT', 'ALLOWED BY / DENIED BY'], rows);
}

/** One line per connection of a diff, with the reason from the probes when there is one. */
export function diffLines(label: 'missing' | 'extra', connections: readonly Connection[], results: readonly ProbeResult[]): string[] {
  const byKey = new Map(results.map((r) => [connectionKey(r.connection), r]));
  return connections.map((c) => {
    const result = byKey.get(connectionKey(c));
    const why = !result ? 'no such endpoint in the model (is its workload missing?)'
      : result.allowed ? `allowed by ${describeAllowance(result)}` : `denied by ${describeDenial(result)}`;
    return `  ${label}: ${connectionKey(c)} (${why})`;
  });
}

/** Table rows of the edge proof: each request, what became of it, and what was promised. */
export function edgeTable(edge: EdgeProof): string[] {
  const rows = edge.results.map((r, i) => [
    r.request.label, `${r.request.method} ${r.request.scheme}://${r.request.host}${r.request.path}`,
    r.outcome.toUpperCase(), edge.expected[i].outcome === r.outcome ? 'as promised' : `PROMISED ${edge.expected[i].outcome.toUpperCase()}`,
    r.reason,
  ]);
  return formatTable(['REQUEST', 'SENT', 'OUTCOME', 'PROMISE', 'WHY'], rows);
}

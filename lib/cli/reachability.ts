/**
 * `npm run reachability [-- [<suffix>] [--all]]`: proves every configured environment (or the
 * one named) and prints, per environment, the allowed connections with the policies that allow
 * them (every probe with `--all`), then whether they equal the expected matrix.
 * Exit status: 0 when every proof holds, 1 when one does not, 2 on bad usage or input.
 */
import { proveReachability } from '../checks/reachability';
import { diffLines, edgeTable, probeTable } from '../checks/reachability/report';
import { synthesizeEnvironment } from '../constructs/synthesize-environment';
import { KubeObject } from '../manifest/kube-object';
import { EnvironmentConfig } from '../model/environment';
import { PAYMENT_SYSTEM, SystemDeclaration } from '../model/system';
import { loadEnvironments } from '../synth/select-environments';
import { CliOutput, Command, UsageError } from './command';

/** Where the command gets environments and manifests from (tests inject their own). */
export interface ReachabilityCliDeps {
  readonly system: SystemDeclaration;
  readonly loadEnvironments: () => EnvironmentConfig[];
  readonly synthesizeEnvironment: (env: EnvironmentConfig, system: SystemDeclaration) => KubeObject[];
}

const USAGE = 'npm run reachability [-- [<suffix>] [--all]]';
const DEFAULT_DEPS: ReachabilityCliDeps = { system: PAYMENT_SYSTEM, loadEnvironments: () => loadEnvironments(), synthesizeEnvironment };
/** A broken policy can open hundreds of edges; the first ones say enough. */
const MAX_DIFF_LINES = 40;

function printDiff(print: (line: string) => void, lines: readonly string[], label: string): void {
  lines.slice(0, MAX_DIFF_LINES).forEach((line) => print(line));
  if (lines.length > MAX_DIFF_LINES) print(`  (${lines.length - MAX_DIFF_LINES} more ${label}; --all lists every probe)`);
}

/** Runs the command and returns its exit status. */
export function runReachability(args: readonly string[], io: CliOutput, deps: ReachabilityCliDeps = DEFAULT_DEPS): number {
  const print = io.out;
  const showAll = args.includes('--all');
  const positional = args.filter((a) => a !== '--all');
  const unknownFlag = positional.find((a) => a.startsWith('-'));
  if (unknownFlag !== undefined || positional.length > 1) {
    throw new UsageError(unknownFlag !== undefined ? `unknown option "${unknownFlag}"` : 'at most one environment suffix', USAGE);
  }
  const configured = deps.loadEnvironments();
  const suffix = positional[0];
  const selected = suffix === undefined ? configured : configured.filter((e) => e.suffix === suffix);
  if (selected.length === 0) {
    throw new UsageError(`unknown environment "${suffix}"; configured: ${configured.map((e) => e.suffix).join(', ')}`, USAGE);
  }
  let status = 0;
  for (const env of selected) {
    const proof = proveReachability(deps.synthesizeEnvironment(env, deps.system), deps.system, env);
    const shown = showAll ? proof.results : proof.results.filter((r) => r.allowed);
    print(`== ${env.suffix} (namespace ${proof.model.environmentNamespace}): ${proof.results.length} probes over ${proof.model.endpoints.length} endpoints`);
    probeTable(shown).forEach((line) => print(line));
    if (!showAll) print(`(${proof.results.length - shown.length} other probes denied; --all lists them)`);
    if (proof.missing.length === 0 && proof.extra.length === 0) {
      print(`OK: allowed connections equal the expected matrix (${proof.expected.length} connections)`);
    } else {
      print(`FAIL: allowed connections differ from the expected matrix (${proof.missing.length} missing, ${proof.extra.length} extra)`);
      printDiff(print, diffLines('missing', proof.missing, proof.results), 'missing');
      printDiff(print, diffLines('extra', proof.extra, proof.results), 'extra');
      status = 1;
    }
    print('edge: requests from the internet through the ingress gateway');
    edgeTable(proof.edge).forEach((line) => print(line));
    if (proof.edge.problems.length === 0) {
      print(`OK: the edge keeps the config's promise (${proof.edge.expected.length} requests)`);
    } else {
      print(`FAIL: the edge breaks the config's promise (${proof.edge.problems.length} problems)`);
      proof.edge.problems.forEach((p) => print(`  ${p}`));
      status = 1;
    }
    if (proof.networkPolicyExtra.length > 0) {
      print(`FAIL: the NetworkPolicies alone allow ${proof.networkPolicyExtra.length} unexpected connections that only Istio authorization stops`);
      printDiff(print, diffLines('extra', proof.networkPolicyExtra, proof.results), 'extra');
      status = 1;
    }
    print('');
  }
  return status;
}

export const REACHABILITY: Command = {
  name: 'reachability',
  usage: USAGE,
  run: (args, io) => runReachability(args, io),
};

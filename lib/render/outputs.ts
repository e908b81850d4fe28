/** The stack outputs of one environment, as written to `outputs/<suffix>.json`. */
import { EnvironmentConfig } from '../model/environment';
import { Naming } from '../model/naming';
import { PAYMENT_SYSTEM, SystemDeclaration } from '../model/system';

/** Stack outputs of one environment, as written to `outputs/<suffix>.json`. */
export interface StackOutputs {
  readonly gatewayUrl: string;
  readonly namespaceName: string;
  readonly hpaStatus: readonly string[];
  /** Where each external dependency is reached: `host:port`, by dependency name. */
  readonly externalDependencies: Readonly<Record<string, string>>;
  /** `<camelCaseService>Endpoint`, e.g. `paymentApiEndpoint`. */
  readonly [endpoint: `${string}Endpoint`]: string;
}

/** `payment-api` -> `paymentApiEndpoint`. */
function endpointKey(service: string): `${string}Endpoint` {
  return `${service.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase())}Endpoint`;
}

/**
 * The outputs users and CI read after a synth. The gateway's external host is not knowable at
 * synth time: it comes from the config when set, otherwise the value says how to look it up.
 */
export function stackOutputs(env: EnvironmentConfig, system: SystemDeclaration = PAYMENT_SYSTEM): StackOutputs {
  const naming = new Naming(env.suffix);
  const path = system.ingress[0]?.pathPrefix ?? '/';
  // TLS needs a host (validated), so an unknown host is always plain HTTP.
  const scheme = env.tls ? 'https' : 'http';
  const gatewayUrl = env.gatewayHost
    ? `${scheme}://${env.gatewayHost}${path}`
    : `unknown until deployed: run \`kubectl -n istio-system get service istio-ingressgateway -o jsonpath='{.status.loadBalancer.ingress[0].hostname}'\` and use ${scheme}://<that host>${path}`;
  const endpoints = Object.fromEntries(system.services.map((s) => [endpointKey(s.name), naming.serviceUrl(s.name)]));
  return {
    gatewayUrl,
    ...endpoints,
    namespaceName: naming.namespace,
    hpaStatus: system.services.map((s) => naming.hpa(s.name)),
    externalDependencies: Object.fromEntries(system.dependencies.map((d) => [d.name, `${env.dependencies[d.name].host}:${d.port}`])),
  };
}

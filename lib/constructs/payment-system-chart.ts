/**
 * The complete object graph of one environment: the namespace's zero-trust baseline, one
 * `Microservice` per declared service, and the ingress route when the system declares one.
 */
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { EnvironmentConfig } from '../model/environment';
import { ConfigError } from '../model/errors';
import { Naming } from '../model/naming';
import { checkSystemDeclaration, SystemDeclaration } from '../model/system';
import { IngressRoute } from './ingress-route';
import { Microservice } from './microservice';
import { NamespaceBaseline } from './namespace-baseline';

/** Props of one environment's chart. */
export interface PaymentSystemChartProps {
  /** The environment to build (validated; see `resolveEnvironment`). */
  readonly environment: EnvironmentConfig;
  /** Services and calls to build. */
  readonly system: SystemDeclaration;
}

export class PaymentSystemChart extends Chart {
  public readonly baseline: NamespaceBaseline;
  /** One per declared service, by service name. */
  public readonly services: ReadonlyMap<string, Microservice>;
  /** Undefined when the system declares no ingress route. */
  public readonly ingress?: IngressRoute;

  constructor(scope: Construct, id: string, props: PaymentSystemChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const { environment, system } = props;
    const problems = checkSystemDeclaration(system);
    if (problems.length > 0) throw new ConfigError(problems.map((p) => `system declaration: ${p}`));

    this.baseline = new NamespaceBaseline(this, 'baseline', { naming: new Naming(environment.suffix), partOf: system.name });
    this.services = new Map(system.services.map((service) =>
      [service.name, new Microservice(this, service.name, { service, system, environment })]));
    if (system.ingress.length > 0) this.ingress = new IngressRoute(this, 'ingress', { system, environment });
  }
}

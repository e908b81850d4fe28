/**
 * The complete object graph of one environment: the namespace's zero-trust baseline, one
 * `Microservice` per declared service, one `ExternalDependency` per declared dependency, and the
 * edge (gateway server, routes, certificate, end-user authentication) when the system declares
 * ingress routes.
 */
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { EnvironmentConfig } from '../model/environment';
import { ConfigError } from '../model/errors';
import { Naming } from '../model/naming';
import { checkSystemDeclaration, SystemDeclaration } from '../model/system';
import { Edge } from './edge';
import { ExternalDependency } from './external-dependency';
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
  /** One per declared external dependency, by name. */
  public readonly dependencies: ReadonlyMap<string, ExternalDependency>;
  /** Undefined when the system declares no ingress route. */
  public readonly edge?: Edge;

  constructor(scope: Construct, id: string, props: PaymentSystemChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const { environment, system } = props;
    const problems = checkSystemDeclaration(system);
    if (problems.length > 0) throw new ConfigError(problems.map((p) => `system declaration: ${p}`));

    this.baseline = new NamespaceBaseline(this, 'baseline', { naming: new Naming(environment.suffix), partOf: system.name, target: environment.target });
    this.services = new Map(system.services.map((service) =>
      [service.name, new Microservice(this, service.name, { service, system, environment })]));
    this.dependencies = new Map(system.dependencies.map((dependency) =>
      [dependency.name, new ExternalDependency(this, `dependency-${dependency.name}`, { dependency, system, environment })]));
    if (system.ingress.length > 0) this.edge = new Edge(this, 'edge', { system, environment });
  }
}

/**
 * An external dependency of the system in one environment: its ServiceEntry, which lets exactly
 * the callers' proxies (their Sidecars import its host) reach it. The callers' NetworkPolicies
 * open its address blocks and port (`policies.ts`).
 */
import { Construct } from 'constructs';
import { ServiceEntryV1Beta1Spec } from '../../imports/istio-networking.istio.io';
import { IstioObject } from './istio-object';
import { EnvironmentConfig } from '../model/environment';
import { commonLabels } from '../model/labels';
import { Naming } from '../model/naming';
import { DependencyDeclaration, SystemDeclaration } from '../model/system';
import { dependencyServiceEntry } from './policies';

/** Props of `ExternalDependency`. */
export interface ExternalDependencyProps {
  /** The dependency, one of `system.dependencies`. */
  readonly dependency: DependencyDeclaration;
  /** The system it belongs to (its name labels the objects). */
  readonly system: SystemDeclaration;
  /** The environment: where the dependency lives (`dependencies[<name>]`). */
  readonly environment: EnvironmentConfig;
}

export class ExternalDependency extends Construct {
  public readonly serviceEntry: IstioObject<ServiceEntryV1Beta1Spec>;
  /** The host the callers use (and the ServiceEntry declares). */
  public readonly host: string;

  constructor(scope: Construct, id: string, props: ExternalDependencyProps) {
    super(scope, id);
    const { dependency, system, environment } = props;
    const naming = new Naming(environment.suffix);
    const address = environment.dependencies[dependency.name];
    if (address === undefined) throw new Error(`environment "${environment.suffix}" has no address for dependency "${dependency.name}"`);
    this.host = address.host;
    this.serviceEntry = new IstioObject(this, 'service-entry', {
      target: environment.target, group: 'networking.istio.io', kind: 'ServiceEntry',
      metadata: { name: naming.serviceEntry(dependency.name), namespace: naming.namespace, labels: commonLabels(system.name) },
      spec: dependencyServiceEntry(dependency, address.host),
    });
  }
}

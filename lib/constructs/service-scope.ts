/**
 * What every construct of one service needs to know, and the metadata its objects share. Pure:
 * the sub-constructs of `Microservice` each take a `ServiceScope`.
 */
import { ApiObjectMetadata } from 'cdk8s';
import { EnvironmentConfig } from '../model/environment';
import { serviceLabels } from '../model/labels';
import { Naming } from '../model/naming';
import { ServiceDeclaration, SystemDeclaration } from '../model/system';

/** One service of a system in one environment. */
export interface ServiceScope {
  /** The service, one of `system.services`. */
  readonly service: ServiceDeclaration;
  /** The system the service belongs to: its calls decide the policies. */
  readonly system: SystemDeclaration;
  /** The environment: images, replicas, resources, flags, secret store. */
  readonly environment: EnvironmentConfig;
}

/** Names of the environment's objects. */
export function namingOf(scope: ServiceScope): Naming {
  return new Naming(scope.environment.suffix);
}

/** Name, namespace and labels of an object of the service. */
export function serviceMetadata(scope: ServiceScope, name: string): ApiObjectMetadata {
  const naming = namingOf(scope);
  return { name, namespace: naming.namespace, labels: serviceLabels(naming, scope.system.name, scope.service.name) };
}

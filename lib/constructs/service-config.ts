/**
 * The configuration of one service: a ConfigMap with its non-secret settings (identity, log
 * level, feature flags, the URL of each service it calls, the host and port of each external
 * dependency) and an ExternalSecret that syncs its credentials (the keys each dependency declares)
 * from the environment's ClusterSecretStore. No secret value is ever in the manifest.
 */
import { Construct } from 'constructs';
import { ExternalSecret, ExternalSecretSpecSecretStoreRefKind, ExternalSecretSpecTargetCreationPolicy } from '../../imports/external-secrets-external-secrets.io';
import { compareText, constantCase } from '../model/text';
import { EnvironmentConfig } from '../model/environment';
import { Naming } from '../model/naming';
import { calleesOf, dependenciesOf, SERVICE_PORT, ServiceDeclaration, SystemDeclaration } from '../model/system';
import * as k8s from './k8s';
import { namingOf, ServiceScope, serviceMetadata } from './service-scope';

/** Props of `ServiceConfig`. */
export type ServiceConfigProps = ServiceScope;

/** How often the ExternalSecret re-reads the store, so rotated credentials arrive without a deploy. */
const SECRET_REFRESH_INTERVAL = '1h';

export class ServiceConfig extends Construct {
  /** The ConfigMap the container reads its environment from. */
  public readonly configMap: k8s.KubeConfigMap;
  /** The ExternalSecret that creates (and owns) the Secret `secretName`. */
  public readonly externalSecret: ExternalSecret;
  /** Name of the Secret the ExternalSecret creates. */
  public readonly secretName: string;

  constructor(scope: Construct, id: string, props: ServiceConfigProps) {
    super(scope, id);
    const naming = namingOf(props);
    const name = props.service.name;
    this.configMap = new k8s.KubeConfigMap(this, 'config', {
      metadata: serviceMetadata(props, naming.configMap(name)),
      data: serviceSettings(props.system, naming, props.environment, props.service),
    });
    this.secretName = naming.secret(name);
    this.externalSecret = new ExternalSecret(this, 'secret', {
      metadata: { ...serviceMetadata(props, this.secretName), annotations: { 'argocd.argoproj.io/sync-wave': '-1' } },
      spec: {
        refreshInterval: SECRET_REFRESH_INTERVAL,
        secretStoreRef: { kind: ExternalSecretSpecSecretStoreRefKind.CLUSTER_SECRET_STORE, name: props.environment.secretStore },
        target: { name: this.secretName, creationPolicy: ExternalSecretSpecTargetCreationPolicy.OWNER },
        dataFrom: [{ extract: { key: `microservices/${props.environment.suffix}/${name}` } }],
      },
    });
  }
}

/**
 * Non-secret settings of one service: identity, log level, feature flags, the URL of each service
 * it calls (`<CALLEE>_URL`, built from the real Service name, namespace and port) and where each
 * external dependency is (`<DEPENDENCY>_HOST`, `<DEPENDENCY>_PORT`). Never a credential.
 */
export function serviceSettings(
  system: SystemDeclaration, naming: Naming, env: EnvironmentConfig, service: ServiceDeclaration,
): Record<string, string> {
  const data: Record<string, string> = {
    SERVICE_NAME: service.name,
    ENVIRONMENT: env.suffix,
    PORT: String(SERVICE_PORT),
    LOG_LEVEL: env.logLevel,
  };
  for (const [flag, enabled] of Object.entries(env.featureFlags).sort(([a], [b]) => compareText(a, b))) {
    data[`FEATURE_${constantCase(flag)}`] = String(enabled);
  }
  for (const callee of calleesOf(system, service.name)) {
    data[`${constantCase(callee.name)}_URL`] = naming.serviceUrl(callee.name);
  }
  for (const dependency of dependenciesOf(system, service.name)) {
    data[`${constantCase(dependency.name)}_HOST`] = env.dependencies[dependency.name].host;
    data[`${constantCase(dependency.name)}_PORT`] = String(dependency.port);
  }
  return data;
}

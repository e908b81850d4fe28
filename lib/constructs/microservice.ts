import { ApiObjectMetadata } from 'cdk8s';
import * as k8s from './k8s';
import { Construct } from 'constructs';
import {
  ExternalSecret, ExternalSecretSpecSecretStoreRefKind, ExternalSecretSpecTargetCreationPolicy,
} from '../../imports/external-secrets-external-secrets.io';
import {
  DestinationRuleV1Beta1, DestinationRuleV1Beta1SpecTrafficPolicyTlsMode, SidecarV1Beta1,
} from '../../imports/istio-networking.istio.io';
import { AuthorizationPolicyV1Beta1 } from '../../imports/istio-security.istio.io';
import { EnvironmentConfig } from '../model/environment';
import { podLabels, selectorLabels, serviceLabels } from '../model/labels';
import { constantCase, Naming } from '../model/naming';
import { serviceAuthorizationPolicy, serviceNetworkPolicy, serviceSidecar } from './policies';
import { calleesOf, SERVICE_PORT, SERVICE_PORT_NAME, ServiceDeclaration, SystemDeclaration } from '../model/system';
import { compareText } from '../model/compare-text';

/** Props of one microservice. */
export interface MicroserviceProps {
  /** The service to build, one of `system.services`. */
  readonly service: ServiceDeclaration;
  /** The system the service belongs to: its calls decide the policies. */
  readonly system: SystemDeclaration;
  /** The environment: images, replicas, resources, flags, secret store. */
  readonly environment: EnvironmentConfig;
}

/** Non-root user and group the containers run as (any image we ship must not need root). */
const RUN_AS_ID = 10001;
/** Upper bound of the gateway's request timeout; pods get this long (plus margin) to finish in-flight work. */
export const REQUEST_TIMEOUT_SECONDS = 30;
const TERMINATION_GRACE_SECONDS = REQUEST_TIMEOUT_SECONDS + 15;

/**
 * One microservice of the payment system in one environment: its identity, configuration,
 * secret, workload, Service, autoscaling, disruption budget, and its least-privilege traffic
 * policies (NetworkPolicy, Istio AuthorizationPolicy, Sidecar scope, DestinationRule).
 */
export class Microservice extends Construct {
  constructor(scope: Construct, id: string, props: MicroserviceProps) {
    super(scope, id);
    const { service, system, environment: env } = props;
    const name = service.name;
    const naming = new Naming(env.suffix);
    const image = env.images[name];
    if (image === undefined) {
      throw new Error(`environment "${env.suffix}" has no image for service "${name}"`);
    }
    const meta = (objectName: string): ApiObjectMetadata => ({
      name: objectName, namespace: naming.namespace, labels: serviceLabels(naming, system.name, name),
    });
    const selector = selectorLabels(naming, name);

    new k8s.KubeServiceAccount(this, 'service-account', {
      metadata: meta(naming.serviceAccount(name)),
      automountServiceAccountToken: false,
    });

    const config = new k8s.KubeConfigMap(this, 'config', {
      metadata: meta(naming.configMap(name)),
      data: serviceConfig(system, naming, env, service),
    });

    const secretName = naming.secret(name);
    new ExternalSecret(this, 'secret', {
      metadata: { ...meta(secretName), annotations: { 'argocd.argoproj.io/sync-wave': '-1' } },
      spec: {
        refreshInterval: '1h',
        secretStoreRef: { kind: ExternalSecretSpecSecretStoreRefKind.CLUSTER_SECRET_STORE, name: env.secretStore },
        target: { name: secretName, creationPolicy: ExternalSecretSpecTargetCreationPolicy.OWNER },
        dataFrom: [{ extract: { key: `microservices/${env.suffix}/${name}` } }],
      },
    });

    const deploymentName = naming.deployment(name);
    new k8s.KubeDeployment(this, 'deployment', {
      metadata: meta(deploymentName),
      spec: {
        // No replicas: the HPA owns the count, and a fixed value would fight it on every apply.
        selector: { matchLabels: selector },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: k8s.IntOrString.fromString('25%'), maxUnavailable: k8s.IntOrString.fromNumber(0) } },
        template: {
          metadata: {
            labels: podLabels(naming, system.name, name, image),
            annotations: {
              // Keep the proxy up while the app drains; it exits early once no connection is left.
              'proxy.istio.io/config': JSON.stringify({
                terminationDrainDuration: `${REQUEST_TIMEOUT_SECONDS}s`,
                proxyMetadata: { EXIT_ON_ZERO_ACTIVE_CONNECTIONS: 'true' },
              }),
            },
          },
          spec: {
            serviceAccountName: naming.serviceAccount(name),
            automountServiceAccountToken: false,
            terminationGracePeriodSeconds: TERMINATION_GRACE_SECONDS,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: RUN_AS_ID,
              runAsGroup: RUN_AS_ID,
              fsGroup: RUN_AS_ID,
              seccompProfile: { type: 'RuntimeDefault' },
            },
            topologySpreadConstraints: [
              { topologyKey: 'topology.kubernetes.io/zone', maxSkew: 1, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: selector } },
              { topologyKey: 'kubernetes.io/hostname', maxSkew: 1, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector } },
            ],
            containers: [{
              name,
              image,
              ports: [{ name: SERVICE_PORT_NAME, containerPort: SERVICE_PORT, protocol: 'TCP' }],
              envFrom: [
                { configMapRef: { name: config.name } },
                { secretRef: { name: secretName } },
              ],
              resources: {
                requests: { cpu: k8s.Quantity.fromString(env.requests.cpu), memory: k8s.Quantity.fromString(env.requests.memory) },
                limits: { cpu: k8s.Quantity.fromString(env.limits.cpu), memory: k8s.Quantity.fromString(env.limits.memory) },
              },
              livenessProbe: {
                httpGet: { path: '/health', port: k8s.IntOrString.fromNumber(SERVICE_PORT) },
                initialDelaySeconds: 30, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3,
              },
              readinessProbe: {
                httpGet: { path: '/ready', port: k8s.IntOrString.fromNumber(SERVICE_PORT) },
                initialDelaySeconds: 10, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3,
              },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            }],
            volumes: [{ name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } }],
          },
        },
      },
    });

    new k8s.KubeService(this, 'service', {
      metadata: meta(naming.service(name)),
      spec: {
        type: 'ClusterIP',
        selector,
        ports: [{ name: SERVICE_PORT_NAME, port: SERVICE_PORT, targetPort: k8s.IntOrString.fromString(SERVICE_PORT_NAME), protocol: 'TCP' }],
      },
    });

    new k8s.KubeHorizontalPodAutoscalerV2(this, 'hpa', {
      metadata: meta(naming.hpa(name)),
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: deploymentName },
        minReplicas: env.minReplicas,
        maxReplicas: env.maxReplicas,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: env.targetCpuUtilization } } }],
        behavior: {
          scaleUp: {
            stabilizationWindowSeconds: 0,
            selectPolicy: 'Max',
            policies: [{ type: 'Percent', value: 100, periodSeconds: 30 }, { type: 'Pods', value: 2, periodSeconds: 30 }],
          },
          scaleDown: {
            stabilizationWindowSeconds: 300,
            policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }],
          },
        },
      },
    });

    // minReplicas >= 2 (validated) and at most one pod evicted at a time: a drain never empties the service.
    new k8s.KubePodDisruptionBudget(this, 'pdb', {
      metadata: meta(naming.podDisruptionBudget(name)),
      spec: {
        maxUnavailable: k8s.IntOrString.fromNumber(1),
        selector: { matchLabels: selector },
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      },
    });

    new k8s.KubeNetworkPolicy(this, 'network-policy', {
      metadata: meta(naming.networkPolicy(name)),
      spec: serviceNetworkPolicy(system, naming, name, env.monitoringNamespace),
    });

    const authorization = serviceAuthorizationPolicy(system, naming, name);
    if (authorization) {
      new AuthorizationPolicyV1Beta1(this, 'authorization', { metadata: meta(naming.authorizationPolicy(name)), spec: authorization });
    }

    new SidecarV1Beta1(this, 'sidecar', { metadata: meta(naming.sidecar(name)), spec: serviceSidecar(system, naming, name) });

    new DestinationRuleV1Beta1(this, 'destination-rule', {
      metadata: meta(naming.destinationRule(name)),
      spec: {
        host: naming.serviceHost(name),
        trafficPolicy: {
          tls: { mode: DestinationRuleV1Beta1SpecTrafficPolicyTlsMode.ISTIO_UNDERSCORE_MUTUAL },
          connectionPool: {
            tcp: { maxConnections: 100 },
            http: { http1MaxPendingRequests: 50, http2MaxRequests: 100, maxRequestsPerConnection: 2 },
          },
        },
      },
    });
  }
}

/**
 * Non-secret configuration of one service: identity, log level, feature flags and the URL of each
 * service it calls (`<CALLEE>_URL`, built from the real Service name, namespace and port).
 */
function serviceConfig(
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
  return data;
}

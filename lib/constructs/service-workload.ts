/**
 * The running part of one service: its own ServiceAccount (its mesh identity), a hardened
 * Deployment, a ClusterIP Service, an HPA that owns the replica count, and a disruption budget.
 */
import { Construct } from 'constructs';
import { podLabels, selectorLabels } from '../model/labels';
import { REQUEST_TIMEOUT_SECONDS, SERVICE_PORT, SERVICE_PORT_NAME } from '../model/system';
import * as k8s from './k8s';
import { namingOf, ServiceScope, serviceMetadata } from './service-scope';

/** Props of `ServiceWorkload`. */
export interface ServiceWorkloadProps extends ServiceScope {
  /** ConfigMap whose entries become the container's environment. */
  readonly configMapName: string;
  /** Secret whose entries become the container's environment (credentials). */
  readonly secretName: string;
}

/** Non-root user and group the containers run as (any image we ship must not need root). */
const RUN_AS_ID = 10001;
/** Pods get the longest request time plus a margin to finish in-flight work on shutdown. */
const TERMINATION_GRACE_SECONDS = REQUEST_TIMEOUT_SECONDS + 15;

/**
 * One service's workload. `minReplicas >= 2` (validated) and a PDB with `maxUnavailable: 1` mean a
 * drain never empties the service; pods spread over zones (hard) and nodes (soft).
 */
export class ServiceWorkload extends Construct {
  /** The identity the pods run as; Istio derives their SPIFFE principal from it. */
  public readonly serviceAccount: k8s.KubeServiceAccount;
  public readonly deployment: k8s.KubeDeployment;
  /** The ClusterIP Service in front of the pods. */
  public readonly service: k8s.KubeService;
  public readonly horizontalPodAutoscaler: k8s.KubeHorizontalPodAutoscalerV2;
  public readonly podDisruptionBudget: k8s.KubePodDisruptionBudget;
  /** Labels that select exactly this service's pods in this environment. */
  public readonly selector: Readonly<Record<string, string>>;
  /** In-cluster FQDN of the Service. */
  public readonly host: string;
  /** In-cluster URL of the Service: `http://<host>:8080`. */
  public readonly url: string;
  /** SPIFFE principal of the pods: `cluster.local/ns/<namespace>/sa/<service account>`. */
  public readonly principal: string;

  constructor(scope: Construct, id: string, props: ServiceWorkloadProps) {
    super(scope, id);
    const naming = namingOf(props);
    const { system, environment: env } = props;
    const name = props.service.name;
    const image = env.images[name];
    if (image === undefined) throw new Error(`environment "${env.suffix}" has no image for service "${name}"`);
    this.selector = selectorLabels(naming, name);
    this.host = naming.serviceHost(name);
    this.url = naming.serviceUrl(name);
    this.principal = naming.principal(name);
    const matchLabels = { ...this.selector };

    this.serviceAccount = new k8s.KubeServiceAccount(this, 'service-account', {
      metadata: serviceMetadata(props, naming.serviceAccount(name)),
      automountServiceAccountToken: false,
    });

    this.deployment = new k8s.KubeDeployment(this, 'deployment', {
      metadata: serviceMetadata(props, naming.deployment(name)),
      spec: {
        // No replicas: the HPA owns the count, and a fixed value would fight it on every apply.
        selector: { matchLabels },
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
              { topologyKey: 'topology.kubernetes.io/zone', maxSkew: 1, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels } },
              { topologyKey: 'kubernetes.io/hostname', maxSkew: 1, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels } },
            ],
            containers: [{
              name,
              image,
              ports: [{ name: SERVICE_PORT_NAME, containerPort: SERVICE_PORT, protocol: 'TCP' }],
              envFrom: [
                { configMapRef: { name: props.configMapName } },
                { secretRef: { name: props.secretName } },
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

    this.service = new k8s.KubeService(this, 'service', {
      metadata: serviceMetadata(props, naming.service(name)),
      spec: {
        type: 'ClusterIP',
        selector: { ...this.selector },
        ports: [{ name: SERVICE_PORT_NAME, port: SERVICE_PORT, targetPort: k8s.IntOrString.fromString(SERVICE_PORT_NAME), protocol: 'TCP' }],
      },
    });

    this.horizontalPodAutoscaler = new k8s.KubeHorizontalPodAutoscalerV2(this, 'hpa', {
      metadata: serviceMetadata(props, naming.hpa(name)),
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: this.deployment.name },
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

    // At most one pod evicted at a time, and unhealthy pods may always go (they serve nothing).
    this.podDisruptionBudget = new k8s.KubePodDisruptionBudget(this, 'pdb', {
      metadata: serviceMetadata(props, naming.podDisruptionBudget(name)),
      spec: {
        maxUnavailable: k8s.IntOrString.fromNumber(1),
        selector: { matchLabels: { ...this.selector } },
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      },
    });
  }
}

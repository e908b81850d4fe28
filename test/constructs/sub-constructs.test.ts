/**
 * Each construct on its own, in an empty chart: what it makes and the typed attributes it exposes.
 * (test/constructs/chart.test.ts asserts the assembled environment.)
 */
import { Chart, Testing } from 'cdk8s';
import { Edge } from '../../lib/constructs/edge';
import { Microservice } from '../../lib/constructs/microservice';
import { NamespaceBaseline } from '../../lib/constructs/namespace-baseline';
import { ServiceConfig } from '../../lib/constructs/service-config';
import { ServiceScope } from '../../lib/constructs/service-scope';
import { ServiceTrafficPolicy } from '../../lib/constructs/service-traffic-policy';
import { ServiceWorkload } from '../../lib/constructs/service-workload';
import { KubeObject } from '../../lib/manifest/kube-object';
import { Naming } from '../../lib/model/naming';
import { PAYMENT_SYSTEM, ServiceDeclaration } from '../../lib/model/system';
import { testEnvironment } from '../helpers';

const environment = testEnvironment('qa');
const naming = new Naming('qa');
const service = (name: string): ServiceDeclaration => PAYMENT_SYSTEM.services.find((s) => s.name === name) as ServiceDeclaration;
const scope = (name: string): ServiceScope => ({ service: service(name), system: PAYMENT_SYSTEM, environment });

/** A fresh chart, the construct built in it, and the chart's objects. */
function build<T>(make: (chart: Chart) => T): { made: T; objects: KubeObject[] } {
  const chart = Testing.chart();
  const made = make(chart);
  return { made, objects: Testing.synth(chart) as KubeObject[] };
}
const refs = (objects: readonly KubeObject[]) => objects.map((o) => `${o.kind}/${o.metadata.name}`);

describe('ServiceConfig', () => {
  const { made, objects } = build((c) => new ServiceConfig(c, 'config', scope('payment-api')));
  test('makes a ConfigMap and an ExternalSecret, and names the Secret it creates', () => {
    expect(refs(objects)).toEqual(['ConfigMap/payment-api-config-qa', 'ExternalSecret/payment-api-secrets-qa']);
    expect(made.secretName).toBe('payment-api-secrets-qa');
    expect(made.configMap.name).toBe('payment-api-config-qa');
  });
  test('settings: the URL of each callee, never a credential', () => {
    const data = objects[0].data as Record<string, string>;
    expect(data.FRAUD_DETECTOR_URL).toBe('http://fraud-detector-service-qa.microservices-qa.svc.cluster.local:8080');
    expect(Object.keys(data).filter((k) => /PASSWORD|SECRET|TOKEN|KEY/.test(k))).toEqual([]);
  });
});

describe('ServiceWorkload', () => {
  const { made, objects } = build((c) => new ServiceWorkload(c, 'workload', { ...scope('fraud-detector'), configMapName: 'cm', secretName: 'sec' }));
  test('makes the identity, the Deployment, its Service, the HPA and the PDB', () => {
    expect(refs(objects)).toEqual([
      'ServiceAccount/fraud-detector-qa', 'Deployment/fraud-detector-qa', 'Service/fraud-detector-service-qa',
      'HorizontalPodAutoscaler/fraud-detector-hpa-qa', 'PodDisruptionBudget/fraud-detector-pdb-qa',
    ]);
  });
  test('exposes the selector, host, URL and mesh identity it created', () => {
    expect(made.selector).toEqual({ 'app.kubernetes.io/name': 'fraud-detector', 'app.kubernetes.io/instance': 'fraud-detector-qa' });
    expect(made.host).toBe('fraud-detector-service-qa.microservices-qa.svc.cluster.local');
    expect(made.url).toBe(`http://${made.host}:8080`);
    expect(made.principal).toBe(`cluster.local/ns/microservices-qa/sa/${made.serviceAccount.name}`);
    expect(made.horizontalPodAutoscaler.name).toBe('fraud-detector-hpa-qa');
  });
  test('the container reads the ConfigMap and Secret it is given', () => {
    const container = (objects[1] as any).spec.template.spec.containers[0];
    expect(container.envFrom).toEqual([{ configMapRef: { name: 'cm' } }, { secretRef: { name: 'sec' } }]);
  });
  test('an environment without an image for the service is a construction error naming both', () => {
    const broken = { ...environment, images: {} };
    expect(() => build((c) => new ServiceWorkload(c, 'w', { ...scope('fraud-detector'), environment: broken, configMapName: 'cm', secretName: 's' })))
      .toThrow('environment "qa" has no image for service "fraud-detector"');
  });
});

describe('ServiceTrafficPolicy', () => {
  test('a service someone calls gets an AuthorizationPolicy; the NetworkPolicy selects its pods', () => {
    const { made, objects } = build((c) => new ServiceTrafficPolicy(c, 'policy', scope('fraud-detector')));
    expect(refs(objects)).toEqual([
      'NetworkPolicy/fraud-detector-netpol-qa', 'AuthorizationPolicy/fraud-detector-authz-qa',
      'Sidecar/fraud-detector-sidecar-qa', 'DestinationRule/fraud-detector-dr-qa',
    ]);
    expect(made.authorizationPolicy?.name).toBe('fraud-detector-authz-qa');
    expect((objects[0] as any).spec.podSelector.matchLabels['app.kubernetes.io/instance']).toBe('fraud-detector-qa');
  });
  test('a service nobody calls gets no AuthorizationPolicy (allow-nothing applies)', () => {
    const system = { ...PAYMENT_SYSTEM, ingress: [], calls: [] };
    const { made, objects } = build((c) => new ServiceTrafficPolicy(c, 'policy', { ...scope('payment-api'), system }));
    expect(made.authorizationPolicy).toBeUndefined();
    expect(refs(objects)).not.toContain('AuthorizationPolicy/payment-api-authz-qa');
  });
});

describe('Microservice', () => {
  test('composes config, workload and traffic policy, wiring the workload to its config', () => {
    const { made, objects } = build((c) => new Microservice(c, 'svc', scope('notification-service')));
    expect(objects).toHaveLength(11);
    const container = (objects.find((o) => o.kind === 'Deployment') as any).spec.template.spec.containers[0];
    expect(container.envFrom).toEqual([{ configMapRef: { name: made.config.configMap.name } }, { secretRef: { name: made.config.secretName } }]);
    expect(made.trafficPolicy.destinationRule.name).toBe('notification-service-dr-qa');
  });
});

describe('NamespaceBaseline', () => {
  test('the namespace with injection, default-deny, STRICT mTLS, allow-nothing and a default Sidecar', () => {
    const { made, objects } = build((c) => new NamespaceBaseline(c, 'baseline', { naming, partOf: 'payment-system', target: environment.target }));
    expect(refs(objects)).toEqual([
      'Namespace/microservices-qa', 'NetworkPolicy/default-deny-qa', 'PeerAuthentication/strict-mtls-qa',
      'AuthorizationPolicy/allow-nothing-qa', 'Sidecar/default-sidecar-qa',
    ]);
    expect(made.namespace.name).toBe(naming.namespace);
    expect(objects[0].metadata.labels?.['istio-injection']).toBe('enabled');
    expect((objects[1] as any).spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect((objects[2] as any).spec).toEqual({ mtls: { mode: 'STRICT' } });
  });
});

describe('Edge', () => {
  test('routes each declared path to its service on the configured host', () => {
    const { made, objects } = build((c) => new Edge(c, 'edge', { system: PAYMENT_SYSTEM, environment: { ...environment, gatewayHost: 'pay.example.com' } }));
    expect(made.hosts).toEqual(['pay.example.com']);
    expect((objects[1] as any).spec.http[0]).toMatchObject({
      match: [{ uri: { exact: '/api/payment' } }, { uri: { prefix: '/api/payment/' } }],
      route: [{ destination: { host: naming.serviceHost('payment-api'), port: { number: 8080 } } }],
    });
  });
});

describe('Edge routes', () => {
  test('a route takes its path and what is below it, never a sibling that shares its prefix; longer prefixes come first', () => {
    const system = {
      ...PAYMENT_SYSTEM,
      ingress: [
        { service: 'payment-api', pathPrefix: '/api', methods: ['GET'] },
        { service: 'fraud-detector', pathPrefix: '/api/fraud', methods: ['GET'] },
      ],
    };
    const { objects } = build((c) => new Edge(c, 'edge', { system, environment }));
    expect((objects[1] as any).spec.http.map((r: { name: string; match: unknown }) => [r.name, r.match])).toEqual([
      ['fraud-detector', [{ uri: { exact: '/api/fraud' } }, { uri: { prefix: '/api/fraud/' } }]],
      ['payment-api', [{ uri: { exact: '/api' } }, { uri: { prefix: '/api/' } }]],
    ]);
  });
});

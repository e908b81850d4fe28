import { k8s as publicK8s } from 'cdk8s-plus-28';
import fc from 'fast-check';
import * as k8s from '../../lib/constructs/k8s';
import { maxSuffixLength } from '../../lib/model/environment';
import { KubeObject } from '../../lib/manifest/kube-object';
import { Naming } from '../../lib/model/naming';
import { parse } from 'yaml';
import { PAYMENT_SYSTEM } from '../../lib/model/system';
import { find, ofKind, TEST_EDGE, testEnvironment } from '../helpers';
import { renderManifest } from '../../lib/render/manifest';
import { stackOutputs } from '../../lib/render/outputs';
import { synthesizeEnvironment } from '../../lib/constructs/synthesize-environment';

const SERVICES = ['payment-api', 'fraud-detector', 'notification-service'];
const env = testEnvironment('qa');
const objects = synthesizeEnvironment(env);
const ns = 'microservices-qa';

describe('API versions the target serves (Kubernetes 1.28, Istio 1.19, external-secrets v1)', () => {
  const expected: Record<string, string> = {
    Namespace: 'v1', ServiceAccount: 'v1', ConfigMap: 'v1', Service: 'v1',
    ExternalSecret: 'external-secrets.io/v1', Deployment: 'apps/v1',
    HorizontalPodAutoscaler: 'autoscaling/v2', PodDisruptionBudget: 'policy/v1',
    NetworkPolicy: 'networking.k8s.io/v1', PeerAuthentication: 'security.istio.io/v1beta1',
    AuthorizationPolicy: 'security.istio.io/v1beta1', Sidecar: 'networking.istio.io/v1beta1',
    DestinationRule: 'networking.istio.io/v1beta1', Gateway: 'networking.istio.io/v1beta1',
    VirtualService: 'networking.istio.io/v1beta1', ServiceEntry: 'networking.istio.io/v1beta1',
    RequestAuthentication: 'security.istio.io/v1beta1', Certificate: 'cert-manager.io/v1',
  };
  test.each([...objects, ...synthesizeEnvironment(testEnvironment('qa', TEST_EDGE))]
    .map((o) => [`${o.kind}/${o.metadata.name}`, o] as const))('%s', (_ref, obj) => {
    expect(obj.apiVersion).toBe(expected[obj.kind]);
  });
  test('no Secret object: values come from ExternalSecrets at run time', () => {
    expect(ofKind(objects, 'Secret')).toEqual([]);
  });
  test('lib/constructs/k8s is exactly the `k8s` cdk8s-plus-28 exports (guards the direct path on upgrades)', () => {
    expect(k8s.KubeDeployment).toBe(publicK8s.KubeDeployment);
    expect(Object.keys(k8s).sort()).toEqual(Object.keys(publicK8s).sort());
  });
});

describe('naming contract', () => {
  const suffixArb = fc.stringMatching(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/).filter((s) => s.length <= maxSuffixLength(PAYMENT_SYSTEM));
  test('for any valid suffix: contract names, every name ends in -<s>, everything in microservices-<s>', () => {
    fc.assert(fc.property(suffixArb, (suffix) => {
      const objs = synthesizeEnvironment(testEnvironment(suffix));
      const namespace = `microservices-${suffix}`;
      expect(objs[0]).toMatchObject({ kind: 'Namespace', metadata: { name: namespace } });
      for (const s of SERVICES) {
        find(objs, 'Deployment', `${s}-${suffix}`);
        find(objs, 'Service', `${s}-service-${suffix}`);
        find(objs, 'HorizontalPodAutoscaler', `${s}-hpa-${suffix}`);
      }
      for (const o of objs) {
        expect(o.metadata.name.endsWith(`-${suffix}`)).toBe(true);
        expect(o.metadata.name.length).toBeLessThanOrEqual(63);
        expect(o.metadata.namespace).toBe(o.kind === 'Namespace' ? undefined : namespace);
      }
    }), { numRuns: 15 });
  });
});

describe('namespace', () => {
  test('comes first, with sidecar injection', () => {
    expect(objects[0].kind).toBe('Namespace');
    expect(objects[0].metadata.labels).toMatchObject({ 'istio-injection': 'enabled' });
    expect(objects.filter((o) => o.kind === 'Namespace')).toHaveLength(1);
  });
});

describe.each(SERVICES)('service %s', (service) => {
  const deployment = find(objects, 'Deployment', `${service}-qa`);
  const pod = deployment.spec.template;
  const [container] = pod.spec.containers;

  test('Deployment: image, port, resources, probes, no replicas (the HPA owns them)', () => {
    expect(deployment.spec.replicas).toBeUndefined();
    expect(container.image).toBe(env.images[service]);
    expect(container.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    expect(container.resources).toEqual({ requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '500m', memory: '1Gi' } });
    expect(container.livenessProbe).toEqual({ httpGet: { path: '/health', port: 8080 }, initialDelaySeconds: 30, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 });
    expect(container.readinessProbe).toEqual({ httpGet: { path: '/ready', port: 8080 }, initialDelaySeconds: 10, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 });
  });

  test('Deployment: config from its ConfigMap, secrets from the ExternalSecret target, never inline', () => {
    const configMap = find(objects, 'ConfigMap', `${service}-config-qa`);
    const externalSecret = find(objects, 'ExternalSecret', `${service}-secrets-qa`);
    expect(container.envFrom).toEqual([
      { configMapRef: { name: configMap.metadata.name } },
      { secretRef: { name: externalSecret.spec.target.name } },
    ]);
    expect(container.env).toBeUndefined();
    expect(externalSecret.spec).toMatchObject({
      secretStoreRef: { kind: 'ClusterSecretStore', name: 'aws-secrets-manager' },
      dataFrom: [{ extract: { key: `microservices/qa/${service}` } }],
    });
  });

  test('labels: recommended labels plus app and version for Istio', () => {
    expect(pod.metadata.labels).toEqual({
      'app.kubernetes.io/name': service,
      'app.kubernetes.io/instance': `${service}-qa`,
      'app.kubernetes.io/part-of': 'payment-system',
      'app.kubernetes.io/managed-by': 'cdk8s',
      'app.kubernetes.io/version': '1.0.0',
      app: service,
      version: '1.0.0',
    });
  });

  test('Service: ClusterIP on 8080 named http, selecting exactly this service\'s pods', () => {
    const svc = find(objects, 'Service', `${service}-service-qa`);
    expect(svc.spec.type).toBe('ClusterIP');
    expect(svc.spec.ports).toEqual([{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' }]);
    const selects = (d: KubeObject & Record<string, any>) =>
      Object.entries(svc.spec.selector as Record<string, string>).every(([k, v]) => d.spec.template.metadata.labels[k] === v);
    expect(ofKind(objects, 'Deployment').filter(selects).map((d) => d.metadata.name)).toEqual([`${service}-qa`]);
  });

  test('HPA: CPU 50 %, 2..10, scale-up 100 % or 2 pods per 30 s, scale-down 50 % per 60 s after 300 s', () => {
    const hpa = find(objects, 'HorizontalPodAutoscaler', `${service}-hpa-qa`);
    expect(hpa.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name },
      minReplicas: 2,
      maxReplicas: 10,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
      behavior: {
        scaleUp: {
          stabilizationWindowSeconds: 0,
          selectPolicy: 'Max',
          policies: [{ type: 'Percent', value: 100, periodSeconds: 30 }, { type: 'Pods', value: 2, periodSeconds: 30 }],
        },
        scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }] },
      },
    });
  });

  test('DestinationRule: ISTIO_MUTUAL and the connection pool', () => {
    const dr = find(objects, 'DestinationRule', `${service}-dr-qa`);
    expect(dr.spec).toEqual({
      host: `${service}-service-qa.${ns}.svc.cluster.local`,
      trafficPolicy: {
        tls: { mode: 'ISTIO_MUTUAL' },
        connectionPool: { tcp: { maxConnections: 100 }, http: { http1MaxPendingRequests: 50, http2MaxRequests: 100, maxRequestsPerConnection: 2 } },
      },
    });
  });

  test('hardened pod: non-root, read-only root, no escalation, no capabilities, RuntimeDefault seccomp, own identity', () => {
    expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(container.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expect(pod.spec.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }]);
    const sa = find(objects, 'ServiceAccount', pod.spec.serviceAccountName);
    expect(sa.automountServiceAccountToken).toBe(false);
    expect(pod.spec.automountServiceAccountToken).toBe(false);
  });

  test('graceful shutdown fits the 30 s request timeout, with the proxy draining as long', () => {
    expect(pod.spec.terminationGracePeriodSeconds).toBeGreaterThan(30);
    expect(JSON.parse(pod.metadata.annotations['proxy.istio.io/config'])).toMatchObject({ terminationDrainDuration: '30s' });
  });

  test('availability: PDB allows one eviction at a time, spread across zones and nodes', () => {
    const pdb = find(objects, 'PodDisruptionBudget', `${service}-pdb-qa`);
    expect(pdb.spec.maxUnavailable).toBe(1);
    expect(pdb.spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
    expect(pod.spec.topologySpreadConstraints.map((t: { topologyKey: string }) => t.topologyKey))
      .toEqual(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']);
  });
});

describe('namespace baseline and delivery order', () => {
  test('a default-deny NetworkPolicy isolates every pod of the namespace in both directions', () => {
    expect(find(objects, 'NetworkPolicy', 'default-deny-qa').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  test('the monitoring namespace from the config is the only one allowed to scrape port 15020', () => {
    const scrapers = (objs: typeof objects) => ofKind(objs, 'NetworkPolicy').flatMap((np) => (np.spec.ingress ?? [])
      .filter((rule: { ports: Array<{ port: number }> }) => rule.ports.some((p) => p.port === 15020))
      .flatMap((rule: { from: Array<{ namespaceSelector?: { matchLabels: Record<string, string> } }> }) => rule.from));
    expect(scrapers(objects)).toEqual(SERVICES.map(() => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } })));
    const custom = synthesizeEnvironment(testEnvironment('qa', { monitoringNamespace: 'observability' }));
    expect(scrapers(custom).map((f) => f.namespaceSelector?.matchLabels['kubernetes.io/metadata.name'])).toEqual(SERVICES.map(() => 'observability'));
  });

  test('ArgoCD sync waves: the Namespace, then the ExternalSecrets and the Certificate, before everything else', () => {
    const wave = (o: KubeObject) => o.metadata.annotations?.['argocd.argoproj.io/sync-wave'];
    const secure = synthesizeEnvironment(testEnvironment('qa', TEST_EDGE));
    expect(wave(secure[0])).toBe('-2');
    expect(secure.filter((o) => ['ExternalSecret', 'Certificate'].includes(o.kind)).map(wave)).toEqual([...SERVICES.map(() => '-1'), '-1']);
    expect(secure.filter((o) => !['Namespace', 'ExternalSecret', 'Certificate'].includes(o.kind)).map(wave).filter((w) => w !== undefined)).toEqual([]);
  });
});

describe('configuration built from the call graph', () => {
  const data = (service: string) => find(objects, 'ConfigMap', `${service}-config-qa`).data;
  const serviceUrl = (service: string) => {
    const svc = find(objects, 'Service', `${service}-service-qa`);
    return `http://${svc.metadata.name}.${svc.metadata.namespace}.svc.cluster.local:${svc.spec.ports[0].port}`;
  };
  test('payment-api knows fraud-detector; fraud-detector knows notification-service; notification-service calls nobody', () => {
    expect(data('payment-api').FRAUD_DETECTOR_URL).toBe(serviceUrl('fraud-detector'));
    expect(data('fraud-detector').NOTIFICATION_SERVICE_URL).toBe(serviceUrl('notification-service'));
    expect(Object.keys(data('notification-service')).filter((k) => k.endsWith('_URL'))).toEqual([]);
  });
  test('log level and feature flags', () => {
    expect(data('payment-api')).toMatchObject({ LOG_LEVEL: 'info', FEATURE_METRICS: 'true', FEATURE_TRACING: 'false' });
  });
});

describe('mesh', () => {
  test('PeerAuthentication STRICT for the whole namespace', () => {
    const [pa] = ofKind(objects, 'PeerAuthentication');
    expect(ofKind(objects, 'PeerAuthentication')).toHaveLength(1);
    expect(pa.spec).toEqual({ mtls: { mode: 'STRICT' } });
  });

  test('Gateway on the default ingress gateway, HTTP port 80', () => {
    const [gw] = ofKind(objects, 'Gateway');
    expect(gw.spec).toEqual({ selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] });
  });

  test('VirtualService routes /api/payment to payment-api:8080 with retries and a 30 s timeout', () => {
    const [vs] = ofKind(objects, 'VirtualService');
    const [gw] = ofKind(objects, 'Gateway');
    expect(vs.spec.gateways).toEqual([gw.metadata.name]);
    expect(vs.spec.http).toEqual([{
      name: 'payment-api',
      match: [{ uri: { exact: '/api/payment' } }, { uri: { prefix: '/api/payment/' } }],
      route: [{ destination: { host: `payment-api-service-qa.${ns}.svc.cluster.local`, port: { number: 8080 } } }],
      timeout: '30s',
      retries: { attempts: 3, perTryTimeout: '10s', retryOn: '5xx,reset,connect-failure,refused-stream' },
    }]);
  });

  test('a configured gateway host binds Gateway and VirtualService to it', () => {
    const hosted = synthesizeEnvironment(testEnvironment('qa', { gatewayHost: 'payments.qa.example.com' }));
    expect(ofKind(hosted, 'Gateway')[0].spec.servers[0].hosts).toEqual(['payments.qa.example.com']);
    expect(ofKind(hosted, 'VirtualService')[0].spec.hosts).toEqual(['payments.qa.example.com']);
  });

  test('authorization: allow-nothing baseline, then exactly the callers\' identities per service', () => {
    const naming = new Naming('qa');
    expect(find(objects, 'AuthorizationPolicy', 'allow-nothing-qa').spec).toEqual({});
    const principals = (service: string) => find(objects, 'AuthorizationPolicy', `${service}-authz-qa`).spec.rules
      .flatMap((r: { from: Array<{ source: { principals: string[] } }> }) => r.from.flatMap((f) => f.source.principals));
    expect(principals('payment-api')).toEqual(['cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account']);
    expect(principals('fraud-detector')).toEqual([naming.principal('payment-api')]);
    expect(principals('notification-service')).toEqual([naming.principal('fraud-detector')]);
    const gatewayRule = find(objects, 'AuthorizationPolicy', 'payment-api-authz-qa').spec.rules[0];
    expect(gatewayRule.to).toEqual([{ operation: { ports: ['8080'], methods: ['GET', 'POST'], paths: ['/api/payment', '/api/payment/*'] } }]);
  });

  test('Sidecar scopes each proxy to the hosts it calls, its dependencies, istio-system and kube-dns (DNS over TCP)', () => {
    const hosts = (name: string) => find(objects, 'Sidecar', name).spec.egress[0].hosts;
    const platform = ['istio-system/*', 'kube-system/kube-dns.kube-system.svc.cluster.local'];
    expect(hosts('payment-api-sidecar-qa')).toEqual([`./fraud-detector-service-qa.${ns}.svc.cluster.local`, `./${env.dependencies['payments-db'].host}`, ...platform]);
    expect(hosts('fraud-detector-sidecar-qa')).toEqual([`./notification-service-service-qa.${ns}.svc.cluster.local`, ...platform]);
    expect(hosts('notification-service-sidecar-qa')).toEqual([`./${env.dependencies['notification-provider'].host}`, ...platform]);
    expect(hosts('default-sidecar-qa')).toEqual(platform);
    expect(ofKind(objects, 'Sidecar').map((s) => s.spec.outboundTrafficPolicy.mode)).toEqual(ofKind(objects, 'Sidecar').map(() => 'REGISTRY_ONLY'));
  });
});

describe('the way out: declared external dependencies', () => {
  const egressOf = (service: string) => find(objects, 'NetworkPolicy', `${service}-netpol-qa`).spec.egress as Array<{ to: Array<Record<string, any>>; ports: Array<{ port: number }> }>;
  const ipBlockRules = (service: string) => egressOf(service).filter((r) => r.to.some((peer) => peer.ipBlock));

  test('one ServiceEntry per dependency: MESH_EXTERNAL, DNS, exported to the namespace only, its port and protocol', () => {
    expect(find(objects, 'ServiceEntry', 'payments-db-egress-qa').spec).toEqual({
      hosts: [env.dependencies['payments-db'].host], location: 'MESH_EXTERNAL', resolution: 'DNS', exportTo: ['.'],
      ports: [{ number: 5432, name: 'tcp-payments-db', protocol: 'TCP' }],
    });
    expect(find(objects, 'ServiceEntry', 'notification-provider-egress-qa').spec.ports).toEqual([{ number: 443, name: 'https-notification-provider', protocol: 'HTTPS' }]);
  });

  test('only the callers may leave the cluster, to exactly their dependency\'s blocks and port', () => {
    expect(ipBlockRules('payment-api')).toEqual([{ to: env.dependencies['payments-db'].cidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [{ port: 5432, protocol: 'TCP' }] }]);
    expect(ipBlockRules('notification-service')).toEqual([{
      to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '169.254.0.0/16'] } }],
      ports: [{ port: 443, protocol: 'TCP' }],
    }]);
    expect(ipBlockRules('fraud-detector')).toEqual([]);
  });

  test('the metadata address is excepted even from a block a dependency declares around it', () => {
    const linkLocal = testEnvironment('qa', { dependencies: { ...env.dependencies, 'payments-db': { host: 'db.example.com', cidrs: ['169.254.0.0/16'] } } });
    const rule = (synthesizeEnvironment(linkLocal).find((o) => o.metadata.name === 'payment-api-netpol-qa') as any).spec.egress
      .find((r: { ports: Array<{ port: number }> }) => r.ports[0].port === 5432);
    expect(rule.to).toEqual([{ ipBlock: { cidr: '169.254.0.0/16', except: ['169.254.169.254/32'] } }]);
  });

  test('callers get the host and port in their ConfigMap, never a credential', () => {
    const data = (service: string) => find(objects, 'ConfigMap', `${service}-config-qa`).data;
    expect(data('payment-api')).toMatchObject({ PAYMENTS_DB_HOST: env.dependencies['payments-db'].host, PAYMENTS_DB_PORT: '5432' });
    expect(data('notification-service')).toMatchObject({ NOTIFICATION_PROVIDER_HOST: 'email.us-east-1.amazonaws.com', NOTIFICATION_PROVIDER_PORT: '443' });
    expect(Object.keys(data('fraud-detector')).filter((k) => /_HOST$|_PORT$/.test(k))).toEqual([]);
  });
});

describe('the door in: HTTPS, JWT and HSTS when the environment configures them', () => {
  const secure = synthesizeEnvironment(testEnvironment('qa', TEST_EDGE));
  const existing = synthesizeEnvironment(testEnvironment('qa', { ...TEST_EDGE, tls: { existingSecret: 'wildcard-tls-qa' } }));

  test('HTTPS on 443 (SIMPLE, at least TLS 1.2, the suffixed Secret in istio-system); port 80 only redirects', () => {
    expect(ofKind(secure, 'Gateway')[0].spec.servers).toEqual([
      {
        port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['payments.test.example.com'],
        tls: { mode: 'SIMPLE', credentialName: 'payment-system-tls-qa', minProtocolVersion: 'TLSV1_2' },
      },
      { port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['payments.test.example.com'], tls: { httpsRedirect: true } },
    ]);
    expect(ofKind(existing, 'Gateway')[0].spec.servers[0].tls.credentialName).toBe('wildcard-tls-qa');
  });

  test('cert-manager issues the certificate into istio-system under a suffixed name; an existing Secret needs none', () => {
    expect(find(secure, 'Certificate', 'payment-system-tls-qa')).toMatchObject({
      metadata: { namespace: 'istio-system' },
      spec: {
        secretName: 'payment-system-tls-qa', dnsNames: ['payments.test.example.com'],
        issuerRef: { kind: 'ClusterIssuer', name: 'letsencrypt-test', group: 'cert-manager.io' },
      },
    });
    expect(ofKind(existing, 'Certificate')).toEqual([]);
    expect(ofKind(objects, 'Certificate')).toEqual([]);
  });

  test('routes add Strict-Transport-Security when TLS is on, and only then', () => {
    expect(ofKind(secure, 'VirtualService')[0].spec.http[0].headers).toEqual({ response: { set: { 'Strict-Transport-Security': 'max-age=31536000; includeSubDomains' } } });
    expect(ofKind(objects, 'VirtualService')[0].spec.http[0].headers).toBeUndefined();
  });

  test('payment-api requires both the gateway identity and a token from the issuer, which its RequestAuthentication checks', () => {
    expect(find(secure, 'RequestAuthentication', 'payment-api-jwt-qa').spec).toEqual({
      selector: { matchLabels: { 'app.kubernetes.io/name': 'payment-api', 'app.kubernetes.io/instance': 'payment-api-qa' } },
      jwtRules: [{ issuer: TEST_EDGE.jwt.issuer, jwksUri: TEST_EDGE.jwt.jwksUri, audiences: [...TEST_EDGE.jwt.audiences] }],
    });
    const [gatewayRule] = find(secure, 'AuthorizationPolicy', 'payment-api-authz-qa').spec.rules;
    expect(gatewayRule.from).toEqual([{ source: { principals: ['cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account'], requestPrincipals: [`${TEST_EDGE.jwt.issuer}/*`] } }]);
    expect(ofKind(objects, 'RequestAuthentication')).toEqual([]);
  });
});

describe('stack outputs', () => {
  test('endpoints, namespace, HPA names and where the dependencies are', () => {
    expect(stackOutputs(env)).toEqual({
      externalDependencies: {
        'payments-db': `${env.dependencies['payments-db'].host}:5432`,
        'notification-provider': 'email.us-east-1.amazonaws.com:443',
      },
      gatewayUrl: expect.stringContaining('kubectl -n istio-system get service istio-ingressgateway'),
      paymentApiEndpoint: `http://payment-api-service-qa.${ns}.svc.cluster.local:8080`,
      fraudDetectorEndpoint: `http://fraud-detector-service-qa.${ns}.svc.cluster.local:8080`,
      notificationServiceEndpoint: `http://notification-service-service-qa.${ns}.svc.cluster.local:8080`,
      namespaceName: ns,
      hpaStatus: ['payment-api-hpa-qa', 'fraud-detector-hpa-qa', 'notification-service-hpa-qa'],
    });
  });
  test('a configured gateway host gives the real URL, never a made-up one otherwise', () => {
    expect(stackOutputs(testEnvironment('qa', { gatewayHost: 'pay.example.com' })).gatewayUrl).toBe('http://pay.example.com/api/payment');
    expect(stackOutputs(env).gatewayUrl).not.toMatch(/^http:\/\//);
    expect(stackOutputs(testEnvironment('qa', TEST_EDGE)).gatewayUrl).toBe('https://payments.test.example.com/api/payment');
  });
});

describe('rendering', () => {
  test('strings that YAML 1.1 (kubectl) would read as booleans or numbers stay strings', () => {
    const data = { A: 'on', B: 'yes', C: '0755', D: 'true', E: '1e3' };
    const text = renderManifest([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data }]);
    expect(parse(text, { version: '1.1' }).data).toEqual(data);
  });
  test('documents are separated and in apply order', () => {
    const text = renderManifest(objects);
    expect(text.split(/^---$/m)).toHaveLength(objects.length);
    expect(text.startsWith('apiVersion: v1\nkind: Namespace\n')).toBe(true);
  });
});

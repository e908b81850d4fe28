import { callersOf, calleesOf, checkSystemDeclaration, ingressRouteFor, PAYMENT_SYSTEM, SystemDeclaration } from '../../lib/model/system';
import { testEnvironment } from '../helpers';
import { ConfigError } from '../../lib/model/errors';
import { synthesizeEnvironment } from '../../lib/constructs/synthesize-environment';

describe('the payment system declaration', () => {
  test('is consistent', () => {
    expect(checkSystemDeclaration(PAYMENT_SYSTEM)).toEqual([]);
  });
  test('declares the specified call graph', () => {
    expect(calleesOf(PAYMENT_SYSTEM, 'payment-api').map((s) => s.name)).toEqual(['fraud-detector']);
    expect(callersOf(PAYMENT_SYSTEM, 'notification-service').map((s) => s.name)).toEqual(['fraud-detector']);
    expect(calleesOf(PAYMENT_SYSTEM, 'notification-service')).toEqual([]);
  });
});

describe('checkSystemDeclaration rejects', () => {
  const base = PAYMENT_SYSTEM;
  test.each<[string, SystemDeclaration, RegExp]>([
    ['a bad service name', { ...base, services: [...base.services, { name: 'Ledger', description: '' }] }, /service name "Ledger": expected a DNS-1123 label/],
    ['a duplicate service', { ...base, services: [...base.services, base.services[0]] }, /"payment-api": declared twice/],
    ['a call to an unknown service', { ...base, calls: [{ from: 'payment-api', to: 'ledger' }] }, /"ledger" is not a declared service/],
    ['a self call', { ...base, calls: [{ from: 'payment-api', to: 'payment-api' }] }, /does not call itself/],
    ['a duplicate call', { ...base, calls: [...base.calls, base.calls[0]] }, /payment-api->fraud-detector: declared twice/],
    ['a route to an unknown service', { ...base, ingress: [{ service: 'ledger', pathPrefix: '/x', methods: ['GET'] }] }, /"ledger" is not a declared service/],
    ['a relative route', { ...base, ingress: [{ service: 'payment-api', pathPrefix: 'api', methods: ['GET'] }] }, /expected a path such as \/api\/payment \(starting with '\/'/],
    ['a trailing slash', { ...base, ingress: [{ service: 'payment-api', pathPrefix: '/api/', methods: ['GET'] }] }, /no trailing '\/'/],
    ['a route declared twice', { ...base, ingress: [...base.ingress, { service: 'fraud-detector', pathPrefix: '/api/payment', methods: ['GET'] }] }, /^ingress route \/api\/payment: declared twice/],
  ])('%s', (_what, system, message) => {
    expect(checkSystemDeclaration(system)).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
  });

  test('and synth refuses such a declaration with a ConfigError', () => {
    const broken = { ...base, calls: [{ from: 'payment-api', to: 'ledger' }] };
    expect(() => synthesizeEnvironment(testEnvironment('qa'), broken)).toThrow(ConfigError);
  });
});

test('a fourth service is derived everywhere from one declaration', () => {
  const system: SystemDeclaration = {
    ...PAYMENT_SYSTEM,
    services: [...PAYMENT_SYSTEM.services, { name: 'ledger', description: 'Books payments' }],
    calls: [...PAYMENT_SYSTEM.calls, { from: 'payment-api', to: 'ledger' }],
  };
  const env = { ...testEnvironment('qa'), images: { ...testEnvironment('qa').images, ledger: 'registry.example.com/ledger:1.0.0' } };
  const objects = synthesizeEnvironment(env, system);
  const names = objects.map((o) => `${o.kind}/${o.metadata.name}`);
  expect(names).toEqual(expect.arrayContaining([
    'Deployment/ledger-qa', 'Service/ledger-service-qa', 'HorizontalPodAutoscaler/ledger-hpa-qa', 'NetworkPolicy/ledger-netpol-qa',
    'AuthorizationPolicy/ledger-authz-qa', 'Sidecar/ledger-sidecar-qa', 'DestinationRule/ledger-dr-qa', 'PodDisruptionBudget/ledger-pdb-qa',
  ]));
  const paymentConfig = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'payment-api-config-qa') as unknown as { data: Record<string, string> };
  expect(paymentConfig.data.LEDGER_URL).toBe('http://ledger-service-qa.microservices-qa.svc.cluster.local:8080');
});

describe('ingressRouteFor: which declared route serves a path', () => {
  const system: SystemDeclaration = {
    ...PAYMENT_SYSTEM,
    ingress: [
      { service: 'payment-api', pathPrefix: '/api/payment', methods: ['GET'] },
      { service: 'fraud-detector', pathPrefix: '/api/payment/risk', methods: ['GET'] },
    ],
  };
  it.each([
    ['/api/payment', 'payment-api'],
    ['/api/payment/42', 'payment-api'],
    ['/api/payment/risk', 'fraud-detector'],
    ['/api/payment/risk/7', 'fraud-detector'],
    ['/api/payment/riskier', 'payment-api'],
    ['/api/paymentx', undefined],
    ['/api', undefined],
  ])('%s -> %s', (path, service) => {
    expect(ingressRouteFor(system, path)?.service).toBe(service);
  });

  it('a root route serves every path no longer route claims', () => {
    const withRoot = { ...system, ingress: [...system.ingress, { service: 'notification-service', pathPrefix: '/', methods: ['GET'] }] };
    expect(ingressRouteFor(withRoot, '/api/paymentx')?.service).toBe('notification-service');
    expect(ingressRouteFor(withRoot, '/api/payment/1')?.service).toBe('payment-api');
  });
});

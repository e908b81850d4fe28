/**
 * The environments: the file operators edit, data only. `npm run synth` builds every environment
 * below; `ENVIRONMENT_SUFFIX` builds one (see `lib/synth/select-environments.ts`).
 *
 * Each environment sets its suffix and images and overrides only what differs from the defaults;
 * every key, its default and what it means: docs/configuration.md (generated from
 * `lib/model/environment.ts`). Adding an environment: add an entry, run `npm run synth`, commit.
 */
import { EnvironmentsFile } from './environment';

const REGISTRY = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
/** Amazon SES in the cluster's region: a public HTTPS API. */
const EMAIL_PROVIDER = { host: 'email.us-east-1.amazonaws.com', cidrs: ['public-internet'] };
/** Staging's identity provider; next, staging on the current platform, shares it. */
const STAGING_JWT = {
  issuer: 'https://auth.staging.example.com/',
  jwksUri: 'https://auth.staging.example.com/.well-known/jwks.json',
  audiences: ['payments-api'],
};
/** The versions under test in staging (and next). */
const STAGING_IMAGES = {
  'payment-api': `${REGISTRY}/payment-api:1.2.0`,
  'fraud-detector': `${REGISTRY}/fraud-detector:2.0.1`,
  'notification-service': `${REGISTRY}/notification-service:1.0.3`,
};

export const ENVIRONMENTS: EnvironmentsFile = {
  gitops: {
    repoURL: 'https://github.com/example-org/payment-mesh.git',
    targetRevision: 'main',
    argocdNamespace: 'argocd',
    project: 'default',
  },
  // PR environments (ENVIRONMENT_SUFFIX=pr123 ...): plain HTTP on <suffix>.<gatewayDomain>, and these
  // dependency addresses unless PAYMENTS_DB_HOST / PAYMENTS_DB_CIDRS (and so on) override them.
  adHoc: {
    gatewayDomain: 'preview.payments.example.com',
    dependencies: {
      'payments-db': { host: 'payments-preview.cluster-c1a2b3c4d5e6.us-east-1.rds.amazonaws.com', cidrs: ['10.0.230.0/24', '10.0.231.0/24'] },
      'notification-provider': EMAIL_PROVIDER,
    },
  },
  environments: [
    {
      suffix: 'dev',
      images: {
        'payment-api': `${REGISTRY}/payment-api:1.3.0-rc.2`,
        'fraud-detector': `${REGISTRY}/fraud-detector:2.1.0-rc.1`,
        'notification-service': `${REGISTRY}/notification-service:1.0.4`,
      },
      logLevel: 'debug',
      featureFlags: { metrics: true, tracing: true },
      mutableImageTags: true,
      allowPlainHttp: true,
      dependencies: {
        'payments-db': { host: 'payments-dev.cluster-c1a2b3c4d5e6.us-east-1.rds.amazonaws.com', cidrs: ['10.0.200.0/24', '10.0.201.0/24'] },
        'notification-provider': EMAIL_PROVIDER,
      },
    },
    {
      suffix: 'staging',
      images: STAGING_IMAGES,
      featureFlags: { metrics: true, tracing: true },
      gatewayHost: 'payments.staging.example.com',
      tls: { clusterIssuer: 'letsencrypt-prod' },
      jwt: STAGING_JWT,
      dependencies: {
        'payments-db': { host: 'payments-staging.cluster-c1a2b3c4d5e6.us-east-1.rds.amazonaws.com', cidrs: ['10.0.210.0/24', '10.0.211.0/24'] },
        'notification-provider': EMAIL_PROVIDER,
      },
    },
    {
      suffix: 'prod',
      images: {
        'payment-api': `${REGISTRY}/payment-api:1.1.4`,
        'fraud-detector': `${REGISTRY}/fraud-detector:2.0.0`,
        'notification-service': `${REGISTRY}/notification-service:1.0.2`,
      },
      minReplicas: 3,
      maxReplicas: 30,
      requests: { cpu: '500m', memory: '1Gi' },
      limits: { cpu: '1', memory: '2Gi' },
      logLevel: 'warn',
      gatewayHost: 'payments.example.com',
      tls: { existingSecret: 'payments-example-com-tls-prod' },
      jwt: {
        issuer: 'https://auth.example.com/',
        jwksUri: 'https://auth.example.com/.well-known/jwks.json',
        audiences: ['payments-api'],
      },
      dependencies: {
        'payments-db': { host: 'payments-prod.cluster-c1a2b3c4d5e6.us-east-1.rds.amazonaws.com', cidrs: ['10.0.220.0/24', '10.0.221.0/24', '10.0.222.0/24'] },
        'notification-provider': EMAIL_PROVIDER,
      },
    },
      {
      // The upgrade path: staging's configuration on the current platform (EKS 1.35, Istio 1.30),
      // in its own cluster (Istio 1.30 needs Kubernetes 1.32 or later).
      suffix: 'next',
      target: { kubernetes: '1.35', istio: '1.30' },
      clusterServer: 'https://4f8a2c1d9e7b6a5c3d2e1f0a9b8c7d6e.gr7.us-east-1.eks.amazonaws.com',
      images: STAGING_IMAGES,
      featureFlags: { metrics: true, tracing: true },
      gatewayHost: 'payments.next.example.com',
      tls: { clusterIssuer: 'letsencrypt-prod' },
      jwt: STAGING_JWT,
      dependencies: {
        'payments-db': { host: 'payments-next.cluster-c1a2b3c4d5e6.us-east-1.rds.amazonaws.com', cidrs: ['10.1.210.0/24', '10.1.211.0/24'] },
        'notification-provider': EMAIL_PROVIDER,
      },
    },
  ],
};

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

export const ENVIRONMENTS: EnvironmentsFile = {
  gitops: {
    repoURL: 'https://github.com/example-org/payment-mesh.git',
    targetRevision: 'main',
    argocdNamespace: 'argocd',
    project: 'default',
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
    },
    {
      suffix: 'staging',
      images: {
        'payment-api': `${REGISTRY}/payment-api:1.2.0`,
        'fraud-detector': `${REGISTRY}/fraud-detector:2.0.1`,
        'notification-service': `${REGISTRY}/notification-service:1.0.3`,
      },
      featureFlags: { metrics: true, tracing: true },
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
    },
  ],
};

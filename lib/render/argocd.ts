/**
 * One Argo CD `Application` per environment: it syncs that environment's manifest file from Git
 * into its namespace. Pure functions; the synth writes the result to `argocd/<suffix>.yaml`,
 * outside the synced folder, so that Argo CD never syncs (or prunes) its own Applications from it.
 *
 * Cluster requirement: Argo CD must track resources by annotation (`application.resourceTrackingMethod:
 * annotation` in argocd-cm, the default since Argo CD 3.0). Label tracking would overwrite our
 * objects' `app.kubernetes.io/instance` label, which names the service instance, with the app name.
 */
import { checkGitOpsConfig, EnvironmentConfig, GitOpsConfig } from '../model/environment';
import { KubeObject, KubeObjectMetadata } from '../manifest/kube-object';
import { commonLabels } from '../model/labels';
import { Naming } from '../model/naming';
import { PAYMENT_SYSTEM, SystemDeclaration } from '../model/system';
import { OUTPUT_FOLDERS } from '../model/output-layout';
import { toYaml } from './yaml-writer';
import { ConfigError } from '../model/errors';

/**
 * The subset of Argo CD's `Application` (argoproj.io/v1alpha1) we emit. Field names follow Argo CD's
 * CRD and its `application.yaml` reference; our own small interface keeps the project free of a
 * runtime dependency for one object.
 */
export interface ArgoApplication extends KubeObject {
  readonly apiVersion: 'argoproj.io/v1alpha1';
  readonly kind: 'Application';
  readonly metadata: KubeObjectMetadata & { readonly namespace: string };
  readonly spec: {
    readonly project: string;
    readonly source: {
      readonly repoURL: string;
      readonly targetRevision: string;
      /** Folder in the repository, relative to its root. */
      readonly path: string;
      /** `include`: glob of the files under `path` that make up the application. */
      readonly directory: { readonly include: string };
    };
    readonly destination: {
      /** API server URL; `https://kubernetes.default.svc` is the cluster Argo CD runs in. */
      readonly server: string;
      readonly namespace: string;
    };
    readonly syncPolicy: {
      readonly automated: { readonly prune: boolean; readonly selfHeal: boolean; readonly allowEmpty: boolean };
      readonly syncOptions: readonly string[];
      readonly retry: {
        /** Failed sync attempts retried before giving up. */
        readonly limit: number;
        readonly backoff: { readonly duration: string; readonly factor: number; readonly maxDuration: string };
      };
    };
  };
}

/**
 * Application-wide sync options. Deliberately absent: `CreateNamespace=true`, because the
 * manifest itself contains the Namespace (with `istio-injection: enabled` and sync wave -2);
 * Argo CD would otherwise create it on its own, unlabelled, before our object could set it up.
 */
const SYNC_OPTIONS = [
  // Delete objects that left Git only after every wave of the new state is applied and healthy,
  // so a rename never removes the old object before its replacement serves.
  'PruneLast=true',
  // The API server tracks who owns each field: fields owned by others (defaults, the HPA's replica
  // count, webhook edits) stay theirs, removed fields are dropped precisely, and no object carries
  // a last-applied-configuration annotation. Needs Argo CD 2.5 or later.
  'ServerSideApply=true',
  // An object already managed by another Application fails the sync instead of two Applications
  // overwriting each other through selfHeal.
  'FailOnSharedResource=true',
] as const;

/**
 * Retries cover transient first-sync failures (the external-secrets or Istio webhooks not ready
 * yet); 5 attempts with 5 s doubling to at most 3 m, then the failure stays visible.
 */
const RETRY = { limit: 5, backoff: { duration: '5s', factor: 2, maxDuration: '3m' } } as const;

/**
 * The Argo CD Application of one environment: `<system>-<suffix>` in Argo CD's namespace, syncing
 * only `dist/<suffix>.k8s.yaml` of `gitops.repoURL` at `gitops.targetRevision` into
 * `microservices-<suffix>`, automatically, with pruning and self-healing.
 *
 * No `resources-finalizer.argocd.argoproj.io`: with it, deleting the Application (kubectl, or an
 * app-of-apps dropping it) would delete the whole namespace, payment workloads and synced secrets
 * included. Tearing an environment down stays a deliberate `argocd app delete <name>`, which
 * cascades by default. Throws `ConfigError` when `gitops` is invalid.
 */
export function argoApplication(
  env: EnvironmentConfig, gitops: GitOpsConfig, system: SystemDeclaration = PAYMENT_SYSTEM,
): ArgoApplication {
  const problems = checkGitOpsConfig(gitops);
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: `${system.name}-${env.suffix}`,
      namespace: gitops.argocdNamespace,
      labels: commonLabels(system.name),
    },
    spec: {
      project: gitops.project,
      source: {
        repoURL: gitops.repoURL,
        targetRevision: gitops.targetRevision,
        path: OUTPUT_FOLDERS.manifests.dir,
        // Every environment's file shares dist/: without the filter each Application would
        // apply (and, pruning, fight over) all environments.
        directory: { include: `${env.suffix}.k8s.yaml` },
      },
      destination: { server: env.clusterServer, namespace: new Naming(env.suffix).namespace },
      syncPolicy: {
        // allowEmpty false: a manifest that renders empty must never prune the environment away.
        automated: { prune: true, selfHeal: true, allowEmpty: false },
        syncOptions: [...SYNC_OPTIONS],
        retry: { limit: RETRY.limit, backoff: { ...RETRY.backoff } },
      },
    },
  };
}

/** The Application as the YAML file `argocd/<suffix>.yaml`, headed by a do-not-edit note. */
export function renderArgoApplication(
  env: EnvironmentConfig, gitops: GitOpsConfig, system: SystemDeclaration = PAYMENT_SYSTEM,
): string {
  const header = '# Generated by `npm run synth` from lib/environments.ts; do not edit. Apply with `kubectl apply -f`.\n';
  return header + toYaml(argoApplication(env, gitops, system));
}

/**
 * The zero-trust baseline of an environment's namespace, before any service: the Namespace with
 * sidecar injection, a default-deny NetworkPolicy (ingress and egress), STRICT mutual TLS, an
 * allow-nothing AuthorizationPolicy and a default Sidecar scope. A workload added without its own
 * policies is isolated, not open.
 */
import { Construct } from 'constructs';
import type { SidecarV1Beta1Spec } from '../../imports/istio-networking.istio.io';
import type {
  AuthorizationPolicyV1Beta1Spec, PeerAuthenticationV1Beta1Spec, PeerAuthenticationV1Beta1SpecMtlsMode,
} from '../../imports/istio-security.istio.io';
import { commonLabels } from '../model/labels';
import { Naming } from '../model/naming';
import { Target } from '../model/targets';
import { IstioObject } from './istio-object';
import * as k8s from './k8s';
import { allowNothingAuthorizationPolicy, defaultDenyNetworkPolicy, defaultSidecar } from './policies';

/** Props of `NamespaceBaseline`. */
export interface NamespaceBaselineProps {
  /** Names of the environment's objects (the namespace is `naming.namespace`). */
  readonly naming: Naming;
  /** Value of `app.kubernetes.io/part-of` on every object. */
  readonly partOf: string;
  /** The platform: it decides the Istio apiVersions. */
  readonly target: Target;
}

export class NamespaceBaseline extends Construct {
  public readonly namespace: k8s.KubeNamespace;
  /** Isolates every pod of the namespace in both directions. */
  public readonly defaultDeny: k8s.KubeNetworkPolicy;
  /** Mutual TLS required for every workload of the namespace. */
  public readonly strictMtls: IstioObject<PeerAuthenticationV1Beta1Spec>;
  /** An ALLOW policy without rules: every request is denied unless a service policy allows it. */
  public readonly allowNothing: IstioObject<AuthorizationPolicyV1Beta1Spec>;
  /** Proxy scope of any workload without its own Sidecar: the platform's hosts only. */
  public readonly defaultSidecar: IstioObject<SidecarV1Beta1Spec>;

  constructor(scope: Construct, id: string, props: NamespaceBaselineProps) {
    super(scope, id);
    const { naming } = props;
    const labels = commonLabels(props.partOf);
    const meta = (name: string) => ({ name, namespace: naming.namespace, labels });

    this.namespace = new k8s.KubeNamespace(this, 'namespace', {
      metadata: {
        name: naming.namespace,
        labels: { ...labels, 'istio-injection': 'enabled' },
        annotations: { 'argocd.argoproj.io/sync-wave': '-2' },
      },
    });
    this.defaultDeny = new k8s.KubeNetworkPolicy(this, 'default-deny', {
      metadata: meta(naming.namespaceWide('default-deny')), spec: defaultDenyNetworkPolicy(),
    });
    const { target } = props;
    this.strictMtls = new IstioObject(this, 'strict-mtls', {
      target, group: 'security.istio.io', kind: 'PeerAuthentication',
      metadata: meta(naming.namespaceWide('strict-mtls')),
      spec: { mtls: { mode: 'STRICT' as PeerAuthenticationV1Beta1SpecMtlsMode.STRICT } },
    });
    this.allowNothing = new IstioObject(this, 'allow-nothing', {
      target, group: 'security.istio.io', kind: 'AuthorizationPolicy',
      metadata: meta(naming.namespaceWide('allow-nothing')), spec: allowNothingAuthorizationPolicy(),
    });
    this.defaultSidecar = new IstioObject(this, 'default-sidecar', {
      target, group: 'networking.istio.io', kind: 'Sidecar',
      metadata: meta(naming.namespaceWide('default-sidecar')), spec: defaultSidecar(),
    });
  }
}

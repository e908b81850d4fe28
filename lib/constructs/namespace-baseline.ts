/**
 * The zero-trust baseline of an environment's namespace, before any service: the Namespace with
 * sidecar injection, a default-deny NetworkPolicy (ingress and egress), STRICT mutual TLS, an
 * allow-nothing AuthorizationPolicy and a default Sidecar scope. A workload added without its own
 * policies is isolated, not open.
 */
import { Construct } from 'constructs';
import { SidecarV1Beta1 } from '../../imports/istio-networking.istio.io';
import {
  AuthorizationPolicyV1Beta1, PeerAuthenticationV1Beta1, PeerAuthenticationV1Beta1SpecMtlsMode,
} from '../../imports/istio-security.istio.io';
import { commonLabels } from '../model/labels';
import { Naming } from '../model/naming';
import * as k8s from './k8s';
import { allowNothingAuthorizationPolicy, defaultDenyNetworkPolicy, defaultSidecar } from './policies';

/** Props of `NamespaceBaseline`. */
export interface NamespaceBaselineProps {
  /** Names of the environment's objects (the namespace is `naming.namespace`). */
  readonly naming: Naming;
  /** Value of `app.kubernetes.io/part-of` on every object. */
  readonly partOf: string;
}

export class NamespaceBaseline extends Construct {
  public readonly namespace: k8s.KubeNamespace;
  /** Isolates every pod of the namespace in both directions. */
  public readonly defaultDeny: k8s.KubeNetworkPolicy;
  /** Mutual TLS required for every workload of the namespace. */
  public readonly strictMtls: PeerAuthenticationV1Beta1;
  /** An ALLOW policy without rules: every request is denied unless a service policy allows it. */
  public readonly allowNothing: AuthorizationPolicyV1Beta1;
  /** Proxy scope of any workload without its own Sidecar: istio-system only. */
  public readonly defaultSidecar: SidecarV1Beta1;

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
    this.strictMtls = new PeerAuthenticationV1Beta1(this, 'strict-mtls', {
      metadata: meta(naming.namespaceWide('strict-mtls')),
      spec: { mtls: { mode: PeerAuthenticationV1Beta1SpecMtlsMode.STRICT } },
    });
    this.allowNothing = new AuthorizationPolicyV1Beta1(this, 'allow-nothing', {
      metadata: meta(naming.namespaceWide('allow-nothing')), spec: allowNothingAuthorizationPolicy(),
    });
    this.defaultSidecar = new SidecarV1Beta1(this, 'default-sidecar', {
      metadata: meta(naming.namespaceWide('default-sidecar')), spec: defaultSidecar(),
    });
  }
}

/**
 * An Istio object whose apiVersion follows the environment's target (`v1beta1` on Istio 1.19,
 * `v1` on current Istio; see `istioApiVersion`). The spec is typed with the classes `cdk8s import`
 * generated from the Istio CRDs (their v1 and v1beta1 schemas are the same); it is written as
 * given, keys sorted as cdk8s sorts every object.
 */
import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';
import { IstioGroup, istioApiVersion, Target } from '../model/targets';

/** Props of `IstioObject`. */
export interface IstioObjectProps<Spec> {
  /** The platform the object is for: it decides the apiVersion. */
  readonly target: Target;
  /** The API group, e.g. `networking.istio.io`. */
  readonly group: IstioGroup;
  /** The kind, e.g. `Sidecar`. */
  readonly kind: string;
  readonly metadata: ApiObjectMetadata;
  readonly spec: Spec;
}

export class IstioObject<Spec extends object = object> extends ApiObject {
  /** The spec as given. */
  public readonly spec: Spec;

  constructor(scope: Construct, id: string, props: IstioObjectProps<Spec>) {
    super(scope, id, { apiVersion: istioApiVersion(props.target, props.group), kind: props.kind, metadata: props.metadata, spec: props.spec });
    this.spec = props.spec;
  }
}

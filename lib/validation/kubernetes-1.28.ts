/**
 * Lifts the `kubernetes-models` 4.3.1 definitions (generated from Kubernetes 1.27.1; no release
 * of the package is generated from 1.28) to the Kubernetes 1.28.0 API.
 *
 * This is the complete difference in field sets, types, required fields and enums between the
 * package and the official 1.28.0 OpenAPI definitions, for every kind 1.28 serves by default:
 * fields 1.28 added or removed, and fields the package's generator lost. A structural comparison
 * of the two, repeated after patching, reports only the differences kept on purpose (below);
 * redo it when changing either version.
 *
 * Kept on purpose: the package's enums (from the Go `+enum` markers, e.g. Service `type`,
 * container `imagePullPolicy`), which the official definitions omit but API server validation
 * enforces; and no enum on StatefulSet `volumeClaimTemplates[].kind`, which the API server
 * does not check.
 */
import { addProperties, JsonSchema, removeProperty } from './json-schema';

const int32: JsonSchema = { type: 'integer', format: 'int32', nullable: true };
const optionalString: JsonSchema = { type: 'string', nullable: true };

// 1.28 sidecar containers (KEP-753): `restartPolicy: Always` is the one value validation accepts.
const containerRestartPolicy: JsonSchema = { type: 'string', nullable: true, enum: ['Always'] };

const crd = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1';
// For the "schema or boolean" / "schema or array" unions, which the package types as objects.
const acceptAnyValue = (schema: JsonSchema): void => { delete schema.type; };

// Priority-and-fairness "Exempt" levels gained their configuration in 1.28.
const exemptPriorityLevel: JsonSchema = {
  type: 'object', nullable: true, properties: { nominalConcurrencyShares: int32, lendablePercent: int32 },
};

/** Patches by definition id, applied once when the definition is first read. */
export const KUBERNETES_1_28_PATCHES: Readonly<Record<string, (schema: JsonSchema) => void>> = {
  'io.k8s.api.core.v1.Container': (s) => addProperties(s, { restartPolicy: containerRestartPolicy }),
  'io.k8s.api.core.v1.EphemeralContainer': (s) => addProperties(s, { restartPolicy: containerRestartPolicy }),
  'io.k8s.api.batch.v1.JobSpec': (s) => addProperties(s, {
    backoffLimitPerIndex: int32,
    maxFailedIndexes: int32,
    podReplacementPolicy: { type: 'string', nullable: true, enum: ['Failed', 'TerminatingOrFailed'] },
  }),
  'io.k8s.api.batch.v1.JobStatus': (s) => addProperties(s, { failedIndexes: optionalString, terminating: int32 }),
  'io.k8s.api.core.v1.PodStatus': (s) => addProperties(s, {
    hostIPs: { type: 'array', nullable: true, items: { type: 'object', properties: { ip: optionalString } } },
    resourceClaimStatuses: {
      type: 'array',
      nullable: true,
      items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, resourceClaimName: optionalString } },
    },
  }),
  'io.k8s.api.core.v1.PersistentVolumeStatus': (s) => addProperties(s, {
    lastPhaseTransitionTime: { oneOf: [{ $ref: 'io.k8s.apimachinery.pkg.apis.meta.v1.Time#' }, { type: 'null' }] },
  }),
  // 1.28 replaced the alpha `resizeStatus` with `allocatedResourceStatuses`.
  'io.k8s.api.core.v1.PersistentVolumeClaimStatus': (s) => {
    removeProperty(s, 'resizeStatus');
    addProperties(s, { allocatedResourceStatuses: { type: 'object', nullable: true, additionalProperties: { type: 'string' } } });
  },
  // NetworkPolicyStatus was removed in 1.28.
  'io.k8s.api.networking.v1.NetworkPolicy': (s) => removeProperty(s, 'status'),
  'io.k8s.api.flowcontrol.v1beta2.PriorityLevelConfigurationSpec': (s) => addProperties(s, { exempt: exemptPriorityLevel }),
  'io.k8s.api.flowcontrol.v1beta3.PriorityLevelConfigurationSpec': (s) => addProperties(s, { exempt: exemptPriorityLevel }),
  // The package's generator drops every property named `description` (it strips schema
  // descriptions) or `x-kubernetes-*` (it strips extensions): PriorityClass and the CRD schema
  // types have such fields.
  'io.k8s.api.scheduling.v1.PriorityClass': (s) => addProperties(s, { description: optionalString }),
  [`${crd}.CustomResourceColumnDefinition`]: (s) => addProperties(s, { description: optionalString }),
  [`${crd}.ExternalDocumentation`]: (s) => addProperties(s, { description: optionalString }),
  [`${crd}.JSONSchemaProps`]: (s) => addProperties(s, {
    description: optionalString,
    'x-kubernetes-embedded-resource': { type: 'boolean', nullable: true },
    'x-kubernetes-int-or-string': { type: 'boolean', nullable: true },
    'x-kubernetes-list-map-keys': { type: 'array', nullable: true, items: { type: 'string' } },
    'x-kubernetes-list-type': optionalString,
    'x-kubernetes-map-type': optionalString,
    'x-kubernetes-preserve-unknown-fields': { type: 'boolean', nullable: true },
    'x-kubernetes-validations': { type: 'array', nullable: true, items: { $ref: `${crd}.ValidationRule#` } },
  }),
  [`${crd}.ValidationRule`]: (s) => addProperties(s, { fieldPath: optionalString, reason: optionalString }),
  [`${crd}.JSONSchemaPropsOrBool`]: acceptAnyValue,
  [`${crd}.JSONSchemaPropsOrArray`]: acceptAnyValue,
  [`${crd}.JSONSchemaPropsOrStringArray`]: acceptAnyValue,
};

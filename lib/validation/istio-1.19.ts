/**
 * Lifts the `@kubernetes-models/istio` 2.3.0 schemas (generated from an Istio release before
 * 1.19) to the Istio 1.19.10 CRDs.
 *
 * This is the complete difference in field sets, types, required fields, enums and oneOf rules
 * between the package and the 1.19.10 CRDs for every served kind and version (a structural
 * comparison of the two, repeated after patching, reports nothing else):
 * - VirtualService `http[].mirrors` and `http[].rewrite.uriRegexRewrite` are new in 1.19;
 * - Gateway `servers[].tls.mode` and Sidecar `ingress[].tls.mode` gained `OPTIONAL_MUTUAL`;
 * - WasmPlugin `spec.failStrategy` is new.
 * The package writes the CRDs' `x-kubernetes-preserve-unknown-fields` objects (`status`, Struct
 * fields such as EnvoyFilter `patch.value`) as `{type: object, properties: {}}`; the checker
 * treats an object schema without properties or additionalProperties as free-form, which is
 * exactly those. Versions the package has but 1.19 does not serve are excluded by
 * ./served-versions.
 */
import { addProperties, JsonSchema, schemaAt } from './json-schema';

const optionalString: JsonSchema = { type: 'string', nullable: true };

function patchVirtualService(schema: JsonSchema): void {
  const route = schemaAt(schema, 'spec.http[]');
  addProperties(route, {
    // Each entry pairs what `mirror` and `mirrorPercentage` say for the single-mirror form.
    mirrors: {
      type: 'array',
      nullable: true,
      items: {
        type: 'object',
        properties: { destination: schemaAt(route, 'mirror'), percentage: schemaAt(route, 'mirrorPercentage') },
      },
    },
  });
  addProperties(schemaAt(route, 'rewrite'), {
    uriRegexRewrite: { type: 'object', nullable: true, properties: { match: optionalString, rewrite: optionalString } },
  });
}

function addTlsMode(path: string): (schema: JsonSchema) => void {
  return (schema) => {
    const mode = schemaAt(schema, path);
    mode.enum = [...(mode.enum ?? []), 'OPTIONAL_MUTUAL'];
  };
}

/** Patches by `group/version/kind`, applied once when the kind's schema is first read. */
export const ISTIO_1_19_PATCHES: Readonly<Record<string, (schema: JsonSchema) => void>> = {
  'networking.istio.io/v1alpha3/VirtualService': patchVirtualService,
  'networking.istio.io/v1beta1/VirtualService': patchVirtualService,
  'networking.istio.io/v1alpha3/Gateway': addTlsMode('spec.servers[].tls.mode'),
  'networking.istio.io/v1beta1/Gateway': addTlsMode('spec.servers[].tls.mode'),
  'networking.istio.io/v1alpha3/Sidecar': addTlsMode('spec.ingress[].tls.mode'),
  'networking.istio.io/v1beta1/Sidecar': addTlsMode('spec.ingress[].tls.mode'),
  'extensions.istio.io/v1alpha1/WasmPlugin': (schema) => addProperties(schemaAt(schema, 'spec'), {
    failStrategy: { type: 'string', nullable: true, enum: ['FAIL_CLOSE', 'FAIL_OPEN'] },
  }),
};

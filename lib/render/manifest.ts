/** Manifests as the YAML files `kubectl apply -f` and Argo CD read. */
import { KubeObject } from '../manifest/kube-object';
import { toYaml } from './yaml-writer';

/**
 * Multi-document YAML as `kubectl apply -f` and ArgoCD read it. Strings such as `on`, `yes` or
 * `0755` stay quoted strings for YAML 1.1 readers like kubectl (see `toYaml`).
 */
export function renderManifest(objects: readonly KubeObject[]): string {
  return objects.map((obj) => toYaml(obj)).join('---\n');
}

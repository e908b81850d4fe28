/**
 * The Kubernetes 1.28 classes cdk8s-plus-28 generates and exports as `k8s` (the same module object,
 * see test/chart.test.ts). Loaded from its own file because we use none of cdk8s-plus's
 * constructs, and loading all of them cost about 9 ms of every synth (measured). Re-exported as
 * the module itself: `export *` would copy its ~1,000 exports into getters on every run.
 */
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';

export = k8s;

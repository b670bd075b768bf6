import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import type { K8sObject } from './k8s-objects.ts';

interface Model {
  validate(): void;
}

/** The kinds Conveyor's manifests use, each with its Kubernetes API schema (kubernetes-models). */
const MODELS: ReadonlyArray<{ apiVersion: string; kind: string; create: () => Model }> = [
  Namespace,
  ConfigMap,
  Secret,
  Service,
  Deployment,
  StatefulSet,
  PodDisruptionBudget,
  HorizontalPodAutoscaler,
  NetworkPolicy,
].map((model) => ({ apiVersion: model.apiVersion, kind: model.kind, create: () => new model() }));

/**
 * What is wrong with the object against its kind's API schema (wrong types, missing required
 * fields, values outside an enum), or undefined when it is valid. A kind without a schema here is
 * an error too: a manifest nobody checks is how typos reach a cluster.
 */
export function schemaProblem(object: K8sObject): string | undefined {
  const where = `${object.kind}/${object.metadata.name}`;
  const model = MODELS.find((m) => m.apiVersion === object.apiVersion && m.kind === object.kind);
  if (!model) return `${where}: no schema for ${object.apiVersion} ${object.kind}`;
  try {
    Object.assign(model.create(), object).validate();
    return undefined;
  } catch (error) {
    return `${where}: ${error instanceof Error ? error.message : String(error)}`;
  }
}

import type { K8sObject } from './k8s-objects.ts';
import { workloadContainers } from './k8s-policy.ts';
import { isRecord } from './records.ts';

/** A container's environment as Kubernetes would build it from its manifests. */
export interface ContainerEnv {
  /** Every variable the container gets, whether or not its value is known here. */
  names: Set<string>;
  /** Values resolved from `value`, ConfigMaps and Secrets present among the objects. */
  values: Record<string, string>;
  /** References to a key or object missing from the objects (an external Secret is not one). */
  dangling: string[];
}

function dataOf(object: K8sObject | undefined): Record<string, string> | undefined {
  if (!object) return undefined;
  const entries: Record<string, string> = {};
  for (const key of ['data', 'stringData']) {
    const data = object[key];
    if (!isRecord(data)) continue;
    for (const [name, value] of Object.entries(data)) {
      if (typeof value !== 'string') continue;
      entries[name] =
        key === 'data' && object.kind === 'Secret' ? Buffer.from(value, 'base64').toString() : value;
    }
  }
  return entries;
}

/**
 * The environment of the first container of a Deployment: `envFrom` sources in order, then
 * `env` (which wins, as in Kubernetes). A Secret that is not among the objects is external (the
 * prod overlay's): its variables are set, their values unknown.
 */
export function containerEnv(deployment: K8sObject, objects: K8sObject[]): ContainerEnv {
  const [first] = workloadContainers([deployment]);
  const env: ContainerEnv = { names: new Set(), values: {}, dangling: [] };
  if (!first) return env;
  const find = (kind: string, name: unknown) =>
    objects.find(
      (o) =>
        o.kind === kind && o.metadata.name === name && o.metadata.namespace === deployment.metadata.namespace,
    );
  const from = Array.isArray(first.container.envFrom) ? first.container.envFrom.filter(isRecord) : [];
  for (const source of from) {
    const [kind, ref] = isRecord(source.configMapRef)
      ? ['ConfigMap', source.configMapRef]
      : ['Secret', isRecord(source.secretRef) ? source.secretRef : {}];
    const data = dataOf(find(kind, ref.name));
    if (!data) {
      env.dangling.push(`${kind} ${String(ref.name)} (envFrom)`);
      continue;
    }
    for (const [name, value] of Object.entries(data)) {
      env.names.add(name);
      env.values[name] = value;
    }
  }
  const entries = Array.isArray(first.container.env) ? first.container.env.filter(isRecord) : [];
  for (const entry of entries) {
    const name = String(entry.name);
    env.names.add(name);
    if (typeof entry.value === 'string') {
      env.values[name] = entry.value;
      continue;
    }
    const valueFrom = isRecord(entry.valueFrom) ? entry.valueFrom : {};
    const [kind, ref] = isRecord(valueFrom.configMapKeyRef)
      ? ['ConfigMap', valueFrom.configMapKeyRef]
      : ['Secret', isRecord(valueFrom.secretKeyRef) ? valueFrom.secretKeyRef : {}];
    const source = find(kind, ref.name);
    if (!source) {
      if (kind === 'ConfigMap') env.dangling.push(`ConfigMap ${String(ref.name)} (${name})`);
      continue;
    }
    const value = dataOf(source)?.[String(ref.key)];
    if (value === undefined)
      env.dangling.push(`${kind} ${String(ref.name)} has no key ${String(ref.key)} (${name})`);
    else env.values[name] = value;
  }
  return env;
}

/**
 * The variables a config loader reads, found by running it on an environment that records every
 * lookup: the loader's own list, never a copy kept by hand. `error` is what the loader threw.
 */
export function recordEnvReads(
  load: (env: NodeJS.ProcessEnv) => unknown,
  values: Record<string, string>,
): { reads: string[]; error: unknown } {
  const reads = new Set<string>();
  const env = new Proxy<NodeJS.ProcessEnv>(
    { ...values },
    {
      get(target, name) {
        if (typeof name === 'string') reads.add(name);
        return typeof name === 'string' ? target[name] : undefined;
      },
      has(target, name) {
        if (typeof name === 'string') reads.add(name);
        return name in target;
      },
    },
  );
  try {
    load(env);
    return { reads: [...reads].sort(), error: undefined };
  } catch (error) {
    return { reads: [...reads].sort(), error };
  }
}

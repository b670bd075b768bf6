import { fileURLToPath } from 'node:url';
import {
  findKubectl,
  type K8sObject,
  kustomizationResources,
  renderKustomization,
} from '../src/k8s-objects.ts';

export const rootDir = fileURLToPath(new URL('../../..', import.meta.url));
export const k8sDir = fileURLToPath(new URL('../../k8s', import.meta.url));

/** Where kubectl is (these machines: /usr/bin/kubectl); without it only the base is checked. */
export const kubectl = findKubectl();

export interface ManifestSet {
  name: string;
  objects: K8sObject[];
}

/**
 * The base as written (checkable without kustomize), and with kubectl the base and both overlays
 * as `kubectl kustomize` renders them: what an apply would send.
 */
export function manifestSets(): ManifestSet[] {
  cached ??= render();
  return cached;
}

let cached: ManifestSet[] | undefined;

function render(): ManifestSet[] {
  const sets: ManifestSet[] = [{ name: 'base (files)', objects: kustomizationResources(`${k8sDir}/base`) }];
  if (kubectl)
    for (const dir of ['base', 'overlays/dev', 'overlays/prod'])
      sets.push({
        name: `${dir} (kubectl kustomize)`,
        objects: renderKustomization(kubectl, `${k8sDir}/${dir}`),
      });
  return sets;
}

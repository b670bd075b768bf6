import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { isRecord } from './records.ts';

/** A Kubernetes object as written in a manifest: the fields every kind has, the rest untyped. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

function isK8sObject(value: unknown): value is K8sObject {
  return (
    isRecord(value) &&
    typeof value.apiVersion === 'string' &&
    typeof value.kind === 'string' &&
    isRecord(value.metadata) &&
    typeof value.metadata.name === 'string'
  );
}

/** Every document of a multi-document YAML text; one without apiVersion, kind or name throws. */
export function parseObjects(text: string, source: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((document) => document.toJS())
    .filter((value) => value !== null && value !== undefined)
    .map((value, index) => {
      if (!isK8sObject(value)) throw new Error(`${source}: document ${index + 1} is not a Kubernetes object`);
      return value;
    });
}

/**
 * The objects a kustomization lists under `resources`, read from its files without kustomize
 * (folders are followed as kustomizations). Patches and generators are not applied: this is what
 * remains checkable where kubectl is missing.
 */
export function kustomizationResources(dir: string): K8sObject[] {
  const kustomization: unknown = parseAllDocuments(
    readFileSync(join(dir, 'kustomization.yaml'), 'utf8'),
  )[0]?.toJS();
  const resources =
    isRecord(kustomization) && Array.isArray(kustomization.resources) ? kustomization.resources : [];
  return resources.flatMap((entry): K8sObject[] => {
    if (typeof entry !== 'string') throw new Error(`${dir}/kustomization.yaml: a resource is not a path`);
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return kustomizationResources(path);
    return parseObjects(readFileSync(path, 'utf8'), path);
  });
}

/** kubectl on PATH (or /usr/bin/kubectl), or undefined. */
export function findKubectl(path = process.env.PATH ?? ''): string | undefined {
  return [...path.split(delimiter), '/usr/bin']
    .map((dir) => join(dir, 'kubectl'))
    .find((candidate) => existsSync(candidate));
}

/** `kubectl kustomize <dir>`: the objects an apply would send. Needs no cluster. */
export function renderKustomization(kubectl: string, dir: string): K8sObject[] {
  const text = execFileSync(kubectl, ['kustomize', dir], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  return parseObjects(text, `kubectl kustomize ${dir}`);
}

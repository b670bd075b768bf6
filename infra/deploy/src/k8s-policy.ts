import type { K8sObject } from './k8s-objects.ts';
import { isRecord } from './records.ts';

/** A container of a workload with the pod it runs in. */
export interface WorkloadContainer {
  workload: K8sObject;
  pod: Record<string, unknown>;
  container: Record<string, unknown>;
  /** `Deployment/orders container orders`, for messages. */
  where: string;
}

function field(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) current = isRecord(current) ? current[key] : undefined;
  return current;
}

function records(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

/** Every container (init containers included) of the Deployments and StatefulSets. */
export function workloadContainers(objects: K8sObject[]): WorkloadContainer[] {
  return objects
    .filter((object) => object.kind === 'Deployment' || object.kind === 'StatefulSet')
    .flatMap((workload) => {
      const pod = field(workload, 'spec', 'template', 'spec');
      if (!isRecord(pod)) return [];
      return [...records(pod.initContainers), ...records(pod.containers)].map((container) => ({
        workload,
        pod,
        container,
        where: `${workload.kind}/${workload.metadata.name} container ${String(container.name)}`,
      }));
    });
}

/**
 * Every container is probed (readiness and liveness), has requests and limits for CPU and
 * memory, and runs as a non-root user that cannot escalate (the pod's or its own security context).
 */
export function containerProblems(objects: K8sObject[]): string[] {
  return workloadContainers(objects).flatMap(({ pod, container, where }) => {
    const problems: string[] = [];
    for (const probe of ['readinessProbe', 'livenessProbe'])
      if (!isRecord(container[probe])) problems.push(`${where}: no ${probe}`);
    for (const kind of ['requests', 'limits'])
      for (const resource of ['cpu', 'memory'])
        if (field(container, 'resources', kind, resource) === undefined)
          problems.push(`${where}: no resources.${kind}.${resource}`);
    const setting = (name: string) =>
      field(container, 'securityContext', name) ?? field(pod, 'securityContext', name);
    if (setting('runAsNonRoot') !== true) problems.push(`${where}: runAsNonRoot is not true`);
    if (setting('runAsUser') === 0) problems.push(`${where}: runAsUser is 0`);
    if (field(container, 'securityContext', 'allowPrivilegeEscalation') !== false)
      problems.push(`${where}: allowPrivilegeEscalation is not false`);
    return problems;
  });
}

/** The Deployments of Conveyor's own processes (gateway and services), by their role label. */
export function conveyorDeployments(objects: K8sObject[]): K8sObject[] {
  return objects.filter(
    (object) =>
      object.kind === 'Deployment' &&
      ['gateway', 'service'].includes(object.metadata.labels?.['conveyor.dev/role'] ?? ''),
  );
}

/**
 * Each Conveyor process runs two replicas with readiness on /ready and liveness on /health, a
 * read-only root file system with every capability dropped, behind a Service, a
 * PodDisruptionBudget and a HorizontalPodAutoscaler of its own.
 */
export function conveyorDeploymentProblems(objects: K8sObject[]): string[] {
  const deployments = conveyorDeployments(objects);
  const problems = deployments.length === 0 ? ['no Conveyor Deployment'] : [];
  const named = (kind: string, name: string) =>
    objects.find((o) => o.kind === kind && o.metadata.name === name);
  for (const deployment of deployments) {
    const { name } = deployment.metadata;
    if (field(deployment, 'spec', 'replicas') !== 2) problems.push(`Deployment/${name}: replicas is not 2`);
    for (const { container, where } of workloadContainers([deployment])) {
      if (field(container, 'readinessProbe', 'httpGet', 'path') !== '/ready')
        problems.push(`${where}: readiness is not GET /ready`);
      if (field(container, 'livenessProbe', 'httpGet', 'path') !== '/health')
        problems.push(`${where}: liveness is not GET /health`);
      if (field(container, 'securityContext', 'readOnlyRootFilesystem') !== true)
        problems.push(`${where}: root file system is not read-only`);
      const dropped = field(container, 'securityContext', 'capabilities', 'drop');
      if (!Array.isArray(dropped) || !dropped.includes('ALL'))
        problems.push(`${where}: capabilities not dropped`);
    }
    if (!named('Service', name)) problems.push(`Deployment/${name}: no Service`);
    if (!named('PodDisruptionBudget', name)) problems.push(`Deployment/${name}: no PodDisruptionBudget`);
    const autoscaler = named('HorizontalPodAutoscaler', name);
    if (field(autoscaler, 'spec', 'scaleTargetRef', 'name') !== name)
      problems.push(`Deployment/${name}: no HorizontalPodAutoscaler scaling it`);
    else if (field(autoscaler, 'spec', 'minReplicas') !== 2)
      problems.push(`HorizontalPodAutoscaler/${name}: minReplicas is not 2`);
  }
  return problems;
}

/**
 * Ingress is denied by default; a policy that lets anyone in (a rule without `from`) selects the
 * gateway only, and every other rule admits Conveyor's own pods only.
 */
export function networkPolicyProblems(objects: K8sObject[]): string[] {
  const policies = objects.filter((object) => object.kind === 'NetworkPolicy');
  const problems: string[] = [];
  const denyAll = policies.some(
    (policy) =>
      Object.keys(field(policy, 'spec', 'podSelector') ?? {}).length === 0 &&
      field(policy, 'spec', 'ingress') === undefined &&
      JSON.stringify(field(policy, 'spec', 'policyTypes')) === '["Ingress"]',
  );
  if (!denyAll) problems.push('no NetworkPolicy denying ingress to every pod by default');
  for (const policy of policies) {
    const selected = field(policy, 'spec', 'podSelector', 'matchLabels');
    for (const rule of records(field(policy, 'spec', 'ingress'))) {
      const from = records(rule.from);
      if (from.length === 0) {
        if (JSON.stringify(selected) !== '{"app.kubernetes.io/name":"gateway"}')
          problems.push(
            `NetworkPolicy/${policy.metadata.name}: open to anyone but does not select the gateway only`,
          );
      } else if (
        !from.every(
          (peer) => field(peer, 'podSelector', 'matchLabels', 'app.kubernetes.io/part-of') === 'conveyor',
        )
      )
        problems.push(`NetworkPolicy/${policy.metadata.name}: admits pods other than Conveyor's`);
    }
  }
  return problems;
}

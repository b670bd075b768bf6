import { describe, expect, it } from 'vitest';
import { workspaceImage } from '../src/dockerfile.ts';
import type { K8sObject } from '../src/k8s-objects.ts';
import {
  containerProblems,
  conveyorDeploymentProblems,
  conveyorDeployments,
  networkPolicyProblems,
  workloadContainers,
} from '../src/k8s-policy.ts';
import { schemaProblem } from '../src/k8s-schemas.ts';
import { DEPLOYABLE_WORKSPACES } from '../src/workspaces.ts';
import { kubectl, manifestSets, rootDir } from './k8s-world.ts';

const sets = manifestSets();

describe('infra/k8s', () => {
  it('is rendered with kubectl kustomize (base and both overlays) where kubectl exists', () => {
    const rendered = sets.filter((set) => set.name.endsWith('(kubectl kustomize)')).map((set) => set.name);
    expect(rendered).toEqual(
      kubectl
        ? [
            'base (kubectl kustomize)',
            'overlays/dev (kubectl kustomize)',
            'overlays/prod (kubectl kustomize)',
          ]
        : [],
    );
  });

  for (const { name, objects } of sets) {
    describe(name, () => {
      it(`validates its ${objects.length} objects against the Kubernetes API schemas`, () => {
        expect(objects.length).toBeGreaterThan(20);
        expect(objects.map(schemaProblem).filter(Boolean)).toEqual([]);
      });

      it(`probes, sizes and runs as non-root its ${workloadContainers(objects).length} containers`, () => {
        expect(containerProblems(objects)).toEqual([]);
      });

      it('runs every Conveyor process twice, probed on /ready and /health, read-only, with a Service, PDB and HPA', () => {
        expect(conveyorDeploymentProblems(objects)).toEqual([]);
      });

      it('lets only the gateway be reached from outside; services admit Conveyor pods only', () => {
        expect(networkPolicyProblems(objects)).toEqual([]);
      });

      it('runs the images the Dockerfile builds', () => {
        const images = Object.fromEntries(
          conveyorDeployments(objects).flatMap((deployment) =>
            workloadContainers([deployment]).map(({ container }) => [
              deployment.metadata.name,
              container.image,
            ]),
          ),
        );
        const built = Object.fromEntries(
          DEPLOYABLE_WORKSPACES.map((workspace) => {
            const image = workspaceImage(rootDir, workspace);
            return [image.name.replace('conveyor/', ''), `${image.name}:${image.version}`];
          }),
        );
        expect(images).toEqual(built);
      });
    });
  }
});

describe('the manifest checks', () => {
  const bare: K8sObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'bare', labels: { 'conveyor.dev/role': 'service' } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'bare' } },
      template: {
        spec: { containers: [{ name: 'app', image: 'conveyor/bare:1', readinessProbe: { httpGet: {} } }] },
      },
    },
  };

  it('names what the Kubernetes schema refuses, and a kind it has no schema for', () => {
    expect(schemaProblem(bare)).toBe(
      'Deployment/bare: data/spec/template/spec/containers/0/readinessProbe/httpGet must have required property port',
    );
    expect(schemaProblem({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } })).toBe(
      'Widget/w: no schema for example.com/v1 Widget',
    );
  });

  it('names a container without probes, resources or a non-root user', () => {
    expect(containerProblems([bare])).toEqual([
      'Deployment/bare container app: no livenessProbe',
      'Deployment/bare container app: no resources.requests.cpu',
      'Deployment/bare container app: no resources.requests.memory',
      'Deployment/bare container app: no resources.limits.cpu',
      'Deployment/bare container app: no resources.limits.memory',
      'Deployment/bare container app: runAsNonRoot is not true',
      'Deployment/bare container app: allowPrivilegeEscalation is not false',
    ]);
  });

  it('names a Conveyor Deployment with one replica and nothing around it', () => {
    expect(conveyorDeploymentProblems([bare])).toEqual([
      'Deployment/bare: replicas is not 2',
      'Deployment/bare container app: readiness is not GET /ready',
      'Deployment/bare container app: liveness is not GET /health',
      'Deployment/bare container app: root file system is not read-only',
      'Deployment/bare container app: capabilities not dropped',
      'Deployment/bare: no Service',
      'Deployment/bare: no PodDisruptionBudget',
      'Deployment/bare: no HorizontalPodAutoscaler scaling it',
    ]);
  });

  it('names a policy that opens a service to anyone, and a missing default deny', () => {
    const open: K8sObject = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'open-orders' },
      spec: {
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'orders' } },
        ingress: [{ ports: [] }],
      },
    };
    expect(networkPolicyProblems([open])).toEqual([
      'no NetworkPolicy denying ingress to every pod by default',
      'NetworkPolicy/open-orders: open to anyone but does not select the gateway only',
    ]);
  });
});

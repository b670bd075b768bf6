import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dockerEndpoints, infraMode } from './testcontainers-mode.ts';
import setup from './vitest-global-setup.ts';

describe('CONVEYOR_INFRA', () => {
  it('chooses the local infra by default and testcontainers when asked', () => {
    expect(infraMode({})).toBe('local');
    expect(infraMode({ CONVEYOR_INFRA: 'local' })).toBe('local');
    expect(infraMode({ CONVEYOR_INFRA: 'testcontainers' })).toBe('testcontainers');
    expect(() => infraMode({ CONVEYOR_INFRA: 'docker' })).toThrow(
      'CONVEYOR_INFRA must be one of local, testcontainers; got "docker"',
    );
  });

  it('tries DOCKER_HOST, else the usual Docker sockets', () => {
    expect(dockerEndpoints({ DOCKER_HOST: 'tcp://10.0.0.5:2375' })).toEqual(['tcp://10.0.0.5:2375']);
    expect(dockerEndpoints({ XDG_RUNTIME_DIR: '/run/user/1000' }).slice(0, 2)).toEqual([
      'unix:///var/run/docker.sock',
      'unix:///run/user/1000/docker.sock',
    ]);
  });
});

describe('the integration global setup with CONVEYOR_INFRA=testcontainers and no Docker engine', () => {
  const saved = { ...process.env };
  const dir = mkdtempSync(join(tmpdir(), 'no-docker-'));
  afterEach(() => {
    process.env = { ...saved };
    rmSync(dir, { recursive: true, force: true });
  });

  it('stops at once with one message naming CONVEYOR_INFRA and the socket it tried', async () => {
    const socket = join(dir, 'docker.sock');
    Object.assign(process.env, { CONVEYOR_INFRA: 'testcontainers', DOCKER_HOST: `unix://${socket}` });
    const provided: unknown[] = [];
    const started = Date.now();
    await expect(setup({ provide: (...args) => provided.push(args) })).rejects.toThrow(
      `[testcontainers] CONVEYOR_INFRA=testcontainers needs a Docker engine; none answered at unix://${socket}.`,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(provided).toEqual([]);
  });
});

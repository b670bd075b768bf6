import { describe, expect, it } from 'vitest';
import { type CpuProfile, packageOf, summarizeProfile } from './profile-summary.ts';

const root = '/repo';
const frame = (id: number, functionName: string, url: string, lineNumber = 0) => ({
  id,
  callFrame: { functionName, url, lineNumber },
});

describe('CPU profile summary', () => {
  it('ranks self time by function and by package, leaving idle out of the busy time', () => {
    const profile: CpuProfile = {
      nodes: [
        frame(1, '(root)', ''),
        frame(2, '(idle)', ''),
        frame(3, 'encode', 'file:///repo/node_modules/avsc/lib/types.js', 9),
        frame(4, 'publishBatch', 'file:///repo/packages/events/src/outbox/outbox-relay.ts', 169),
        frame(5, '(garbage collector)', ''),
      ],
      startTime: 0,
      endTime: 10_000, // 10 ms, 10 samples: 1 ms each
      samples: [2, 2, 2, 2, 3, 3, 3, 4, 5, 3],
    };
    const summary = summarizeProfile(profile, 'relay', 'relay.cpuprofile', root);
    expect(summary.sampledMs).toBe(10);
    expect(summary.busyMs).toBe(6);
    expect(summary.topFunctions[0]).toEqual({
      name: 'encode  avsc/lib/types.js:10',
      selfMs: 4,
      percent: 66.7,
    });
    expect(summary.byPackage.map((p) => p.name)).toEqual(['avsc', 'packages/events', '(garbage collector)']);
  });

  it('names packages: scoped, workspaces and node internals', () => {
    expect(packageOf('file:///repo/node_modules/@fastify/reply-from/index.js', 'f', root)).toBe(
      '@fastify/reply-from',
    );
    expect(packageOf('file:///repo/services/orders/src/app.ts', 'f', root)).toBe('services/orders');
    expect(packageOf('node:internal/streams/readable', 'f', root)).toBe('node (internals)');
    expect(packageOf('', 'JSON.parse', root)).toBe('(native / V8 builtins)');
  });
});

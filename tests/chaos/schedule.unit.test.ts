import { describe, expect, it } from 'vitest';
import { parseCli } from './cli.ts';
import { buildSchedule, describeFault, FAULT_KINDS, mulberry32 } from './schedule.ts';
import { POISON_TARGETS } from './targets.ts';

describe('the chaos fault schedule', () => {
  const kinds = FAULT_KINDS;

  it('is the same for the same seed, duration and kinds', () => {
    const a = buildSchedule({ seed: 42, durationMs: 60_000, kinds });
    const b = buildSchedule({ seed: 42, durationMs: 60_000, kinds });
    expect(a).toEqual(b);
    expect(a.map(describeFault)).toEqual(b.map(describeFault));
  });

  it('differs for another seed', () => {
    const a = buildSchedule({ seed: 1, durationMs: 60_000, kinds });
    const b = buildSchedule({ seed: 2, durationMs: 60_000, kinds });
    expect(a).not.toEqual(b);
  });

  it('contains every requested kind once there are enough slots, and only those', () => {
    const schedule = buildSchedule({ seed: 7, durationMs: 120_000, kinds });
    expect(new Set(schedule.map((f) => f.kind))).toEqual(new Set(kinds));
    // Fewer slots than kinds: a drawn subset, each once.
    const short = buildSchedule({ seed: 7, durationMs: 60_000, kinds }).map((f) => f.kind);
    expect(short).toHaveLength(8);
    expect(new Set(short).size).toBe(8);
    const some = buildSchedule({ seed: 7, durationMs: 60_000, kinds: ['drop-db', 'kill-relay'] });
    expect(new Set(some.map((f) => f.kind))).toEqual(new Set(['drop-db', 'kill-relay']));
  });

  it('keeps faults in time order, after the warm-up, out of the last 15%, each restart before the next fault', () => {
    for (const seed of [1, 2, 3, 99, 12345]) {
      const schedule = buildSchedule({ seed, durationMs: 60_000, kinds });
      for (let i = 0; i < schedule.length; i++) {
        const f = schedule[i]!;
        expect(f.atMs).toBeGreaterThanOrEqual(3_000);
        expect(f.atMs).toBeLessThan(51_000);
        const next = schedule[i + 1];
        if (next) {
          expect(next.atMs).toBeGreaterThan(f.atMs);
          if ('restartAfterMs' in f) expect(f.atMs + f.restartAfterMs).toBeLessThan(next.atMs);
        }
      }
    }
  });

  it('targets the process that hosts the role, with SIGKILL or SIGTERM', () => {
    const schedule = buildSchedule({
      seed: 5,
      durationMs: 600_000,
      kinds: ['kill-orchestrator', 'kill-relay'],
    });
    for (const f of schedule) {
      if (f.kind === 'kill-orchestrator') expect(f.service).toBe('orders');
      if (f.kind === 'kill-orchestrator' || f.kind === 'kill-relay') {
        expect(['SIGKILL', 'SIGTERM']).toContain(f.signal);
        expect(f.role).toMatch(/orchestrator|relay/);
      }
    }
    expect(new Set(schedule.map((f) => ('signal' in f ? f.signal : '')))).toEqual(
      new Set(['SIGKILL', 'SIGTERM']),
    );
  });

  it("draws replicas among the run's, pauses of 2 to 12 s, poison on a topic with readers", () => {
    const schedule = buildSchedule({ seed: 8, durationMs: 600_000, kinds, replicas: 2 });
    const replicas = new Set<number>();
    for (const f of schedule) {
      if ('replica' in f) replicas.add(f.replica);
      if (f.kind === 'pause') {
        expect(f.pauseMs).toBeGreaterThanOrEqual(2_000);
        expect(f.pauseMs).toBeLessThanOrEqual(12_000);
      }
      if (f.kind === 'poison') expect(Object.keys(POISON_TARGETS)).toContain(f.topic);
      if (f.kind === 'failing-compensation') expect(f.service).toBe('inventory');
    }
    expect(replicas).toEqual(new Set([0, 1]));
    const single = buildSchedule({ seed: 8, durationMs: 600_000, kinds, replicas: 1 });
    expect(single.every((f) => !('replica' in f) || f.replica === 0)).toBe(true);
  });

  it('is empty without kinds', () => {
    expect(buildSchedule({ seed: 1, durationMs: 60_000, kinds: [] })).toEqual([]);
  });

  it('mulberry32 is deterministic and in [0, 1)', () => {
    const a = mulberry32(3);
    const b = mulberry32(3);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});

describe('the chaos CLI flags', () => {
  it('reads every flag', () => {
    expect(
      parseCli([
        '--seed',
        '9',
        '--duration',
        '2m',
        '--rate',
        '15/s',
        '--faults',
        'drop-db,kill-relay',
        '--replicas',
        '1',
        '--keep',
      ]),
    ).toEqual({
      seed: 9,
      durationMs: 120_000,
      rate: 15,
      replicas: 1,
      faults: ['drop-db', 'kill-relay'],
      quiescenceMs: 90_000,
      keep: true,
    });
  });

  it('runs two replicas unless --replicas or CONVEYOR_REPLICAS says otherwise', () => {
    expect(parseCli([]).replicas).toBe(2);
    expect(parseCli([], { CONVEYOR_REPLICAS: '3' }).replicas).toBe(3);
    expect(parseCli(['--replicas', '1'], { CONVEYOR_REPLICAS: '3' }).replicas).toBe(1);
    expect(() => parseCli([], { CONVEYOR_REPLICAS: 'two' })).toThrow('CONVEYOR_REPLICAS');
  });

  it.each([
    [['--replicas', '0'], '--replicas'],
    [['--seed', 'x'], '--seed'],
    [['--duration', 'soon'], '--duration'],
    [['--rate', 'fast'], '--rate'],
    [['--faults', 'kill-everything'], '--faults'],
    [['--bogus'], '--bogus'],
  ])('refuses %j naming the flag', (argv, flag) => {
    expect(() => parseCli(argv)).toThrow(flag);
  });
});

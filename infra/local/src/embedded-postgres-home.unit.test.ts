import { describe, expect, it } from 'vitest';
import { firstClosedDirectory } from './embedded-postgres-home.ts';

describe('firstClosedDirectory', () => {
  const modes: Record<string, number> = {
    '/': 0o755,
    '/tmp': 0o1777,
    '/tmp/tmp.abc': 0o700,
    '/tmp/tmp.abc/repo': 0o755,
    '/work': 0o755,
    '/work/main': 0o755,
    '/root': 0o700,
  };
  const modeOf = (dir: string) => modes[dir];

  it('names the first folder other users cannot enter on the way to a path', () => {
    expect(firstClosedDirectory('/tmp/tmp.abc/repo/node_modules/x', modeOf)).toBe('/tmp/tmp.abc');
    expect(firstClosedDirectory('/root/conveyor/.infra', modeOf)).toBe('/root');
  });

  it('finds nothing when every folder has the execute bit for others, or is not created yet', () => {
    expect(firstClosedDirectory('/work/main/node_modules', modeOf)).toBeUndefined();
    expect(firstClosedDirectory('/work/main', modeOf)).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { Wakeup } from './wakeup.ts';

describe('Wakeup', () => {
  it('ends a wait early when fired', async () => {
    const wakeup = new Wakeup();
    const began = Date.now();
    setTimeout(() => wakeup.fire(), 20);
    await wakeup.wait(5_000);
    expect(Date.now() - began).toBeLessThan(1_000);
  });

  it('does not lose a fire that happens before the wait', async () => {
    const wakeup = new Wakeup();
    wakeup.fire();
    const began = Date.now();
    await wakeup.wait(5_000);
    expect(Date.now() - began).toBeLessThan(100);
  });

  it('times out when nothing fires', async () => {
    const began = Date.now();
    await new Wakeup().wait(30);
    expect(Date.now() - began).toBeGreaterThanOrEqual(25);
  });
});

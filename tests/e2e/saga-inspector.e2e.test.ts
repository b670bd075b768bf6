import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { adminUiDistDir } from '@conveyor/admin-ui';
import { bearer } from '@conveyor/http/testing';
import { loadInfraConfig } from '@conveyor/infra-local';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, findChromium } from '../support/chromium.ts';
import { eventually, http, startE2eStack } from '../support/e2e-stack.ts';

type Stack = Awaited<ReturnType<typeof startE2eStack>>;

const ADMIN = bearer(randomUUID(), ['admin', 'user']);
const ADMIN_TOKEN = ADMIN.authorization.replace(/^Bearer /, '');
/** A card token that must never show on the page (saga secrets are redacted). */
const CARD_TOKEN = `tok_secret_${randomUUID().slice(0, 8)}`;
/** The page polls every 2–3 s; an answer may take a round or two on a loaded machine. */
const within = { timeout: 20_000 };
const address = { street: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' };

/** Under .infra/ (ignored by git): the screenshots the note lists. */
const SHOTS = join(loadInfraConfig().rootDir, '.infra', 'output', 'saga-inspector');

/**
 * The saga inspector in a real Chromium against the whole stack through the gateway: sign-in,
 * the list with live counts and filters, a completed and a compensated saga's timeline and
 * messages, the projections page with a rebuild, and a retry of a saga held by a stopped
 * participant that completes once the participant is back.
 */
describe('saga inspector in a browser', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  let gateway: string;
  let products: { id: string; priceCents: number; available: number }[];

  beforeAll(async () => {
    const began = Date.now();
    if (!existsSync(join(adminUiDistDir, 'index.html')))
      throw new Error('admin-ui is not built: npm test builds it (or npm run build -w @conveyor/admin-ui)');
    mkdirSync(SHOTS, { recursive: true });
    [stack, browser] = await Promise.all([
      startE2eStack({ gateway: { RATE_LIMIT_MAX: '10000' } }),
      chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS }),
    ]);
    gateway = stack.url('gateway');
    console.log(`saga inspector: stack and Chromium up in ${((Date.now() - began) / 1000).toFixed(1)} s`);
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    products = (await http('GET', `${gateway}/api/products?limit=100`)).json.items;
    // The operator orders too: a user registers itself, then orders knows it from user.created.
    const registered = await http(
      'POST',
      `${gateway}/api/users`,
      {
        email: 'operator@example.com',
        profile: { firstName: 'Grace', lastName: 'Hopper' },
        preferences: { language: 'en' },
      },
      ADMIN,
    );
    expect(registered.status, JSON.stringify(registered.json)).toBe(201);
    await eventually('orders to know the operator', async () => {
      const list = await http('GET', `${gateway}/api/users/${registered.json.id}/orders`, undefined, ADMIN);
      return list.json.user ? true : undefined;
    });
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.teardown();
  });

  async function placeOrder(paymentToken: string) {
    const product = products.filter((p) => p.available >= 10).sort((a, b) => a.priceCents - b.priceCents)[0];
    const placed = await http(
      'POST',
      `${gateway}/api/orders`,
      { items: [{ productId: product?.id, quantity: 1 }], shippingAddress: address, paymentToken },
      ADMIN,
    );
    expect(placed.status, JSON.stringify(placed.json)).toBe(202);
    return placed.json as { orderId: string; sagaId: string };
  }

  const sagaStatus = async (sagaId: string) =>
    (await http('GET', `${gateway}/admin/sagas/${sagaId}`, undefined, ADMIN)).json.status as string;
  const finished = (sagaId: string) =>
    eventually(`saga ${sagaId} to finish`, async () => {
      const status = await sagaStatus(sagaId);
      return status === 'completed' || status === 'compensated' ? status : undefined;
    });

  it('asks for an admin token: the page signs in first, the API answers 401 to no token and to a user token', async () => {
    const user = bearer(randomUUID());
    for (const path of [
      '/admin/sagas/counts',
      '/admin/orders/projections',
      '/admin/inventory/dead-letters',
    ]) {
      expect((await http('GET', `${gateway}${path}`)).status, path).toBe(401);
      const asUser = await http('GET', `${gateway}${path}`, undefined, user);
      expect(asUser.status, path).toBe(401);
      expect(asUser.json, path).toMatchObject({ details: { reason: 'role-missing', requiredRole: 'admin' } });
    }
    // Each service checks the role itself too, behind the gateway (a known caller without it: 403).
    const lookup = `${stack.url('payments')}/admin/messages?ids=${randomUUID()}`;
    expect((await http('GET', lookup, undefined, user)).status).toBe(403);

    await page.goto(`${gateway}/admin`);
    await page.getByLabel('Admin token').waitFor();
    await page.getByLabel('Admin token').fill(user.authorization.replace(/^Bearer /, ''));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent(), within)
      .toContain('needs a token with the role "admin"');

    await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Sagas' }).waitFor();
  });

  it('lists a completed and a compensated saga, filters them, and shows each one with its timeline and messages', async () => {
    const confirmed = await placeOrder(CARD_TOKEN);
    const declined = await placeOrder('tok_decline');
    expect(await finished(confirmed.sagaId)).toBe('completed');
    expect(await finished(declined.sagaId)).toBe('compensated');

    await page.goto(`${gateway}/admin#/sagas`);
    const rows = page.locator('table.sagas tbody tr');
    await expect.poll(() => rows.count(), within).toBe(2);
    await expect
      .poll(() => page.locator('.count[data-status="completed"] .n').textContent(), within)
      .toBe('1');
    await expect
      .poll(() => page.locator('.count[data-status="compensated"] .n').textContent(), within)
      .toBe('1');
    await page.screenshot({ path: join(SHOTS, 'saga-list.png'), fullPage: true });

    const listed = () => rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-saga-id')));
    await page.getByLabel('Status').selectOption('compensated');
    await expect.poll(listed, within).toEqual([declined.sagaId]);
    await page.getByLabel('Status').selectOption('');
    await page.getByLabel('Order id').fill(confirmed.orderId);
    await expect.poll(listed, within).toEqual([confirmed.sagaId]);

    // The completed saga: every step replied to, its commands applied by the participants.
    await rows.first().locator('a').click();
    const detail = page.locator(`.saga-detail[data-saga-id="${confirmed.sagaId}"]`);
    await detail.waitFor();
    expect(await detail.getAttribute('data-status')).toBe('completed');
    for (const step of ['reserve-inventory', 'charge-payment', 'confirm-order']) {
      expect(await page.locator(`table.steps tr[data-step="${step}"]`).getAttribute('data-status')).toBe(
        'succeeded',
      );
      const lane = page.locator(`.lane[data-step="${step}"]`);
      expect(await lane.locator('[data-kind="sent"]').count(), step).toBe(1);
      expect(await lane.locator('[data-kind="replied"]').count(), step).toBe(1);
    }
    const charge = page.locator('table.messages tr[data-kind="command"][data-step="charge-payment"]');
    await expect
      .poll(() => charge.textContent(), within)
      .toMatch(/payments\.charge.*payments\.commands.*orders.*payments \(/);
    const chargeReply = page.locator('table.messages tr[data-kind="reply"][data-step="charge-payment"]');
    await expect.poll(() => chargeReply.textContent(), within).toMatch(/saga\.replies.*payments.*orders \(/);
    expect(await page.content()).not.toContain(CARD_TOKEN);
    await page.screenshot({ path: join(SHOTS, 'saga-completed.png'), fullPage: true });

    // The compensated saga: the charge refused, the reservation released.
    await page.goto(`${gateway}/admin#/sagas/${declined.sagaId}`);
    await page.locator(`.saga-detail[data-saga-id="${declined.sagaId}"]`).waitFor();
    expect(await page.locator('.saga-detail').getAttribute('data-status')).toBe('compensated');
    expect(await page.locator('.facts .reason').textContent()).toMatch(/declined/);
    expect(await page.locator('.lane[data-step="charge-payment"] [data-kind="refused"]').count()).toBe(1);
    const reserve = page.locator('.lane[data-step="reserve-inventory"]');
    expect(await reserve.locator('[data-kind="compensation-sent"]').count()).toBe(1);
    expect(await reserve.locator('[data-kind="compensated"]').count()).toBe(1);
    expect(await page.locator('table.messages tr[data-kind="compensation"]').count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Retry' }).isDisabled()).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'saga-compensated.png'), fullPage: true });
  });

  it("shows each projection's served generation and lag, and rebuilds one into the next generation", async () => {
    await page.goto(`${gateway}/admin#/projections`);
    for (const name of ['orders.order-details', 'users.directory', 'inventory.stock-view'])
      await page.locator(`.projection[data-projection="${name}"]`).waitFor();
    const directory = page.locator('.projection[data-projection="users.directory"]');
    expect(await directory.locator('[data-served]').textContent()).toBe('1');
    await directory.getByRole('button', { name: 'Rebuild' }).click();
    await directory.getByRole('button', { name: 'Yes, rebuild' }).click();
    // A rebuild replays users.events and orders.events from the start: its time grows with them.
    await directory.locator('.rebuild[data-finished="yes"]').waitFor({ timeout: 60_000 });
    await expect.poll(() => directory.locator('[data-served]').textContent(), { timeout: 60_000 }).toBe('2');
    expect(await directory.locator('.rebuild').textContent()).toMatch(/Rebuilt generation 2/);
    await page.screenshot({ path: join(SHOTS, 'projections.png'), fullPage: true });

    await page.goto(`${gateway}/admin#/dead-letters`);
    await page.locator('table.dlq-topics tbody tr').first().waitFor();
    await page.screenshot({ path: join(SHOTS, 'dead-letters.png'), fullPage: true });
  });

  it('retries a saga held by a stopped participant; it completes once the participant is back', async () => {
    const payments = stack.process('payments');
    await payments.stop('SIGTERM');
    const held = await placeOrder('tok_visa');
    await page.goto(`${gateway}/admin#/sagas/${held.sagaId}`);
    const detail = page.locator(`.saga-detail[data-saga-id="${held.sagaId}"]`);
    await expect
      .poll(() => page.locator('table.steps tr[data-step="charge-payment"]').getAttribute('data-status'), {
        timeout: 20_000,
      })
      .toBe('running');
    await expect.poll(() => page.locator('.warning').textContent(), within).toContain(stack.url('payments'));
    expect(await detail.getAttribute('data-status')).toBe('running');

    const retry = page.locator('[data-action="retry"]');
    await retry.getByRole('button', { name: 'Retry' }).click();
    await retry.getByRole('button', { name: 'Yes, retry' }).click();
    await expect
      .poll(() => retry.getByRole('status').textContent(), within)
      .toMatch(/Retry: accepted\. Status now running/);
    await expect.poll(() => page.locator('table.log tr[data-action="operator"]').count(), within).toBe(1);

    payments.start();
    await payments.waitReady(60_000);
    await expect.poll(() => detail.getAttribute('data-status'), { timeout: 30_000 }).toBe('completed');
    await page.screenshot({ path: join(SHOTS, 'saga-retried.png'), fullPage: true });
  });
});

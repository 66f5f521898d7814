import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createShop } from './app.ts';

describe('shop', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => close?.());

  async function start(options: Parameters<typeof createShop>[0]): Promise<string> {
    const server = createShop(options);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    close = () => new Promise<void>((resolve) => server.close(() => resolve()));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  const checkout = (base: string, body: unknown) =>
    fetch(`${base}/checkout`, { method: 'POST', body: JSON.stringify(body) });

  it('serves the catalogue and checks out through the inventory', async () => {
    const base = await start({ errorRate: 0 });
    expect(((await (await fetch(`${base}/products`)).json()) as unknown[]).length).toBe(3);
    const ok = await checkout(base, { productId: 'p-2', quantity: 2 });
    expect(ok.status).toBe(201);
    expect(await ok.json()).toEqual({ productId: 'p-2', quantity: 2, totalCents: 24000 });
  });

  it('fails checkouts at the configured rate and rejects bad input', async () => {
    const base = await start({ errorRate: 0.5, random: () => 0.4 });
    expect((await checkout(base, { productId: 'p-1' })).status).toBe(500);
    expect((await checkout(base, { productId: 'nope' })).status).toBe(400);
    expect((await fetch(`${base}/missing`)).status).toBe(404);
  });

  it('answers 502 when the inventory is down', async () => {
    const base = await start({ inventoryUrl: 'http://127.0.0.1:9' });
    expect((await checkout(base, { productId: 'p-1' })).status).toBe(502);
  });
});

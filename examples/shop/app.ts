import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';

/**
 * A small shop used by the demo and the end-to-end tests: a catalogue, a checkout that calls
 * the inventory over HTTP (so traces have a client and a server span), a configurable error
 * rate and latency, and a health endpoint. No dependencies beyond node:http, so anything the
 * preload adds is the preload's doing.
 */
export interface ShopOptions {
  /** Fraction of checkouts that fail with 500 (0..1). */
  errorRate?: number;
  /** Extra latency added to every checkout, in milliseconds. */
  checkoutDelayMs?: number;
  /** Base URL of the inventory service; defaults to this server itself. */
  inventoryUrl?: string;
  random?: () => number;
}

const products = [
  { id: 'p-1', name: 'concert ticket', priceCents: 4500 },
  { id: 'p-2', name: 'festival pass', priceCents: 12000 },
  { id: 'p-3', name: 'parking', priceCents: 1500 },
];

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function createShop(options: ShopOptions = {}): Server {
  const random = options.random ?? Math.random;
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { error: String(error) });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://shop.local');
    if (req.method === 'GET' && url.pathname === '/healthz')
      return send(res, 200, { status: 'ok' });
    if (req.method === 'GET' && url.pathname === '/products') return send(res, 200, products);
    const stock = /^\/inventory\/([\w-]+)$/.exec(url.pathname);
    if (req.method === 'GET' && stock) {
      const product = products.find((p) => p.id === stock[1]);
      return product
        ? send(res, 200, { id: product.id, available: 10 })
        : send(res, 404, { error: 'unknown product' });
    }
    if (req.method === 'POST' && url.pathname === '/checkout') {
      const order = JSON.parse((await readBody(req)) || '{}') as {
        productId?: string;
        quantity?: number;
      };
      const product = products.find((p) => p.id === order.productId);
      if (!product) return send(res, 400, { error: 'unknown productId' });
      const address = server.address();
      const base =
        options.inventoryUrl ??
        (typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : '');
      const inventory = await fetch(`${base}/inventory/${product.id}`).catch(() => undefined);
      if (!inventory?.ok) return send(res, 502, { error: 'inventory unavailable' });
      await inventory.arrayBuffer();
      if (options.checkoutDelayMs) await new Promise((r) => setTimeout(r, options.checkoutDelayMs));
      if (random() < (options.errorRate ?? 0)) return send(res, 500, { error: 'payment declined' });
      const quantity = order.quantity ?? 1;
      return send(res, 201, {
        productId: product.id,
        quantity,
        totalCents: product.priceCents * quantity,
      });
    }
    send(res, 404, { error: 'not found' });
  }

  return server;
}

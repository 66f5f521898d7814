// Runs the shop: `node --require @org/otel-preload examples/shop/server.ts`.
// PORT (default 8080), SHOP_ERROR_RATE (0..1), SHOP_CHECKOUT_DELAY_MS, SHOP_INVENTORY_URL.
import { createShop } from './app.ts';

const port = Number(process.env.PORT ?? 8080);
const shop = createShop({
  errorRate: Number(process.env.SHOP_ERROR_RATE ?? 0.05),
  checkoutDelayMs: Number(process.env.SHOP_CHECKOUT_DELAY_MS ?? 5),
  ...(process.env.SHOP_INVENTORY_URL ? { inventoryUrl: process.env.SHOP_INVENTORY_URL } : {}),
});
shop.listen(port, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ msg: 'shop listening', port })}\n`);
});
process.on('SIGTERM', () => {
  shop.close(() => process.exit(0));
  shop.closeIdleConnections();
});

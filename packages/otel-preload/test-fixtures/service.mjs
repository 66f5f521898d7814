// The ESM twin of service.cjs (same behaviour), importing named functions from node:http so the
// test proves ESM imports are instrumented.
import { createServer, get } from 'node:http';
import { createLogger } from '@org/otel-preload/logger';
import pg from 'pg';
import pino from 'pino';
import { counter } from '@org/otel-preload/metrics';

const port = Number(process.env.PORT);
const downstream = process.env.DOWNSTREAM;
const logger = createLogger();
const appLogger = pino();
const sales = counter('ticket_sales', { description: 'Tickets sold.', labels: ['event'] });

function leaf(req, res) {
  appLogger.info({ order: 7 }, 'leaf handling');
  const client = new pg.Client({ connectionString: process.env.PG_URL });
  client.connect().catch(() => undefined);
  client
    .query("SELECT * FROM users WHERE email = 'alice@example.com' AND id = 42")
    .catch(() => undefined)
    .finally(() => res.end(`leaf ${req.url}`));
}

const server = createServer((req, res) => {
  if (!downstream) return leaf(req, res);
  logger.info({ password: 'hunter2', path: req.url }, 'root handling');
  sales.add(1, { event: 'concert' });
  get(
    `${downstream}/leaf?password=hunter2`,
    {
      headers: { cookie: 'session=s3cr3t', authorization: 'Bearer t0ken', 'x-request-id': 'req-1' },
    },
    (down) => {
      let body = '';
      down.on('data', (c) => (body += c));
      down.on('end', () => res.end(`root → ${body}`));
    },
  );
});
server.listen(port, '127.0.0.1', () => console.log(`listening ${port}`));

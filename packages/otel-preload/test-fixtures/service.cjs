// A sample CommonJS service for the preload tests (service.mjs is the same as ESM).
// GET / logs through the preload's createLogger and calls DOWNSTREAM with secrets in the URL and
// headers; without DOWNSTREAM it is the leaf: logs through the app's own pino and runs a SQL
// query with literals against PG_URL (nothing listens there: the span records the attempt).
const http = require('node:http');
const { createLogger } = require('@org/otel-preload/logger');
const pino = require('pino');
const { counter } = require('@org/otel-preload/metrics');
const { Client } = require('pg');

const port = Number(process.env.PORT);
const downstream = process.env.DOWNSTREAM;
const logger = createLogger();
const appLogger = pino();
const sales = counter('ticket_sales', { description: 'Tickets sold.', labels: ['event'] });

function leaf(req, res) {
  appLogger.info({ order: 7 }, 'leaf handling');
  const client = new Client({ connectionString: process.env.PG_URL });
  client.connect().catch(() => undefined);
  client
    .query("SELECT * FROM users WHERE email = 'alice@example.com' AND id = 42")
    .catch(() => undefined)
    .finally(() => res.end(`leaf ${req.url}`));
}

const server = http.createServer((req, res) => {
  if (!downstream) return leaf(req, res);
  logger.info({ password: 'hunter2', path: req.url }, 'root handling');
  sales.add(1, { event: 'concert' });
  http.get(
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

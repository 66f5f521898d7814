// A sample service for the preload tests: GET / answers after calling DOWNSTREAM (if set).
const http = require('node:http');
const port = Number(process.env.PORT);
const downstream = process.env.DOWNSTREAM;
const server = http.createServer((req, res) => {
  if (!downstream) return res.end(`leaf ${req.url}`);
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

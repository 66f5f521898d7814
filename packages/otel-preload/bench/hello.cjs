// The app under test: a hello-world HTTP server. `node [preload flags] bench/hello.cjs PORT`.
require('node:http')
  .createServer((req, res) => res.end('hello'))
  .listen(Number(process.argv[2]), '127.0.0.1', () => process.stdout.write('listening\n'));
process.on('SIGTERM', () => process.exit(0));

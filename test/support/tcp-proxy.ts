/**
 * A TCP proxy in front of a test server, to cut one client off the network while others still
 * reach the server (a partition, as when an operator's laptop loses the VPN): `cut` drops every
 * connection through it and refuses new ones until `restore`. It runs in a worker thread: the
 * shared store's client waits synchronously on the test's own thread, which would stall a proxy
 * living there.
 */
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

export interface TcpProxy {
  readonly port: number;
  /** Drops every connection through the proxy and refuses new ones. */
  cut(): Promise<void>;
  /** Accepts connections again, on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

const PROXY = `
const { parentPort, workerData } = require('node:worker_threads');
const net = require('node:net');
const sockets = new Set();
let server;
let port = 0;
function listen(reply) {
  if (server) return reply(port);
  server = net.createServer((client) => {
    const upstream = net.connect(workerData.targetPort, workerData.targetHost);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  server.listen(port, '127.0.0.1', () => {
    port = server.address().port;
    reply(port);
  });
}
function cut(reply) {
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  if (!server) return reply(port);
  server.close(() => reply(port));
  server = undefined;
}
parentPort.on('message', (command) => (command === 'cut' ? cut : listen)((value) => parentPort.postMessage(value)));
`;

export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  const worker = new Worker(PROXY, { eval: true, workerData: { targetPort, targetHost } });
  const ask = async (command: 'listen' | 'cut'): Promise<number> => {
    worker.postMessage(command);
    const [answer] = await once(worker, 'message');
    return answer as number;
  };
  const port = await ask('listen');
  return {
    port,
    cut: async () => void (await ask('cut')),
    restore: async () => void (await ask('listen')),
    close: async () => {
      await ask('cut');
      await worker.terminate();
    },
  };
}

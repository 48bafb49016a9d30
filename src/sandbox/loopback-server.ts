/** Serving an emulator on loopback only: the sandbox and the tests never listen anywhere else. */
import { createServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface LoopbackServer {
  /** `http://127.0.0.1:PORT`, or `https://…` when served with TLS. */
  readonly endpoint: string;
  readonly port: number;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

/** A PEM server certificate (chain) and its key, for serving HTTPS. */
export interface LoopbackTls {
  readonly cert: string | Buffer;
  readonly key: string | Buffer;
}

export interface LoopbackServerOptions {
  /** Serve HTTPS with this certificate instead of plain HTTP. */
  readonly tls?: LoopbackTls;
}

/** Listens on 127.0.0.1 (`port` 0 picks a free one) and resolves once it accepts connections. */
export async function listenOnLoopback(handler: RequestListener, port = 0, options: LoopbackServerOptions = {}): Promise<LoopbackServer> {
  const server: Server = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, handler) : createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    endpoint: `${options.tls ? 'https' : 'http'}://127.0.0.1:${bound}`,
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

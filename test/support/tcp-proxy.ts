import net from 'node:net';

/**
 * A TCP proxy in front of a test server, to cut the network between a browser and the
 * server as a flaky link would: `drop()` closes every connection through it and refuses
 * new ones until `restore()`. Nothing in the server or the page knows it is there.
 *
 * @example
 *   const proxy = await startTcpProxy(t.url);
 *   await page.goto(`${proxy.url}/console`);
 *   proxy.drop(); … proxy.restore();
 */
export interface TcpProxy {
  readonly url: string;
  /** Closes the connections open now and refuses new ones. */
  drop(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: string): Promise<TcpProxy> {
  const { hostname, port } = new URL(target);
  const open = new Set<net.Socket>();
  let refusing = false;
  const server = net.createServer((client) => {
    if (refusing) return void client.destroy();
    const upstream = net.connect(Number(port), hostname);
    open.add(client).add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    drop() {
      refusing = true;
      for (const socket of open) socket.destroy();
      open.clear();
    },
    restore() {
      refusing = false;
    },
    async close() {
      for (const socket of open) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

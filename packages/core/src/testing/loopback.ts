import { createServer, type Server, type Socket } from 'node:net';

export interface LoopbackServer {
  url: string;
  /** Closes the server and ends its open sockets (a request left hanging would keep it open). */
  close(): Promise<void>;
}

/** Listens on a free loopback port; resolves with its URL and a close that also ends open sockets. */
export async function listenOnLoopback(server: Server): Promise<LoopbackServer> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * A server that takes connections and reads requests but never answers: a call to it ends only by its
 * client's timeout, whatever the machine's load (no race: there is no answer to win).
 */
export const silentServer = (): Promise<LoopbackServer> =>
  listenOnLoopback(createServer((socket) => void socket.on('data', () => undefined)));

// A forward proxy on 127.0.0.1 written with node:http: CONNECT tunnels (what clients use for https,
// and undici for http too) and absolute-form requests, each counted, so a test can prove the
// traffic went through it. `route` can send any requested host to a local server, which lets a
// test use a host name that never resolves (nothing leaves the machine).
import { createServer, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { connect, type Socket } from "node:net";

export interface ProxyTarget {
  host: string;
  port: number;
}

export interface ConnectProxy {
  url: string;
  /** CONNECT requests, in arrival order: the requested `host:port` and the headers. */
  tunnels(): { target: string; headers: IncomingHttpHeaders }[];
  /** Absolute-form requests forwarded (plain-http proxying without a tunnel). */
  forwards(): { url: string; headers: IncomingHttpHeaders }[];
  close(): Promise<void>;
}

export interface ProxyOptions {
  /** Where to connect for a requested target (default: the target itself). */
  route?: (target: ProxyTarget) => ProxyTarget;
  /** The Proxy-Authorization header required; anything else is answered 407. */
  proxyAuthorization?: string;
}

function parseTarget(authority: string): ProxyTarget {
  const url = new URL(`http://${authority}`);
  return { host: url.hostname.replace(/^\[|\]$/g, ""), port: Number(url.port || 80) };
}

export async function startConnectProxy(options: ProxyOptions = {}): Promise<ConnectProxy> {
  const tunnels: { target: string; headers: IncomingHttpHeaders }[] = [];
  const forwards: { url: string; headers: IncomingHttpHeaders }[] = [];
  const sockets = new Set<Socket>();
  const route = options.route ?? ((target: ProxyTarget) => target);
  const authorized = (headers: IncomingHttpHeaders) =>
    options.proxyAuthorization === undefined ||
    headers["proxy-authorization"] === options.proxyAuthorization;

  const server = createServer((req, res) => {
    forwards.push({ url: req.url ?? "", headers: { ...req.headers } });
    if (!authorized(req.headers)) {
      res.writeHead(407, { "proxy-authenticate": 'Basic realm="proxy"' }).end();
      return;
    }
    let url: URL;
    try {
      url = new URL(req.url ?? "");
    } catch {
      res.writeHead(400).end("absolute-form request expected");
      return;
    }
    const target = route(parseTarget(url.host));
    const headers = { ...req.headers };
    delete headers["proxy-authorization"];
    delete headers["proxy-connection"];
    const upstream = httpRequest(
      {
        host: target.host,
        port: target.port,
        method: req.method,
        path: url.pathname + url.search,
        headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });

  server.on("connect", (req, client: Socket, head: Buffer) => {
    tunnels.push({ target: req.url ?? "", headers: { ...req.headers } });
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    client.on("error", () => {});
    if (!authorized(req.headers)) {
      client.end(
        'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="proxy"\r\nContent-Length: 0\r\n\r\n',
      );
      return;
    }
    const target = route(parseTarget(req.url ?? ""));
    const upstream = connect(target.port, target.host, () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on("close", () => {
      sockets.delete(upstream);
      client.destroy();
    });
    upstream.on("error", () => client.destroy());
    client.on("close", () => upstream.destroy());
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  server.unref();
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("proxy has no port");
  return {
    url: `http://127.0.0.1:${address.port}`,
    tunnels: () => tunnels.map((t) => ({ ...t })),
    forwards: () => forwards.map((f) => ({ ...f })),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      }),
  };
}

// A real HTTP(S) registry for tests and benchmarks: node:http on 127.0.0.1, one personality
// (PyPI, GitLab, pypiserver, Gitea, Nexus, Artifactory) deciding what an upload gets, scripted
// faults in front of it, and a record of every request.
import { createReadStream, rmSync } from "node:fs";
import { mkdtemp, rm, unlink } from "node:fs/promises";
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { parseBasicAuth } from "./auth.ts";
import { FaultQueue } from "./faults.ts";
import { normalizeProjectName } from "./filenames.ts";
import {
  ClientAbortedError,
  drainBody,
  isMultipart,
  MalformedBodyError,
  readUploadForm,
  type UploadForm,
} from "./multipart.ts";
import {
  AUDIENCE_PATH,
  audienceAnswer,
  MINT_TOKEN_PATH,
  MintedTokens,
  mintTokenAnswer,
} from "./oidc.ts";
import { PERSONALITIES } from "./personalities.ts";
import type { AnswerContext, RegistryState, Repository } from "./personality.ts";
import { plainText, proxyErrorPage, redirectAnswer, statusText } from "./responses.ts";
import { renderProjectPage, renderRootPage } from "./simple-index.ts";
import { RegistryStore } from "./store.ts";
import type {
  Answer,
  Credentials,
  Fault,
  RecordedRequest,
  RegistryOptions,
  StoredFile,
  TestRegistry,
} from "./types.ts";

export type {
  Answer,
  Credentials,
  Fault,
  GitlabOptions,
  GitlabProject,
  OidcOptions,
  Personality,
  RecordedRequest,
  RegistryOptions,
  StoredFile,
  TestRegistry,
} from "./types.ts";

const OIDC_BODY_LIMIT = 1024 * 1024;

// Temp dirs of registries not closed yet, removed when the process exits anyway.
const liveDirs = new Set<string>();
process.on("exit", () => {
  for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true });
});

type Download = { download: StoredFile };

export async function startRegistry(options: RegistryOptions): Promise<TestRegistry> {
  const personality = PERSONALITIES[options.personality];
  if (!personality) throw new TypeError(`unknown personality: ${String(options.personality)}`);
  if (options.oidc && options.personality !== "pypi") {
    throw new TypeError("trusted publishing (oidc) exists only on the pypi personality");
  }

  const dir = await mkdtemp(join(tmpdir(), "pypush-registry-"));
  liveDirs.add(dir);
  const store = new RegistryStore();
  const faults = new FaultQueue();
  const minted = new MintedTokens();
  const state: RegistryState = {
    options,
    store,
    mintedToken: (password) => minted.status(password),
  };
  const records: { record: RecordedRequest; upload: boolean }[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const repositories = personality.repositories(options);
  let uploads = 0;
  let closing: Promise<void> | undefined;
  let origin = "";

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((error: unknown) => {
      // A client that went away, or a registry being closed, gets no answer.
      if (error instanceof ClientAbortedError || closing || res.headersSent || res.destroyed) {
        return;
      }
      const answer = plainText(500, `test registry failure: ${(error as Error).message}`);
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
    });
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Joined, not resolved: a request path like `//x` must stay a path.
    const url = new URL(`${origin}${req.url ?? "/"}`);
    const record: RecordedRequest = {
      method: req.method ?? "",
      path: req.url ?? "",
      headers: { ...req.headers },
      fields: [],
      status: 0,
      responseBody: "",
    };
    const context: AnswerContext = { accept: req.headers.accept, url: url.href };
    const credentials = parseBasicAuth(req.headers.authorization);

    if (req.method === "POST" && options.oidc && url.pathname === MINT_TOKEN_PATH) {
      records.push({ record, upload: false });
      const body = await readSmallBody(req, OIDC_BODY_LIMIT);
      send(res, record, await mintTokenAnswer(body, options.oidc, minted));
      return;
    }
    if (req.method === "POST") {
      records.push({ record, upload: true });
      await handleUpload(req, res, record, url.pathname, context, credentials);
      return;
    }
    records.push({ record, upload: false });
    await drainBody(req);
    const method = req.method ?? "GET";
    if (method !== "GET" && method !== "HEAD") {
      const answer =
        personality.routeOther?.(method, url.pathname, context) ??
        personality.error(405, "Method Not Allowed", context);
      send(res, record, answer);
      return;
    }
    const answer = readAnswer(method, url.pathname, context, credentials);
    if ("download" in answer) await sendFile(req, res, record, answer.download);
    else send(res, record, answer, method);
  }

  async function handleUpload(
    req: IncomingMessage,
    res: ServerResponse,
    record: RecordedRequest,
    pathname: string,
    context: AnswerContext,
    credentials: Credentials | undefined,
  ): Promise<void> {
    const fault = faults.next();
    if (fault?.kind === "delay") await sleep(fault.ms);
    if (fault?.kind === "stall") {
      // Stop reading: the client's writes back up until its own timeout, or until close().
      req.pause();
      return;
    }
    if (fault?.kind === "reset-mid-body") {
      resetAfter(req, fault.afterBytes);
      return;
    }
    if (fault && fault.kind !== "delay" && fault.kind !== "reset-after-store") {
      await consumeForFault(req, record);
      const answer = faultAnswer(fault);
      if (answer) send(res, record, answer);
      else if (fault.kind === "reset-before-response") req.socket.destroy();
      // no-response: leave the request hanging until the client gives up or close().
      return;
    }

    const answer = await processUpload(req, record, pathname, context, credentials);
    if (options.latencyMs) await sleep(options.latencyMs);
    if (fault?.kind === "reset-after-store") {
      // The file is stored, but the client never learns it: the ambiguous failure.
      req.socket.destroy();
      return;
    }
    send(res, record, answer);
  }

  async function processUpload(
    req: IncomingMessage,
    record: RecordedRequest,
    pathname: string,
    context: AnswerContext,
    credentials: Credentials | undefined,
  ): Promise<Answer> {
    const route = personality.routeUpload(pathname, state, context);
    if ("status" in route) {
      await drainBody(req);
      return route;
    }
    // Bodies must come with a Content-Length. Several registries and the proxies in front of
    // them refuse chunked uploads: the answer is then the proxy's bare 411 page, not the
    // registry's. twine and uv always send a length; pypush computes it up front.
    if (req.headers["content-length"] === undefined || req.headers["transfer-encoding"]) {
      await drainBody(req);
      return proxyErrorPage(411);
    }
    if (!isMultipart(req.headers["content-type"])) {
      await drainBody(req);
      return personality.error(400, "Expected a multipart/form-data body.", context);
    }
    let form: UploadForm;
    try {
      form = await readUploadForm(req, {
        dir,
        discardContent: options.discardContent ?? false,
        stem: `upload-${++uploads}`,
      });
    } catch (error) {
      if (!(error instanceof MalformedBodyError)) throw error;
      await drainBody(req);
      return personality.error(400, `Malformed multipart body: ${error.reason}`, context);
    }
    recordForm(record, form);
    const truncated = form.truncatedFields[0];
    if (truncated !== undefined) {
      await discard(form);
      return personality.error(400, `Field '${truncated}' is larger than 10 MiB.`, context);
    }
    const decision = personality.decideUpload(
      { repository: route, form, credentials, headers: req.headers, url: context.url },
      state,
    );
    if (decision.kind === "store" && form.file && !closing) {
      const { file } = form;
      const stored: StoredFile = {
        filename: file.filename,
        project: normalizeProjectName(decision.project),
        version: decision.version,
        size: file.size,
        sha256: file.sha256,
        blake2_256: file.blake2_256,
        md5: file.md5,
        ...(file.path ? { path: file.path } : {}),
        fields: form.fields,
        repository: route.name,
        warnings: decision.warnings,
      };
      store.add(stored, personality.downloadPath(route, stored));
    } else {
      await discard(form);
    }
    return decision.answer;
  }

  /** Fault answers read the body first so the client sees a complete exchange. */
  async function consumeForFault(req: IncomingMessage, record: RecordedRequest): Promise<void> {
    if (!isMultipart(req.headers["content-type"])) return drainBody(req);
    try {
      const form = await readUploadForm(req, { dir, discardContent: true, stem: "fault" });
      recordForm(record, form);
    } catch (error) {
      if (error instanceof ClientAbortedError) throw error;
      await drainBody(req);
    }
  }

  function readAnswer(
    method: string,
    pathname: string,
    context: AnswerContext,
    credentials: Credentials | undefined,
  ): Answer | Download {
    if (options.oidc && pathname === AUDIENCE_PATH) return audienceAnswer(options.oidc);
    const other = personality.routeOther?.(method, pathname, context);
    if (other) return other;
    const route = personality.routeSimple(pathname, state);
    if (route) {
      const denied = personality.authorizeRead?.(route.repository, credentials, state);
      if (denied) return denied;
      if (route.rest === "") {
        return renderRootPage(store.projects(route.repository.name), context.accept);
      }
      return projectPage(route.repository, route.rest, pathname, context);
    }
    const file = store.download(pathname);
    if (file) {
      const repository = repositories.find((r) => r.name === file.repository);
      const denied = repository && personality.authorizeRead?.(repository, credentials, state);
      if (denied) return denied;
      if (!file.path) return personality.error(404, "Not Found (content discarded)", context);
      return { download: file };
    }
    return personality.error(404, "Not Found", context);
  }

  function projectPage(
    repository: Repository,
    rest: string,
    pathname: string,
    context: AnswerContext,
  ): Answer {
    const slash = rest.endsWith("/");
    const raw = slash ? rest.slice(0, -1) : rest;
    let name: string;
    try {
      name = decodeURIComponent(raw);
    } catch {
      return personality.error(404, "Not Found", context);
    }
    if (name === "" || name.includes("/")) return personality.error(404, "Not Found", context);
    const project = normalizeProjectName(name);
    if (personality.redirectsToCanonicalSimplePath && (name !== project || !slash)) {
      const base = pathname.slice(0, pathname.length - rest.length);
      return redirectAnswer(301, `${base}${project}/`);
    }
    const files = store.projectFiles(repository.name, project);
    if (files.length === 0) return personality.projectNotFound(project, context);
    const indexed = files.map((file) => ({
      file,
      url:
        personality.simpleLink?.(origin, repository, file) ??
        `${origin}${personality.downloadPath(repository, file)}`,
      uploadedAt: store.uploadedAt(file),
    }));
    return renderProjectPage(project, indexed, context.accept);
  }

  async function sendFile(
    req: IncomingMessage,
    res: ServerResponse,
    record: RecordedRequest,
    file: StoredFile,
  ): Promise<void> {
    record.status = 200;
    res.writeHead(200, {
      "content-type": "application/octet-stream",
      "content-length": String(file.size),
    });
    if (req.method === "HEAD" || !file.path) {
      res.end();
      return;
    }
    await pipeline(createReadStream(file.path), res);
  }

  async function discard(form: UploadForm): Promise<void> {
    if (form.file?.path) await unlink(form.file.path).catch(() => {});
  }

  const server: Server = options.tls
    ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, handler)
    : createHttpServer(handler);
  // Multi-GiB benchmark uploads take longer than Node's default 5-minute request timeout.
  server.requestTimeout = 0;
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 0, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    liveDirs.delete(dir);
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  // A registry a test forgot to close must not keep its process (and `node --test`) alive
  // forever; open connections still hold the process while a client waits on them.
  server.unref();
  const { port } = server.address() as AddressInfo;
  origin = `${options.tls ? "https" : "http"}://127.0.0.1:${port}`;
  const main = repositories[0];
  if (!main) throw new Error(`personality ${options.personality} has no repository`);

  return {
    origin,
    uploadUrl: `${origin}${main.uploadPath}`,
    simpleUrl: `${origin}${main.simplePath}`,
    files: () => store.all(),
    requests: () => records.filter((r) => r.upload).map((r) => copyRecord(r.record)),
    allRequests: () => records.map((r) => copyRecord(r.record)),
    scriptFaults: (...list: Fault[]) => faults.push(...list),
    close() {
      closing ??= (async () => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
        await closed;
        await rm(dir, { recursive: true, force: true });
        liveDirs.delete(dir);
      })();
      return closing;
    },
  };
}

function send(res: ServerResponse, record: RecordedRequest, answer: Answer, method = "POST"): void {
  if (res.headersSent || res.destroyed) return;
  record.status = answer.status;
  record.responseBody = answer.body;
  res.writeHead(answer.status, answer.reason ?? statusText(answer.status), {
    ...answer.headers,
    "content-length": String(Buffer.byteLength(answer.body)),
  });
  res.end(method === "HEAD" ? undefined : answer.body);
}

function faultAnswer(fault: Fault): Answer | undefined {
  switch (fault.kind) {
    case "status":
      return {
        status: fault.status,
        headers: { "content-type": "text/plain; charset=utf-8", ...fault.headers },
        body: fault.body ?? `${fault.status} ${statusText(fault.status)}`,
      };
    case "redirect":
      return redirectAnswer(fault.status, fault.location);
    case "html":
      return proxyErrorPage(fault.status);
    default:
      return undefined;
  }
}

/** Destroys the connection once `afterBytes` body bytes arrived, or when the body ends. */
function resetAfter(req: IncomingMessage, afterBytes: number): void {
  const cut = () => req.socket.destroy();
  if (afterBytes <= 0) {
    cut();
    return;
  }
  let seen = 0;
  req.on("data", (chunk: Buffer) => {
    seen += chunk.length;
    if (seen >= afterBytes) cut();
  });
  req.on("end", cut);
}

function recordForm(record: RecordedRequest, form: UploadForm): void {
  record.fields = [...form.fields];
  if (form.file) {
    record.fileName = form.file.filename;
    record.fileSize = form.file.size;
  }
}

function copyRecord(record: RecordedRequest): RecordedRequest {
  return { ...record, headers: { ...record.headers }, fields: [...record.fields] };
}

async function readSmallBody(req: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) break;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

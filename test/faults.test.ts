// The fault matrix (issue 5): every personality of the test registry against every fault a
// network or a registry throws at an upload. Each cell runs the bundled CLI on two files (an sdist
// and a wheel) against its own registry and must end in one of two ways: the file uploaded
// exactly once (the registry's store and its request log prove it), or a clear error naming the
// file, the registry and the cause, exit 1, and every other file's state in the JSON report.
// Never a file sent and accepted twice, a success for a file the registry does not hold, a hang,
// or a secret in anything the process writes.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { writeBigWheel, writeSdist, writeWheel } from "./fixtures/handmade.ts";
import { type Fault, startRegistry, type TestRegistry } from "./registry/server.ts";
import { baseEnv, type CliRun, runCli, tempDir } from "./support/cli.ts";
import { assertNoSecret, loginFor, PERSONALITIES, secretForms } from "./support/registry-logins.ts";
import { startTripwire, type Tripwire } from "./support/tripwire.ts";

type Outcome = "uploaded" | "skipped" | "failed" | "not-attempted";

interface ReportFile {
  filename: string;
  size: number;
  sha256: string;
  outcome: Outcome;
  message?: string;
  hint?: string;
}

interface Report {
  repositoryUrl: string;
  registry: string;
  files: ReportFile[];
}

/** What a cell's faults can point at: its registry, and a host that must never be contacted. */
interface Where {
  registry: TestRegistry;
  tripwire: Tripwire;
  uploadPath: string;
}

interface Cell {
  name: string;
  /**
   * small: demo-pkg's sdist and wheel, a few hundred bytes each. big: demo-pkg's sdist and an
   * 8 MiB wheel, larger than the socket buffers, so a registry that stops reading blocks writes.
   */
  files: "small" | "big";
  /** The file the faults hit; the sdist always goes first, alone (it may create the project). */
  faulted: "sdist" | "wheel";
  faults: Fault[] | ((where: Where) => Fault[]);
  /** --timeout in seconds (connect, stall and answer). */
  timeout?: number;
  /** Where the tripwire listens: another host than the registry's 127.0.0.1 when it matters. */
  tripwireHost?: string;
  expect: {
    sdist: Outcome;
    wheel: Outcome;
    /** Upload POSTs the registry sees in all: pins "re-sent only when it did not arrive". */
    posts: number;
    /** What a line naming the faulted file says about the cause. */
    cause: RegExp | ((where: Where) => RegExp);
    /** After an ambiguous failure (the body went out, no answer) the index is read first. */
    readsIndexBeforeResend?: boolean;
    minElapsedMs?: number;
  };
}

const RETRIES = 1;
const TIMEOUT_SECONDS = 2;
const BIG_WHEEL_BYTES = 8 * 1024 * 1024;
/** Lets the first upload (the sdist) through untouched, so the next fault hits the wheel. */
const PASS: Fault = { kind: "delay", ms: 0 };

const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

const CELLS: Cell[] = [
  {
    name: "500 then success → uploaded once",
    files: "small",
    faulted: "sdist",
    faults: [{ kind: "status", status: 500 }],
    expect: { sdist: "uploaded", wheel: "uploaded", posts: 3, cause: /500/ },
  },
  {
    name: "502 then success → index read, uploaded once",
    files: "small",
    faulted: "sdist",
    faults: [{ kind: "status", status: 502 }],
    expect: {
      sdist: "uploaded",
      wheel: "uploaded",
      posts: 3,
      cause: /502/,
      readsIndexBeforeResend: true,
    },
  },
  {
    name: "503 then success → uploaded once",
    files: "small",
    faulted: "sdist",
    faults: [{ kind: "status", status: 503 }],
    expect: { sdist: "uploaded", wheel: "uploaded", posts: 3, cause: /503/ },
  },
  {
    name: "429 with Retry-After: 3 then success → waits as asked, uploaded once",
    files: "small",
    faulted: "sdist",
    faults: [{ kind: "status", status: 429, headers: { "retry-after": "3" } }],
    // The backoff alone would wait at most 1.25 s.
    expect: { sdist: "uploaded", wheel: "uploaded", posts: 3, cause: /429/, minElapsedMs: 3000 },
  },
  {
    name: "connection reset before the response, then success → index read, uploaded once",
    files: "small",
    faulted: "sdist",
    faults: [{ kind: "reset-before-response" }],
    expect: {
      sdist: "uploaded",
      wheel: "uploaded",
      posts: 3,
      cause: /socket|reset|closed|ECONNRESET/i,
      readsIndexBeforeResend: true,
    },
  },
  {
    name: "connection reset after the registry stored the file → found in the index, not re-sent",
    files: "small",
    faulted: "sdist",
    faults: [{ kind: "reset-after-store" }],
    expect: {
      sdist: "uploaded",
      wheel: "uploaded",
      posts: 2,
      cause: /arrived/,
      readsIndexBeforeResend: true,
    },
  },
  {
    name: "reset before the response, then reset after the store on the last attempt → found in the index, reported uploaded",
    files: "small",
    faulted: "sdist",
    faults: [{ kind: "reset-before-response" }, { kind: "reset-after-store" }],
    expect: {
      sdist: "uploaded",
      wheel: "uploaded",
      posts: 3,
      cause: /arrived/,
      readsIndexBeforeResend: true,
    },
  },
  {
    name: "connection reset in the middle of the body, then success → uploaded once",
    files: "big",
    faulted: "wheel",
    faults: [PASS, { kind: "reset-mid-body", afterBytes: 1024 * 1024 }],
    expect: {
      sdist: "uploaded",
      wheel: "uploaded",
      posts: 3,
      cause: /socket|reset|closed|EPIPE|ECONNRESET/i,
    },
  },
  {
    name: "registry stops reading the body, then success → the write timeout fires, uploaded once",
    files: "big",
    faulted: "wheel",
    faults: [PASS, { kind: "stall" }],
    timeout: 1,
    expect: {
      sdist: "uploaded",
      wheel: "uploaded",
      posts: 3,
      cause: /no progress sending the body/,
    },
  },
  {
    name: "no answer after the body, then success → the read timeout fires, index read, uploaded once",
    files: "small",
    faulted: "sdist",
    faults: [{ kind: "no-response" }],
    timeout: 1,
    expect: {
      sdist: "uploaded",
      wheel: "uploaded",
      posts: 3,
      cause: /timeout|no answer/i,
      readsIndexBeforeResend: true,
    },
  },
  {
    name: "HTML 502 page from a proxy, then success → index read, uploaded once",
    files: "small",
    faulted: "sdist",
    faults: [{ kind: "html", status: 502 }],
    expect: {
      sdist: "uploaded",
      wheel: "uploaded",
      posts: 3,
      cause: /502 Bad Gateway/,
      readsIndexBeforeResend: true,
    },
  },
  {
    name: "503 on every attempt → exit 1 naming the file, the registry and 503; the wheel not attempted",
    files: "small",
    faulted: "sdist",
    faults: [
      { kind: "status", status: 503 },
      { kind: "status", status: 503 },
    ],
    expect: { sdist: "failed", wheel: "not-attempted", posts: 2, cause: /503/ },
  },
  {
    name: "503 on every attempt for the second file → exit 1; the sdist reported uploaded",
    files: "small",
    faulted: "wheel",
    faults: [PASS, { kind: "status", status: 503 }, { kind: "status", status: 503 }],
    expect: { sdist: "uploaded", wheel: "failed", posts: 3, cause: /503/ },
  },
  {
    name: "no answer on every attempt → exit 1 naming the timeout, never sent twice unseen",
    files: "small",
    faulted: "sdist",
    faults: [{ kind: "no-response" }, { kind: "no-response" }],
    timeout: 1,
    expect: {
      sdist: "failed",
      wheel: "not-attempted",
      posts: 2,
      cause: /timeout|no answer/i,
      readsIndexBeforeResend: true,
    },
  },
  {
    name: "HTML 403 page from a proxy → exit 1 naming the file and the 403",
    files: "small",
    faulted: "sdist",
    faults: [{ kind: "html", status: 403 }],
    expect: { sdist: "failed", wheel: "not-attempted", posts: 1, cause: /403/ },
  },
  {
    name: "308 redirect on the same host → exit 1 naming the URL to use, not followed",
    files: "small",
    faulted: "sdist",
    faults: ({ registry, uploadPath }) => [
      { kind: "redirect", status: 308, location: `${registry.origin}/moved${uploadPath}` },
    ],
    expect: {
      sdist: "failed",
      wheel: "not-attempted",
      posts: 1,
      cause: ({ registry, uploadPath }) =>
        new RegExp(`redirect.*${literal(`${registry.origin}/moved${uploadPath}`)}`),
    },
  },
  {
    name: "307 redirect to another host → exit 1, the other host is never contacted",
    files: "small",
    faulted: "sdist",
    tripwireHost: "127.0.0.2",
    faults: ({ tripwire, uploadPath }) => [
      { kind: "redirect", status: 307, location: `http://127.0.0.2:${tripwire.port}${uploadPath}` },
    ],
    expect: {
      sdist: "failed",
      wheel: "not-attempted",
      posts: 1,
      cause: ({ tripwire, uploadPath }) =>
        new RegExp(`redirect.*${literal(`http://127.0.0.2:${tripwire.port}${uploadPath}`)}`),
    },
  },
  {
    name: "301 redirect from http to https → exit 1, the https URL is never contacted",
    files: "small",
    faulted: "sdist",
    faults: ({ tripwire, uploadPath }) => [
      {
        kind: "redirect",
        status: 301,
        location: `https://127.0.0.1:${tripwire.port}${uploadPath}`,
      },
    ],
    expect: {
      sdist: "failed",
      wheel: "not-attempted",
      posts: 1,
      cause: ({ tripwire, uploadPath }) =>
        new RegExp(`redirect.*${literal(`https://127.0.0.1:${tripwire.port}${uploadPath}`)}`),
    },
  },
];

let fixtures: { remove(): Promise<void>; small: [string, string]; big: [string, string] };

before(async () => {
  const dir = await tempDir("pypush-faults-dists-");
  const sdist = await writeSdist(dir.path);
  const wheel = await writeWheel(dir.path);
  const bigWheel = await writeBigWheel(dir.path, BIG_WHEEL_BYTES, { sparse: true });
  fixtures = { remove: dir.remove, small: [sdist, wheel], big: [sdist, bigWheel] };
});

after(() => fixtures?.remove());

interface CellRun {
  run: CliRun;
  report: Report;
  reportText: string;
  elapsedMs: number;
  names: { sdist: string; wheel: string };
  /** pypush's output, to attach to every assertion message. */
  context: string;
}

async function runCell(cell: Cell, where: Where, env: Record<string, string>, dir: string) {
  const { registry } = where;
  registry.scriptFaults(...(typeof cell.faults === "function" ? cell.faults(where) : cell.faults));
  const [sdist, wheel] = fixtures[cell.files];
  const reportPath = join(dir, "report.json");
  const started = Date.now();
  const run = await runCli(
    [
      "--repository-url",
      registry.uploadUrl,
      "--retries",
      String(RETRIES),
      "--timeout",
      String(cell.timeout ?? TIMEOUT_SECONDS),
      "--json",
      reportPath,
      wheel,
      sdist,
    ],
    // A hang fails the cell: no cell may take anywhere near this long.
    { env: baseEnv(env), timeoutMs: 30_000 },
  );
  const elapsedMs = Date.now() - started;
  const context = `pypush said:\n${run.output}`;
  const reportText = await readFile(reportPath, "utf8").catch((error: Error) => {
    throw new Error(`no JSON report (${error.message})\n${context}`);
  });
  return {
    run,
    report: JSON.parse(reportText) as Report,
    reportText,
    elapsedMs,
    names: { sdist: basename(sdist), wheel: basename(wheel) },
    context,
  } satisfies CellRun;
}

/** "uploaded" means the registry holds those bytes once; nothing was accepted twice. */
function assertReportMatchesStore(registry: TestRegistry, { report, context }: CellRun) {
  assert.equal(report.repositoryUrl, registry.uploadUrl);
  for (const file of report.files) {
    const held = registry.files().filter((stored) => stored.filename === file.filename);
    const accepted = registry
      .requests()
      .filter((r) => r.fileName === file.filename && r.status >= 200 && r.status < 300);
    assert.ok(accepted.length <= 1, `${file.filename} was accepted ${accepted.length} times`);
    if (file.outcome === "uploaded") {
      assert.equal(held.length, 1, `${file.filename} is held once\n${context}`);
      assert.equal(held[0]?.sha256, file.sha256);
    } else {
      assert.equal(held.length, 0, `${file.filename} is not held\n${context}`);
    }
  }
}

/** The cause is named on a line with the file; a failure also names the registry. */
function assertCauseNamed(cell: Cell, where: Where, { run, names, context }: CellRun) {
  const cause =
    typeof cell.expect.cause === "function" ? cell.expect.cause(where) : cell.expect.cause;
  const faulted = names[cell.faulted];
  const lines = run.output.split("\n").filter((line) => line.includes(faulted));
  assert.ok(
    lines.some((line) => cause.test(line)),
    `a line naming ${faulted} matches ${cause}\n${context}`,
  );
  if (cell.expect[cell.faulted] === "failed") {
    assert.match(run.output, new RegExp(`failed ${literal(faulted)}: `), context);
    assert.ok(run.output.includes(where.registry.uploadUrl), `names the registry\n${context}`);
  }
}

/** Between the faulted POST and the next one, a GET of the registry's simple index. */
function assertIndexReadBeforeResend(cell: Cell, registry: TestRegistry, { context }: CellRun) {
  const all = registry.allRequests();
  const simplePath = new URL(registry.simpleUrl).pathname;
  const posts = all.flatMap((r, i) => (r.method === "POST" ? [i] : []));
  const nth = cell.faulted === "sdist" ? 0 : 1;
  const reads = all
    .slice((posts[nth] ?? -1) + 1, posts[nth + 1] ?? all.length)
    .filter((r) => r.method === "GET" && r.path.startsWith(simplePath));
  assert.ok(reads.length > 0, `the simple index is read after the ambiguous failure\n${context}`);
}

// Each cell has its own registry, tripwire and report; they share nothing but the input files.
describe("fault matrix", { concurrency: 8 }, () => {
  for (const personality of PERSONALITIES) {
    for (const cell of CELLS) {
      test(`${personality}: ${cell.name}`, async () => {
        const login = loginFor(personality);
        const registry = await startRegistry({
          personality,
          discardContent: true,
          ...login.options,
        });
        const tripwire = await startTripwire(cell.tripwireHost);
        const out = await tempDir("pypush-faults-");
        try {
          const where: Where = {
            registry,
            tripwire,
            uploadPath: new URL(registry.uploadUrl).pathname,
          };
          const result = await runCell(cell, where, login.env, out.path);
          const { run, report, names, context } = result;
          const failed = cell.expect.sdist === "failed" || cell.expect.wheel === "failed";
          assert.equal(run.code, failed ? 1 : 0, context);
          assert.deepEqual(
            Object.fromEntries(report.files.map((file) => [file.filename, file.outcome])),
            { [names.sdist]: cell.expect.sdist, [names.wheel]: cell.expect.wheel },
            context,
          );
          assertReportMatchesStore(registry, result);
          assert.equal(registry.requests().length, cell.expect.posts, context);
          assertCauseNamed(cell, where, result);
          if (cell.expect.readsIndexBeforeResend) {
            assertIndexReadBeforeResend(cell, registry, result);
          }
          if (cell.expect.minElapsedMs !== undefined) {
            assert.ok(
              result.elapsedMs >= cell.expect.minElapsedMs,
              `waited ${result.elapsedMs} ms`,
            );
          }

          // Redirects are never followed: no request elsewhere, no connection to the other host.
          assert.equal(tripwire.connections(), 0, "nothing connects to the redirect target");
          assert.ok(registry.allRequests().every((r) => !r.path.startsWith("/moved")));

          const forms = secretForms(login.username, login.password);
          assertNoSecret(run.output, forms, "pypush's output");
          assertNoSecret(result.reportText, forms, "the JSON report");
        } finally {
          await registry.close();
          await tripwire.close();
          await out.remove();
        }
      });
    }
  }
});

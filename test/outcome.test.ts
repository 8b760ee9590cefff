import assert from "node:assert/strict";
import { test } from "node:test";
import { recognizeRegistry } from "../src/registries.ts";
import { classifyAnswer, extractMessage, type HttpAnswer } from "../src/upload/outcome.ts";

function answer(status: number, body: string, headers: HttpAnswer["headers"] = {}): HttpAnswer {
  return { status, body, headers };
}

function classify(url: string, a: HttpAnswer, username = "__token__") {
  const parsed = new URL(url);
  return classifyAnswer(a, { profile: recognizeRegistry(parsed), url: parsed, username });
}

const PYPI = "https://upload.pypi.org/legacy/";
const GITLAB = "https://gitlab.example.com/api/v4/projects/42/packages/pypi";

test("reads Warehouse's JSON error from its code field", () => {
  const body = JSON.stringify({
    message:
      "The server could not comply with the request since it is either malformed or otherwise incorrect.",
    code: "400 File already exists ('demo-1.0.tar.gz', with blake2_256 hash 'ab'). See https://pypi.org/help/#file-name-reuse for more information.",
    title: "Bad Request",
  });
  assert.equal(
    extractMessage(answer(400, body, { "content-type": "application/json" })),
    "File already exists ('demo-1.0.tar.gz', with blake2_256 hash 'ab'). See https://pypi.org/help/#file-name-reuse for more information.",
  );
});

test("recognises each registry's duplicate answer", () => {
  const cases: [string, HttpAnswer][] = [
    [
      PYPI,
      answer(
        400,
        JSON.stringify({ code: "400 File already exists ('x', with blake2_256 hash 'y')." }),
      ),
    ],
    [GITLAB, answer(400, '{"message":"Validation failed: File name has already been taken"}')],
    [
      "http://127.0.0.1:8080/",
      answer(409, "Package 'x' already exists! You may start server with `--overwrite` option."),
    ],
    [
      "http://127.0.0.1:8080/",
      answer(400, "Package 'x' already exists! You may start server with `--overwrite` option."),
    ],
    [
      "https://nexus.example.com/repository/pypi-hosted/",
      answer(400, "Repository does not allow updating assets: pypi-hosted"),
    ],
    [
      "https://acme.jfrog.io/artifactory/api/pypi/pypi-local",
      answer(403, "Not enough permissions to delete/overwrite artifact 'pypi-local:x'"),
    ],
    [
      "https://gitea.example.com/api/packages/owner/pypi",
      answer(409, "package file already exists"),
    ],
  ];
  for (const [url, a] of cases) assert.equal(classify(url, a).kind, "exists", `${url} ${a.body}`);
});

test("does not take PyPI's 'filename has already been used' for a duplicate", () => {
  const result = classify(
    PYPI,
    answer(
      400,
      JSON.stringify({
        code: "400 This filename has already been used, use a different version. See https://pypi.org/help/#file-name-reuse for more information.",
      }),
    ),
  );
  assert.equal(result.kind, "refused");
  assert.match(result.kind === "refused" ? (result.hint ?? "") : "", /release a new version/);
});

test("retries 5xx and 429, honouring Retry-After", () => {
  assert.deepEqual(classify(PYPI, answer(503, "maintenance")), {
    kind: "transient",
    message: "maintenance",
    retryAfterMs: undefined,
  });
  const limited = classify(PYPI, answer(429, "slow down", { "retry-after": "3" }));
  assert.equal(limited.kind === "transient" && limited.retryAfterMs, 3000);
});

test("refuses a redirect and names the canonical URL", () => {
  const result = classify(
    "https://test.pypi.org/legacy",
    answer(308, "", { location: "/legacy/" }),
  );
  assert.equal(result.kind, "refused");
  assert.match(
    result.kind === "refused" ? (result.hint ?? "") : "",
    /--repository-url https:\/\/test\.pypi\.org\/legacy\//,
  );
});

test("explains PyPI's password refusal and a wrong upload URL", () => {
  const password = classify(
    PYPI,
    answer(
      403,
      JSON.stringify({
        code: "403 Username/Password authentication is no longer supported. Migrate to API Tokens or Trusted Publishers instead.",
      }),
    ),
    "alice",
  );
  assert.match(password.kind === "refused" ? (password.hint ?? "") : "", /API tokens/);
  const wrongUrl = classify("https://pypi.org/simple/", answer(405, "Method Not Allowed"));
  assert.match(
    wrongUrl.kind === "refused" ? (wrongUrl.hint ?? "") : "",
    /https:\/\/upload\.pypi\.org\/legacy\//,
  );
});

test("summarises an HTML error page from a front proxy", () => {
  const message = extractMessage(
    answer(
      502,
      "<html><head><title>502 Bad Gateway</title><style>p{}</style></head><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>",
      { "content-type": "text/html" },
    ),
  );
  assert.equal(message, "502 Bad Gateway: nginx");
});

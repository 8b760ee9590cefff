import assert from "node:assert/strict";
import { test } from "node:test";
import { Secrets } from "../src/secrets.ts";
import { findFile } from "../src/upload/index-lookup.ts";

test("redacts a secret, its URL encoding and its base64 form", () => {
  const secrets = new Secrets();
  secrets.add("pypi-s3cr3t/+=");
  const redact = (text: string) => secrets.redact(text);
  const base64 = Buffer.from("pypi-s3cr3t/+=").toString("base64");
  assert.equal(
    redact(`a pypi-s3cr3t/+= b ${encodeURIComponent("pypi-s3cr3t/+=")} c ${base64}`),
    "a *** b *** c ***",
  );
});

const sha = "a".repeat(64);

test("finds a file and its sha256 in a PEP 691 JSON page", () => {
  const page = JSON.stringify({
    meta: { "api-version": "1.1" },
    name: "demo",
    files: [{ filename: "demo-1.0.tar.gz", url: "x", hashes: { sha256: sha } }],
  });
  assert.deepEqual(findFile(page, "demo-1.0.tar.gz"), { kind: "found", sha256: sha });
  assert.deepEqual(findFile(page, "demo-2.0.tar.gz"), { kind: "absent" });
});

test("finds a file and its sha256 in a PEP 503 HTML page", () => {
  const page = `<!DOCTYPE html><html><body><a href="../../files/demo-1.0.tar.gz#sha256=${sha}">demo-1.0.tar.gz</a><br></body></html>`;
  assert.deepEqual(findFile(page, "demo-1.0.tar.gz"), { kind: "found", sha256: sha });
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { legacyFormatReason, normalizeName, parseFilename } from "../src/distributions/filename.ts";
import type { CoreMetadata } from "../src/distributions/metadata.ts";
import { validateDistribution } from "../src/distributions/validate.ts";

test("parses a wheel name with its tags", () => {
  assert.deepEqual(parseFilename("demo_pkg-1.0.0-py3-none-any.whl"), {
    ok: true,
    filename: {
      kind: "wheel",
      name: "demo_pkg",
      version: "1.0.0",
      tags: { python: "py3", abi: "none", platform: "any", build: undefined },
    },
  });
});

test("parses a wheel with a build tag and compressed tag sets", () => {
  const result = parseFilename(
    "numpy-2.1.0-1-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
  );
  assert.ok(result.ok && result.filename.kind === "wheel");
  assert.equal(result.filename.tags.build, "1");
  assert.equal(result.filename.tags.platform, "manylinux_2_17_x86_64.manylinux2014_x86_64");
});

test("refuses wheel names with missing or bad tags", () => {
  for (const [name, problem] of [
    ["demo-1.0-py3-none.whl", /got 4 dash-separated parts/],
    ["demo-1.0-x-py3-none-any.whl", /build tag 'x' must start with a digit/],
    ["demo-1.0-3py-none-any.whl", /bad python tag '3py'/],
    ["demo-1.0-py3-no+ne-any.whl", /bad abi tag/],
    ["demo-1.0-py3-none-an y.whl", /bad platform tag/],
  ] as const) {
    const result = parseFilename(name);
    assert.equal(result.ok, false, name);
    assert.match(result.ok ? "" : result.problem, problem, name);
  }
});

test("splits an sdist name at its last dash", () => {
  assert.deepEqual(parseFilename("my-pkg-1.0.post1.tar.gz"), {
    ok: true,
    filename: { kind: "sdist", name: "my-pkg", version: "1.0.post1" },
  });
});

test("names the reason for each legacy format", () => {
  assert.match(legacyFormatReason("demo-1.0-py3.8.egg") ?? "", /eggs are no longer accepted/);
  assert.match(legacyFormatReason("demo-1.0.win32.exe") ?? "", /bdist_wininst/);
  assert.match(legacyFormatReason("demo-1.0.zip") ?? "", /PEP 625/);
  assert.match(legacyFormatReason("demo-1.0.tar.bz2") ?? "", /\.tar\.gz/);
  assert.equal(legacyFormatReason("demo-1.0.tar.gz"), undefined);
});

test("normalizes names as PEP 503 says", () => {
  assert.equal(normalizeName("Foo.Bar__baz-Qux"), "foo-bar-baz-qux");
});

function metadata(name: string, version: string): CoreMetadata {
  return {
    metadataVersion: "2.1",
    headers: new Map([
      ["name", [name]],
      ["version", [version]],
    ]),
    description: undefined,
  };
}

test("accepts a file name that matches the metadata after normalization", () => {
  const result = parseFilename("Demo_Pkg-1.0-py3-none-any.whl");
  assert.ok(result.ok);
  assert.deepEqual(
    validateDistribution(result.filename, metadata("demo.pkg", "1.0.0"), { pep625: false }),
    [],
  );
});

test("reports a name or version that does not match the metadata", () => {
  const result = parseFilename("demo-1.0.tar.gz");
  assert.ok(result.ok);
  assert.deepEqual(
    validateDistribution(result.filename, metadata("other", "2.0"), { pep625: false }),
    [
      "file name says project 'demo' but metadata Name is 'other' (they must match after PEP 503 normalization)",
      "file name says version '1.0' but metadata Version is '2.0'",
    ],
  );
});

test("reports an invalid PEP 440 version", () => {
  const result = parseFilename("demo-banana.tar.gz");
  assert.ok(result.ok);
  assert.deepEqual(
    validateDistribution(result.filename, metadata("demo", "banana"), { pep625: false }),
    ["metadata Version 'banana' is not a valid PEP 440 version"],
  );
});

test("for Warehouse, refuses an sdist name that is not PEP 625 normalized, naming the right one", () => {
  const result = parseFilename("demo-setuptools-1.0.0.tar.gz");
  assert.ok(result.ok);
  const problems = validateDistribution(result.filename, metadata("demo-setuptools", "1.0.0"), {
    pep625: true,
  });
  assert.equal(problems.length, 1);
  assert.match(problems[0] ?? "", /it must be 'demo_setuptools-1\.0\.0\.tar\.gz'/);
  const normalized = parseFilename("demo_setuptools-1.0.0.tar.gz");
  assert.ok(normalized.ok);
  assert.deepEqual(
    validateDistribution(normalized.filename, metadata("Demo.Setuptools", "1.0.0"), {
      pep625: true,
    }),
    [],
  );
});

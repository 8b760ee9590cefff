import assert from "node:assert/strict";
import { test } from "node:test";
import { first, parseCoreMetadata } from "../src/distributions/metadata.ts";

const utf8 = (text: string) => new TextEncoder().encode(text);

function parsed(text: string) {
  const result = parseCoreMetadata(utf8(text));
  assert.ok(result.ok, `expected metadata to parse: ${JSON.stringify(result)}`);
  return result.metadata;
}

test("reads headers, repeated headers in order, and the body as the description", () => {
  const metadata = parsed(
    "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nClassifier: A :: B\nClassifier: C :: D\n\n# Title\n\nZürich ✓\n",
  );
  assert.equal(metadata.metadataVersion, "2.1");
  assert.deepEqual(metadata.headers.get("classifier"), ["A :: B", "C :: D"]);
  assert.equal(metadata.description, "# Title\n\nZürich ✓\n");
});

test("joins folded header lines with spaces, as pkginfo does", () => {
  const metadata = parsed("Metadata-Version: 1.2\nName: demo\nVersion: 1\nSummary: one\n   two\n");
  assert.equal(first(metadata.headers, "summary"), "one two");
});

test("takes a legacy Description header and removes its 8-space continuation indent", () => {
  const metadata = parsed(
    "Metadata-Version: 1.1\nName: demo\nVersion: 1\nDescription: first\n        second\n        \n        third\n",
  );
  assert.equal(metadata.description, "first\nsecond\n\nthird");
});

test("reports missing Name and Version together", () => {
  const result = parseCoreMetadata(utf8("Metadata-Version: 2.1\nSummary: x\n"));
  assert.deepEqual(result, {
    ok: false,
    problems: ["metadata has no Name field", "metadata has no Version field"],
  });
});

test("refuses an unknown Metadata-Version", () => {
  const result = parseCoreMetadata(utf8("Metadata-Version: 3.0\nName: a\nVersion: 1\n"));
  assert.equal(result.ok, false);
  assert.match(JSON.stringify(result), /unknown Metadata-Version '3.0'/);
});

test("refuses metadata that is not UTF-8", () => {
  const bytes = Buffer.concat([
    Buffer.from("Metadata-Version: 2.1\nName: a\nVersion: 1\nSummary: "),
    Buffer.from([0xff, 0xfe]),
  ]);
  const result = parseCoreMetadata(bytes);
  assert.deepEqual(result, {
    ok: false,
    problems: ["metadata is not valid UTF-8 (core metadata must be UTF-8)"],
  });
});

test("accepts every Metadata-Version from 1.0 to 2.4", () => {
  for (const version of ["1.0", "1.1", "1.2", "2.0", "2.1", "2.2", "2.3", "2.4"]) {
    assert.equal(
      parsed(`Metadata-Version: ${version}\nName: a\nVersion: 1\n`).metadataVersion,
      version,
    );
  }
});

test("drops one byte order mark, not two (a second one makes the first line no header)", () => {
  const one = parseCoreMetadata(utf8("\ufeffMetadata-Version: 2.1\nName: a\nVersion: 1\n"));
  assert.ok(one.ok);
  const two = parseCoreMetadata(utf8("\ufeff\ufeffName: a\nMetadata-Version: 2.1\nVersion: 1\n"));
  assert.equal(two.ok, false);
});

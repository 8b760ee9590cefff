// The bad-input corpus: every case is refused before the first byte is sent, with exit 2 and a
// message naming the file and the problem. The registry's request log proves nothing was sent.
import assert from "node:assert/strict";
import { mkdir, symlink, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { metadataText, writeSdist, writeWheel } from "./fixtures/handmade.ts";
import { startRegistry, type TestRegistry } from "./registry/server.ts";
import { baseEnv, runCli, tempDir } from "./support/cli.ts";

let registry: TestRegistry;
let scratch: { path: string; remove(): Promise<void> };
let counter = 0;

before(async () => {
  registry = await startRegistry({ personality: "pypi" });
  scratch = await tempDir();
});
after(async () => {
  await registry.close();
  await scratch.remove();
});

async function caseDir(): Promise<string> {
  const dir = join(scratch.path, `case-${counter++}`);
  await mkdir(dir);
  return dir;
}

/** Runs pypush on `paths` and checks: exit 2, every expected message, nothing sent. */
async function expectRefused(paths: string[], expected: RegExp[]) {
  const before = registry.allRequests().length;
  const run = await runCli(["--repository-url", registry.uploadUrl, "-t", "pypi-test", ...paths], {
    env: baseEnv(),
  });
  assert.equal(run.code, 2, run.output);
  for (const pattern of expected) assert.match(run.stderr, pattern);
  assert.match(run.stderr, /nothing was uploaded/);
  assert.equal(registry.allRequests().length, before, "pypush sent a request for a refused upload");
  return run;
}

const meta = (fields: [string, string][]) => metadataText(fields, "body\n");

test("refuses a .whl that is not a zip", async () => {
  const dir = await caseDir();
  await writeFile(join(dir, "demo_pkg-1.0.0-py3-none-any.whl"), "just text, no zip here\n");
  await expectRefused([dir], [/demo_pkg-1\.0\.0-py3-none-any\.whl: not a valid zip archive/]);
});

test("refuses a truncated wheel", async () => {
  const dir = await caseDir();
  const wheel = await writeWheel(dir);
  await truncate(wheel, 300);
  await expectRefused([dir], [/not a valid zip archive|corrupt zip archive/]);
});

test("refuses a wheel without METADATA", async () => {
  await expectRefused(
    [await writeWheel(await caseDir(), { metadata: null })],
    [/wheel has no \*\.dist-info\/METADATA file/],
  );
});

test("refuses a wheel with two .dist-info directories", async () => {
  await expectRefused(
    [await writeWheel(await caseDir(), { extraDistInfo: true })],
    [/wheel has 2 \.dist-info directories/],
  );
});

test("refuses METADATA of several MiB", async () => {
  await expectRefused(
    [await writeWheel(await caseDir(), { metadataSize: 5 * 1024 * 1024 })],
    [/METADATA is 5242880 bytes, over the 2097152-byte limit for metadata/],
  );
});

test("refuses a zip bomb", async () => {
  await expectRefused(
    [await writeWheel(await caseDir(), { bomb: true })],
    [/over 50 times its size: a likely zip bomb/],
  );
});

test("refuses METADATA that is not UTF-8", async () => {
  const metadata = Buffer.concat([
    Buffer.from("Metadata-Version: 2.1\nName: demo-pkg\nVersion: 1.0.0\nSummary: "),
    Buffer.from([0xc3, 0x28, 0xff]),
    Buffer.from("\n"),
  ]);
  await expectRefused(
    [await writeWheel(await caseDir(), { metadata })],
    [/METADATA: metadata is not valid UTF-8/],
  );
});

test("refuses METADATA without Name and Version, naming both", async () => {
  const metadata = meta([
    ["Metadata-Version", "2.1"],
    ["Summary", "x"],
  ]);
  await expectRefused(
    [await writeWheel(await caseDir(), { metadata })],
    [/METADATA: metadata has no Name field/, /METADATA: metadata has no Version field/],
  );
});

test("refuses an unknown Metadata-Version", async () => {
  const metadata = meta([
    ["Metadata-Version", "9.9"],
    ["Name", "demo-pkg"],
    ["Version", "1.0.0"],
  ]);
  await expectRefused(
    [await writeWheel(await caseDir(), { metadata })],
    [/unknown Metadata-Version '9\.9'/],
  );
});

test("refuses a file name whose project or version disagrees with the metadata", async () => {
  const dir = await caseDir();
  await writeWheel(dir, { filename: "other_pkg-1.0.0-py3-none-any.whl" });
  await writeSdist(dir, { filename: "demo_pkg-2.0.0.tar.gz" });
  await expectRefused(
    [dir],
    [
      /other_pkg-1\.0\.0-py3-none-any\.whl: file name says project 'other_pkg' but metadata Name is 'demo-pkg'/,
      /demo_pkg-2\.0\.0\.tar\.gz: file name says version '2\.0\.0' but metadata Version is '1\.0\.0'/,
    ],
  );
});

test("refuses invalid wheel tags", async () => {
  const dir = await caseDir();
  await writeWheel(dir, { filename: "demo_pkg-1.0.0-py3-none.whl" });
  await writeWheel(dir, { filename: "demo_pkg-1.0.0-3py-none-any.whl" });
  await expectRefused([dir], [/got 4 dash-separated parts/, /bad python tag '3py'/]);
});

test("refuses a .tar.gz that is not gzip", async () => {
  await expectRefused(
    [await writeSdist(await caseDir(), { gzip: false })],
    [/not gzip-compressed: an sdist must be a \.tar\.gz archive/],
  );
});

test("refuses a truncated .tar.gz", async () => {
  const dir = await caseDir();
  const sdist = await writeSdist(dir, { pkgInfoSize: 64 * 1024 });
  await truncate(sdist, 200);
  await expectRefused([sdist], [/corrupt or truncated \.tar\.gz/]);
});

test("refuses an sdist with two top-level directories", async () => {
  await expectRefused(
    [await writeSdist(await caseDir(), { topDirs: ["demo_pkg-1.0.0", "extra-1.0"] })],
    [/exactly one top-level directory; this one has 2/],
  );
});

test("refuses an sdist without PKG-INFO", async () => {
  await expectRefused(
    [await writeSdist(await caseDir(), { pkgInfo: null })],
    [/no PKG-INFO in the top-level directory demo_pkg-1\.0\.0\//],
  );
});

test("refuses a huge PKG-INFO", async () => {
  await expectRefused(
    [await writeSdist(await caseDir(), { pkgInfoSize: 3 * 1024 * 1024 })],
    [/PKG-INFO is 3145728 bytes, over the 2097152-byte limit/],
  );
});

test("refuses .zip, .egg, .exe and .tar.bz2 with the reason", async () => {
  const dir = await caseDir();
  for (const name of [
    "demo_pkg-1.0.0.zip",
    "demo_pkg-1.0.0-py3.11.egg",
    "demo_pkg-1.0.0.win32.exe",
    "demo_pkg-1.0.0.tar.bz2",
  ]) {
    await writeFile(join(dir, name), "x");
  }
  await expectRefused(
    [dir],
    [
      /demo_pkg-1\.0\.0\.zip: zip sdists are no longer accepted \(PEP 625/,
      /\.egg: eggs are no longer accepted by PyPI/,
      /\.exe: bdist_wininst installers are no longer accepted/,
      /\.tar\.bz2: sdists must be \.tar\.gz \(PEP 625\)/,
    ],
  );
});

test("refuses a directory or a symlink named like a wheel", async () => {
  const dir = await caseDir();
  await mkdir(join(dir, "demo_pkg-1.0.0-py3-none-any.whl"));
  const real = await writeSdist(await caseDir());
  await symlink(real, join(dir, "demo_pkg-1.0.0.tar.gz"));
  await expectRefused(
    [dir],
    [
      /-any\.whl: is a directory, not a distribution file/,
      /\.tar\.gz: is a symbolic link \(to .*\); pass the distribution file itself/,
    ],
  );
});

test("refuses an empty or missing packages directory", async () => {
  const empty = await caseDir();
  await expectRefused([empty], [/the directory is empty \(build your distributions first/]);
  await expectRefused([join(empty, "missing")], [/no such file or directory/]);
});

test("refuses two files with the same name in different directories", async () => {
  const first = await caseDir();
  const second = await caseDir();
  await writeWheel(first);
  await writeWheel(second);
  await expectRefused([first, second], [/the same file name is also at/]);
});

test("lists every problem of every file together, and sends nothing for the valid ones", async () => {
  const dir = await caseDir();
  await writeWheel(dir); // valid
  await writeSdist(dir, { pkgInfo: null });
  await writeFile(join(dir, "notes.txt"), "x");
  const run = await expectRefused([dir], [/no PKG-INFO/, /notes\.txt: unknown file type/]);
  assert.match(run.stderr, /2 problems in 2 files; nothing was uploaded/);
});

test("for PyPI, refuses an sdist whose name is not PEP 625 normalized, naming the right one", async () => {
  const dir = await caseDir();
  await writeSdist(dir, { filename: "demo-pkg-1.0.0.tar.gz" });
  await expectRefused(
    [dir],
    [/PyPI refuses this sdist name \(PEP 625\): it must be 'demo_pkg-1\.0\.0\.tar\.gz'/],
  );
});

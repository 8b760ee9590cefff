// End to end through the bundled CLI: real files, a real registry on 127.0.0.1, every personality.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { writeSdist, writeWheel } from "./fixtures/handmade.ts";
import { type RegistryOptions, startRegistry, type TestRegistry } from "./registry/server.ts";
import { baseEnv, runCli, tempDir } from "./support/cli.ts";

let scratch: { path: string; remove(): Promise<void> };
let dist: string;
let wheel: string;
let sdist: string;

before(async () => {
  scratch = await tempDir();
  dist = join(scratch.path, "dist");
  const { mkdir } = await import("node:fs/promises");
  await mkdir(dist);
  wheel = await writeWheel(dist);
  sdist = await writeSdist(dist);
});
after(() => scratch.remove());

async function withRegistry<T>(options: RegistryOptions, body: (r: TestRegistry) => Promise<T>) {
  const registry = await startRegistry(options);
  try {
    return await body(registry);
  } finally {
    await registry.close();
  }
}

const sha256 = async (path: string) =>
  createHash("sha256")
    .update(await readFile(path))
    .digest("hex");

async function readReport(path: string) {
  return JSON.parse(await readFile(path, "utf8")) as {
    files: {
      filename: string;
      outcome: string;
      sha256: string;
      size: number;
      url?: string;
      message?: string;
      hint?: string;
    }[];
  };
}

test("uploads a wheel and an sdist to PyPI's personality, byte for byte, sdist first", async () => {
  await withRegistry({ personality: "pypi" }, async (registry) => {
    const json = join(scratch.path, "pypi-report.json");
    const run = await runCli(["--repository-url", registry.uploadUrl, "--json", json, dist], {
      env: baseEnv({ PYPUSH_TOKEN: "pypi-AgEIcHlwaS5vcmc-secret" }),
    });
    assert.equal(run.code, 0, run.output);
    assert.deepEqual(
      registry.requests().map((request) => request.fileName),
      ["demo_pkg-1.0.0.tar.gz", "demo_pkg-1.0.0-py3-none-any.whl"],
    );
    for (const path of [wheel, sdist]) {
      const stored = registry.files().filter((file) => path.endsWith(file.filename));
      assert.equal(stored.length, 1);
      assert.equal(stored[0]?.sha256, await sha256(path));
    }
    for (const request of registry.requests()) {
      assert.ok(request.headers["content-length"], "Content-Length is set");
      assert.equal(request.headers["transfer-encoding"], undefined, "no chunked encoding");
    }
    assert.match(run.stdout, /uploaded demo_pkg-1\.0\.0-py3-none-any\.whl/);
    assert.match(run.stdout, /2 uploaded, 0 skipped, 0 failed/);
    assert.doesNotMatch(run.output, /secret/);
    const report = await readReport(json);
    assert.deepEqual(
      report.files.map((file) => [file.filename, file.outcome, file.sha256]),
      [
        ["demo_pkg-1.0.0.tar.gz", "uploaded", await sha256(sdist)],
        ["demo_pkg-1.0.0-py3-none-any.whl", "uploaded", await sha256(wheel)],
      ],
    );
  });
});

const personalities: [string, RegistryOptions, Record<string, string>][] = [
  [
    "pypiserver",
    { personality: "pypiserver", users: [{ username: "alice", password: "s3cret-pw" }] },
    { PYPUSH_USERNAME: "alice", PYPUSH_PASSWORD: "s3cret-pw" },
  ],
  [
    "gitea",
    { personality: "gitea", users: [{ username: "owner", password: "gitea-token" }] },
    { TWINE_USERNAME: "owner", TWINE_PASSWORD: "gitea-token" },
  ],
  [
    "nexus",
    { personality: "nexus", users: [{ username: "deployer", password: "nexus-pw" }] },
    { UV_PUBLISH_USERNAME: "deployer", UV_PUBLISH_PASSWORD: "nexus-pw" },
  ],
  [
    "artifactory",
    { personality: "artifactory", users: [{ username: "ci", password: "jfrog-key" }] },
    { PYPUSH_USERNAME: "ci", PYPUSH_PASSWORD: "jfrog-key" },
  ],
];

for (const [name, options, env] of personalities) {
  test(`uploads to ${name} with its credentials from the environment`, async () => {
    await withRegistry(options, async (registry) => {
      const run = await runCli(["--repository-url", registry.uploadUrl, dist], {
        env: baseEnv(env),
      });
      assert.equal(run.code, 0, run.output);
      assert.equal(registry.files().length, 2);
      const md5Sent = registry
        .files()
        .every((file) => file.fields.some(([field]) => field === "md5_digest"));
      // Artifactory warns without an MD5 (uv issue 10202); nobody else gets one.
      assert.equal(md5Sent, name === "artifactory");
      const passwords = Object.entries(env).filter(([variable]) => variable.endsWith("PASSWORD"));
      for (const [, secret] of passwords) {
        assert.ok(!run.output.includes(secret), "no secret in the output");
      }
    });
  });
}

test("in GitLab CI, publishes to the project's registry with the job token and no configuration", async () => {
  const gitlab = { projectId: "17", projectPath: "acme/widget", jobToken: "glcbt-64_job-secret" };
  await withRegistry({ personality: "gitlab", gitlab }, async (registry) => {
    const env = baseEnv({
      GITLAB_CI: "true",
      CI_SERVER_URL: registry.origin,
      CI_API_V4_URL: `${registry.origin}/api/v4`,
      CI_PROJECT_ID: "17",
      CI_PROJECT_PATH: "acme/widget",
      CI_JOB_TOKEN: gitlab.jobToken,
    });
    const run = await runCli([dist], { env });
    assert.equal(run.code, 0, run.output);
    assert.match(run.stdout, /with the CI job token \(username 'gitlab-ci-token'\)/);
    assert.equal(registry.files().length, 2);
    assert.ok(registry.files().every((file) => file.repository === "acme/widget"));
    assert.ok(!run.output.includes(gitlab.jobToken));
  });
});

test("seed case: uv's --token $CI_JOB_TOKEN configuration succeeds with a notice instead of a 401", async () => {
  const gitlab = { projectId: "17", projectPath: "acme/widget", jobToken: "glcbt-64_job-secret" };
  await withRegistry({ personality: "gitlab", gitlab }, async (registry) => {
    const env = baseEnv({
      GITLAB_CI: "true",
      CI_SERVER_URL: registry.origin,
      CI_PROJECT_ID: "17",
      CI_JOB_TOKEN: gitlab.jobToken,
    });
    const run = await runCli(
      ["--repository-url", registry.uploadUrl, "--token", gitlab.jobToken, dist],
      { env },
    );
    assert.equal(run.code, 0, run.output);
    assert.match(
      run.stdout,
      /notice: .*accepts only with the username gitlab-ci-token \(not '__token__'\): using gitlab-ci-token/,
    );
    assert.equal(registry.files().length, 2);
  });
});

test("a duplicate is an error with a hint, and --skip-existing skips the identical file", async () => {
  const gitlab = { projectId: "5", projectPath: "g/p", personalAccessToken: "glpat-abcdefgh" };
  await withRegistry({ personality: "gitlab", gitlab }, async (registry) => {
    const env = baseEnv({ PYPUSH_USERNAME: "me", PYPUSH_PASSWORD: gitlab.personalAccessToken });
    const args = ["--repository-url", registry.uploadUrl, dist];
    assert.equal((await runCli(args, { env })).code, 0);
    const again = await runCli(args, { env });
    assert.equal(again.code, 1, again.output);
    assert.match(again.stdout, /already on GitLab \(same sha256\)/);
    assert.match(again.stdout, /hint: pass --skip-existing/);
    assert.match(again.stdout, /1 not attempted/);
    const skipping = await runCli([...args, "--skip-existing"], { env });
    assert.equal(skipping.code, 0, skipping.output);
    assert.match(skipping.stdout, /0 uploaded, 2 skipped, 0 failed/);
    assert.equal(registry.files().length, 2);
  });
});

test("--skip-existing does not hide a different file under the same name", async () => {
  await withRegistry({ personality: "pypi" }, async (registry) => {
    const env = baseEnv({ PYPUSH_TOKEN: "pypi-abc" });
    const other = join(scratch.path, "other");
    const { mkdir } = await import("node:fs/promises");
    await mkdir(other);
    const changed = await writeWheel(other, {
      entries: [{ path: "demo_pkg/extra.py", data: Buffer.from("x = 1\n") }],
    });
    assert.equal((await runCli(["--repository-url", registry.uploadUrl, wheel], { env })).code, 0);
    const run = await runCli(["--repository-url", registry.uploadUrl, "--skip-existing", changed], {
      env,
    });
    assert.equal(run.code, 1, run.output);
    assert.match(
      run.stdout,
      new RegExp(
        `already holds a different demo_pkg-1\\.0\\.0-py3-none-any\\.whl \\(its sha256 ${await sha256(wheel)}, this file's ${await sha256(changed)}\\)`,
      ),
    );
  });
});

test("PyPI answers 200 to the same file again; pypush reports it uploaded once more, not failed", async () => {
  await withRegistry({ personality: "pypi" }, async (registry) => {
    const env = baseEnv({ PYPUSH_TOKEN: "pypi-abc" });
    for (let i = 0; i < 2; i++) {
      const run = await runCli(["--repository-url", registry.uploadUrl, wheel], { env });
      assert.equal(run.code, 0, run.output);
    }
    assert.equal(registry.files().length, 1);
  });
});

test("bad credentials fail with exit 1 and a hint naming PyPI's token rules", async () => {
  await withRegistry({ personality: "pypi" }, async (registry) => {
    const run = await runCli(
      ["--repository-url", registry.uploadUrl, "-u", "alice", "-p", "hunter22", dist],
      { env: baseEnv() },
    );
    assert.equal(run.code, 1, run.output);
    assert.match(run.stdout, /Username\/Password authentication is no longer supported/);
    assert.match(run.stdout, /hint: PyPI takes API tokens, not passwords/);
    assert.ok(!run.output.includes("hunter22"));
  });
});

test("a redirect to the canonical URL is not followed: the message names it", async () => {
  await withRegistry({ personality: "pypi" }, async (registry) => {
    const run = await runCli(
      ["--repository-url", `${registry.origin}/legacy`, "-t", "pypi-abc", dist],
      { env: baseEnv() },
    );
    assert.equal(run.code, 1, run.output);
    assert.match(
      run.stdout,
      new RegExp(`use the canonical upload URL: --repository-url ${registry.origin}/legacy/`),
    );
    assert.equal(registry.files().length, 0);
  });
});

test("--dry-run inspects and sends nothing; --print-hash prints the digests", async () => {
  await withRegistry({ personality: "pypi" }, async (registry) => {
    const run = await runCli(
      ["--repository-url", registry.uploadUrl, "--dry-run", "--print-hash", dist],
      { env: baseEnv({ PYPUSH_TOKEN: "pypi-x" }) },
    );
    assert.equal(run.code, 0, run.output);
    assert.match(run.stdout, /would-upload demo_pkg-1\.0\.0-py3-none-any\.whl/);
    assert.match(run.stdout, new RegExp(`sha256 ${await sha256(wheel)}`));
    assert.equal(registry.allRequests().length, 0);
  });
});

test("PyPI without any credentials is refused before sending, naming the ways to authenticate", async () => {
  const run = await runCli(["--dry-run", dist], { env: baseEnv() });
  assert.equal(run.code, 0, "a dry run needs no credentials");
  const real = await runCli([dist], { env: baseEnv() });
  assert.equal(real.code, 2, real.output);
  assert.match(real.stderr, /no credentials for PyPI/);
  assert.match(real.stderr, /--token/);
});

test("a file that changes after inspection is not sent again: the failure names the cause", async () => {
  await withRegistry({ personality: "pypi" }, async (registry) => {
    const dir = join(scratch.path, "changing");
    const { mkdir, appendFile } = await import("node:fs/promises");
    await mkdir(dir);
    await writeSdist(dir);
    const growing = await writeWheel(dir, {
      entries: [{ path: "demo_pkg/big.bin", data: Buffer.alloc(64 * 1024, 1) }],
    });
    // The sdist goes first and the registry holds it 1.5 s: time for the wheel to change.
    registry.scriptFaults({ kind: "delay", ms: 1500 });
    const running = runCli(["--repository-url", registry.uploadUrl, "--concurrency", "1", dir], {
      env: baseEnv({ PYPUSH_TOKEN: "pypi-abc" }),
    });
    await new Promise((resolve) => setTimeout(resolve, 700));
    await appendFile(growing, Buffer.alloc(4096, 2));
    const run = await running;
    assert.equal(run.code, 1, run.output);
    assert.match(run.stdout, /changed while uploading/);
    assert.match(run.stdout, /hint: the file changed after it was inspected/);
    const wheelAttempts = registry
      .requests()
      .filter((request) => request.fileName?.endsWith(".whl"));
    assert.ok(wheelAttempts.length <= 1, "not retried");
    assert.deepEqual(
      registry.files().map((file) => file.filename),
      ["demo_pkg-1.0.0.tar.gz"],
    );
  });
});

// The GitLab component run for real: gitlab-ci-local (shell executor, on Node 24) runs
// templates/publish.yml with the npm package spec pointed at this checkout (npm pack), against
// the test registry's GitLab personality, which enforces GitLab's job token rules.
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { cp, mkdir, readFile, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import { parseAllDocuments } from "yaml";
import { writeSdist, writeWheel } from "./fixtures/handmade.ts";
import { startRegistry, type TestRegistry } from "./registry/server.ts";
import { NODE24 } from "./support/action.ts";
import { baseEnv, ROOT, tempDir } from "./support/cli.ts";

const run = promisify(execFile);
const GITLAB_CI_LOCAL = join(ROOT, "node_modules/gitlab-ci-local/dist/index.js");
const JOB_TOKEN = "glcbt-64_component-job-token";
const GITLAB = { projectId: "17", projectPath: "acme/widget", jobToken: JOB_TOKEN };

let work: { path: string; remove(): Promise<void> };
let tarball: string;

before(async () => {
  work = await tempDir("pypush-gitlab-");
  const { stdout } = await run("npm", ["pack", "--silent", "--pack-destination", work.path], {
    cwd: ROOT,
  });
  tarball = join(work.path, stdout.trim().split("\n").pop() ?? "");
});
after(() => work.remove());

/** A git project holding dist/ and a .gitlab-ci.yml, as a user's repository would. */
async function project(name: string, ciYaml: string): Promise<string> {
  const dir = join(work.path, name);
  await mkdir(join(dir, "dist"), { recursive: true });
  await writeWheel(join(dir, "dist"));
  await writeSdist(join(dir, "dist"));
  await mkdir(join(dir, "templates"));
  await cp(join(ROOT, "templates/publish.yml"), join(dir, "templates/publish.yml"));
  await writeFile(join(dir, ".gitlab-ci.yml"), ciYaml);
  const git = (...args: string[]) => run("git", args, { cwd: dir });
  await git("init", "-q", "-b", "main");
  await git("remote", "add", "origin", "https://gitlab.example.com/acme/widget.git");
  await git("add", "-A");
  await git("-c", "user.email=ci@example.com", "-c", "user.name=ci", "commit", "-qm", "release");
  return dir;
}

/** Runs the pipeline with the variables GitLab predefines for project 17 on the registry's host. */
async function pipeline(
  dir: string,
  registry: TestRegistry,
): Promise<{ code: number | null; log: string }> {
  const variables = {
    GITLAB_CI: "true",
    CI_SERVER_URL: registry.origin,
    CI_API_V4_URL: `${registry.origin}/api/v4`,
    CI_PROJECT_ID: GITLAB.projectId,
    CI_PROJECT_PATH: GITLAB.projectPath,
    CI_JOB_TOKEN: JOB_TOKEN,
  };
  const args = [GITLAB_CI_LOCAL, "--force-shell-executor"];
  for (const [name, value] of Object.entries(variables))
    args.push("--variable", `${name}=${value}`);
  const child = spawn(NODE24, args, {
    cwd: dir,
    env: baseEnv({
      PATH: `${dirname(NODE24)}:${process.env.PATH}`,
      npm_config_cache: join(work.path, "npm-cache"),
    }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout.on("data", (chunk) => {
    log += chunk;
  });
  child.stderr.on("data", (chunk) => {
    log += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  return { code, log };
}

test("a .gitlab-ci.yml with only the include publishes dist/ with the job token", async () => {
  const registry = await startRegistry({ personality: "gitlab", gitlab: GITLAB });
  try {
    const dir = await project(
      "zero-config",
      `include:\n  - local: templates/publish.yml\n    inputs:\n      package: ${tarball}\n`,
    );
    const result = await pipeline(dir, registry);
    assert.equal(result.code, 0, result.log);
    assert.match(result.log, /with the CI job token \(username 'gitlab-ci-token'\)/);
    assert.deepEqual(
      registry
        .files()
        .map((file) => file.filename)
        .sort(),
      ["demo_pkg-1.0.0-py3-none-any.whl", "demo_pkg-1.0.0.tar.gz"],
    );
    assert.ok(!result.log.includes(JOB_TOKEN), "the job token never reaches the log");
  } finally {
    await registry.close();
  }
});

test("the seed's configuration (--token $CI_JOB_TOKEN) succeeds with a notice naming gitlab-ci-token", async () => {
  const registry = await startRegistry({ personality: "gitlab", gitlab: GITLAB });
  try {
    const dir = await project(
      "seed",
      `include:\n  - local: templates/publish.yml\n    inputs:\n      package: ${tarball}\n      extra-args: --token $CI_JOB_TOKEN\n`,
    );
    const result = await pipeline(dir, registry);
    assert.equal(result.code, 0, result.log);
    assert.match(
      result.log,
      /notice: .*only with the username gitlab-ci-token \(not '__token__'\): using gitlab-ci-token/,
    );
    assert.equal(registry.files().length, 2);
  } finally {
    await registry.close();
  }
});

test("works as include: remote, with inputs, skip-existing on a second run", async () => {
  const template = await readFile(join(ROOT, "templates/publish.yml"));
  const server = createServer((_req, res) => res.end(template));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const registry = await startRegistry({ personality: "gitlab", gitlab: GITLAB });
  try {
    const dir = await project(
      "remote",
      `include:\n  - remote: http://127.0.0.1:${port}/publish.yml\n    inputs:\n      package: ${tarball}\n      skip-existing: true\n      stage: release\nstages: [release]\n`,
    );
    assert.equal((await pipeline(dir, registry)).code, 0);
    const again = await pipeline(dir, registry);
    assert.equal(again.code, 0, again.log);
    assert.match(again.log, /0 uploaded, 2 skipped/);
  } finally {
    await registry.close();
    server.close();
  }
});

test("the template is a CI/CD component: typed, described inputs in a spec header", async () => {
  const [header, body] = parseAllDocuments(
    await readFile(join(ROOT, "templates/publish.yml"), "utf8"),
  ).map((doc) => doc.toJS());
  const inputs = header.spec.inputs as Record<
    string,
    { type?: string; default?: unknown; description?: string }
  >;
  assert.deepEqual(Object.keys(inputs).sort(), [
    "extra-args",
    "node-image",
    "package",
    "packages-dir",
    "repository-url",
    "skip-existing",
    "stage",
  ]);
  for (const [name, input] of Object.entries(inputs)) {
    assert.ok(input.description, `${name} is described`);
    assert.ok("default" in input, `${name} has a default, so the include needs no inputs`);
  }
  assert.equal(inputs["skip-existing"]?.type, "boolean");
  assert.ok(body["pypush-publish"].script.join("\n").includes("npx"));
});

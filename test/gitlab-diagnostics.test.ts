// GitLab's refusals, each ending in a message that names the fix, against the GitLab personality.
import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { recognizeRegistry } from "../src/registries.ts";
import { classifyAnswer } from "../src/upload/outcome.ts";
import { writeWheel } from "./fixtures/handmade.ts";
import { type GitlabOptions, startRegistry } from "./registry/server.ts";
import { baseEnv, runCli, tempDir } from "./support/cli.ts";

const JOB_TOKEN = "glcbt-64_diagnostics";
let work: { path: string; remove(): Promise<void> };
let dist: string;
before(async () => {
  work = await tempDir();
  dist = join(work.path, "dist");
  await mkdir(dist);
  await writeWheel(dist);
});
after(() => work.remove());

async function publishFromJob(
  gitlab: GitlabOptions,
  args: string[],
  extraEnv: Record<string, string> = {},
) {
  const registry = await startRegistry({ personality: "gitlab", gitlab });
  try {
    const env = baseEnv({
      GITLAB_CI: "true",
      CI_SERVER_URL: registry.origin,
      CI_API_V4_URL: `${registry.origin}/api/v4`,
      CI_PROJECT_ID: gitlab.projectId,
      CI_PROJECT_PATH: gitlab.projectPath,
      CI_JOB_TOKEN: JOB_TOKEN,
      ...extraEnv,
    });
    const run = await runCli([...args, dist], { env });
    return { run, files: registry.files().length };
  } finally {
    await registry.close();
  }
}

const SOURCE = { projectId: "17", projectPath: "acme/widget", jobToken: JOB_TOKEN };
const TARGET = { projectId: "99", projectPath: "acme/shared-registry", allowlist: [] as string[] };

for (const refusal of [404, 403] as const) {
  test(`another project's registry refusing the job token (${refusal}) names both projects and the allowlist`, async () => {
    const { run, files } = await publishFromJob(
      { ...SOURCE, otherProjects: [TARGET], allowlistRefusal: refusal },
      ["--gitlab-project", TARGET.projectPath],
    );
    assert.equal(run.code, 1, run.output);
    assert.equal(files, 0);
    assert.match(
      run.stdout,
      /the job token of project acme\/widget may not publish to project acme\/shared-registry: in acme\/shared-registry, open Settings > CI\/CD > Job token permissions and add acme\/widget to the allowlist/,
    );
  });
}

test("an allowlisted project takes the job token", async () => {
  const { run, files } = await publishFromJob(
    { ...SOURCE, otherProjects: [{ ...TARGET, allowlist: ["acme/widget"] }] },
    ["--gitlab-project", TARGET.projectId],
  );
  assert.equal(run.code, 0, run.output);
  assert.equal(files, 1);
});

test("a project with the package registry turned off: the hint names the setting", async () => {
  const { run } = await publishFromJob({ ...SOURCE, packagesDisabled: true }, []);
  assert.equal(run.code, 1, run.output);
  assert.match(run.stdout, /package registry is enabled \(Settings > General > Visibility/);
});

test("credentials GitLab refuses: the hint lists which username goes with which token", async () => {
  const { run } = await publishFromJob({ ...SOURCE, personalAccessToken: "glpat-the-right-one" }, [
    "-u",
    "me",
    "-p",
    "glpat-a-wrong-one",
  ]);
  assert.equal(run.code, 1, run.output);
  assert.match(run.stdout, /401/);
  assert.match(
    run.stdout,
    /job token works only with the username gitlab-ci-token; a deploy token with its own username and scope write_package_registry; a personal, project or group access token with scope api/,
  );
});

test("a token without the needed scope: the hint names api and write_package_registry", () => {
  // GitLab's answer for an access token lacking a scope (OAuth-style, lib/gitlab/auth).
  const url = new URL("https://gitlab.example.com/api/v4/projects/17/packages/pypi");
  const result = classifyAnswer(
    {
      status: 403,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        error: "insufficient_scope",
        error_description:
          "The request requires higher privileges than provided by the access token.",
        scope: "api",
      }),
    },
    { profile: recognizeRegistry(url), url, username: "me", credentialKind: "explicit" },
  );
  assert.equal(result.kind, "refused");
  assert.match(
    result.kind === "refused" ? (result.hint ?? "") : "",
    /scope api .*scope write_package_registry/,
  );
});

test("the group endpoint is refused before anything is sent", async () => {
  const registry = await startRegistry({ personality: "gitlab", gitlab: SOURCE });
  try {
    const run = await runCli(
      [
        "--repository-url",
        `${registry.origin}/api/v4/groups/5/-/packages/pypi`,
        "-u",
        "x",
        "-p",
        "glpat-x",
        dist,
      ],
      { env: baseEnv() },
    );
    assert.equal(run.code, 2, run.output);
    assert.match(run.stderr, /group endpoint, which is read-only/);
    assert.equal(registry.allRequests().length, 0);
  } finally {
    await registry.close();
  }
});

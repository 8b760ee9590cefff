import assert from "node:assert/strict";
import { test } from "node:test";
import { gitlabProjectUploadUrl, readGitLabFacts } from "../src/ci/gitlab.ts";
import { resolveCredentials } from "../src/credentials/resolve.ts";
import { CredentialsError } from "../src/errors.ts";
import { recognizeRegistry } from "../src/registries.ts";
import type { ExplicitCredentials } from "../src/request.ts";
import { Secrets } from "../src/secrets.ts";
import { createTransport } from "../src/upload/send.ts";

const JOB_TOKEN = "glcbt-64_job-token-value";
const CI_ENV = {
  GITLAB_CI: "true",
  CI_SERVER_URL: "https://gitlab.example.com",
  CI_API_V4_URL: "https://gitlab.example.com/api/v4",
  CI_PROJECT_ID: "42",
  CI_PROJECT_PATH: "acme/tools/widget",
  CI_JOB_TOKEN: JOB_TOKEN,
};
const OWN_REGISTRY = "https://gitlab.example.com/api/v4/projects/42/packages/pypi";

async function resolveFor(
  url: string,
  env: Record<string, string>,
  explicit: ExplicitCredentials = { username: undefined, password: undefined },
) {
  const secrets = new Secrets();
  const parsed = new URL(url);
  const transport = createTransport({ timeoutMs: 1000, userAgent: "test", caCertFiles: [] });
  try {
    const credentials = await resolveCredentials({
      explicit,
      profile: recognizeRegistry(parsed),
      url: parsed,
      github: undefined,
      gitlab: readGitLabFacts(env),
      idTokens: undefined,
      transport,
      secrets,
    });
    const header = await credentials?.authorization();
    const pair = header
      ? Buffer.from(header.replace(/^Basic /, ""), "base64").toString("utf8")
      : undefined;
    return { credentials, pair, secrets };
  } finally {
    await transport.dispatcher.close();
  }
}

test("uploads with username gitlab-ci-token when only CI_JOB_TOKEN is set", async () => {
  const { credentials, pair } = await resolveFor(OWN_REGISTRY, CI_ENV);
  assert.equal(credentials?.kind, "job-token");
  assert.equal(pair, `gitlab-ci-token:${JOB_TOKEN}`);
});

test("prefers the deploy token over the job token", async () => {
  const env = {
    ...CI_ENV,
    CI_DEPLOY_USER: "gitlab+deploy-token-7",
    CI_DEPLOY_PASSWORD: "gldt-deploy",
  };
  const { credentials, pair } = await resolveFor(OWN_REGISTRY, env);
  assert.equal(credentials?.kind, "deploy-token");
  assert.equal(pair, "gitlab+deploy-token-7:gldt-deploy");
});

test("prefers explicit credentials over every CI token", async () => {
  const env = { ...CI_ENV, CI_DEPLOY_USER: "d", CI_DEPLOY_PASSWORD: "gldt-deploy" };
  const { pair } = await resolveFor(OWN_REGISTRY, env, {
    username: "me",
    password: "glpat-personal",
  });
  assert.equal(pair, "me:glpat-personal");
});

test("seed case: __token__ + job token is sent as gitlab-ci-token, with a notice", async () => {
  const { credentials, pair } = await resolveFor(OWN_REGISTRY, CI_ENV, {
    username: "__token__",
    password: JOB_TOKEN,
  });
  assert.equal(pair, `gitlab-ci-token:${JOB_TOKEN}`);
  assert.match(
    credentials?.notice ?? "",
    /only with the username gitlab-ci-token \(not '__token__'\)/,
  );
});

test("a --token that equals CI_JOB_TOKEN without the glcbt- prefix is recognised too", async () => {
  const env = { ...CI_ENV, CI_JOB_TOKEN: "legacy-job-token-123" };
  const { pair } = await resolveFor(OWN_REGISTRY, env, {
    username: undefined,
    password: "legacy-job-token-123",
  });
  assert.equal(pair, "gitlab-ci-token:legacy-job-token-123");
});

test("job token never leaves its host: another GitLab gets no credentials", async () => {
  const { credentials } = await resolveFor(
    "https://gitlab.other.org/api/v4/projects/1/packages/pypi",
    CI_ENV,
  );
  assert.equal(credentials, undefined);
});

test("job token never leaves its host: passing it explicitly to another host is refused", async () => {
  await assert.rejects(
    resolveFor("https://nexus.example.net/repository/pypi/", CI_ENV, {
      username: "gitlab-ci-token",
      password: JOB_TOKEN,
    }),
    (error: unknown) =>
      error instanceof CredentialsError &&
      /refusing to send the GitLab CI job token to nexus\.example\.net/.test(error.message),
  );
});

test("the job token is not used for PyPI: trusted publishing asks for the id_tokens block", async () => {
  // The audience comes from the index, so a local stand-in answers it.
  const { createServer } = await import("node:http");
  const server = createServer((_req, res) => {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ audience: "pypi" }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  try {
    await assert.rejects(
      resolveFor(`http://127.0.0.1:${port}/legacy/`, CI_ENV),
      (error: unknown) => {
        assert.ok(error instanceof CredentialsError);
        assert.match(error.message, /PYPI_ID_TOKEN is not set/);
        assert.equal(
          error.hint,
          "add to the publishing job:\n  id_tokens:\n    PYPI_ID_TOKEN:\n      aud: pypi",
        );
        return true;
      },
    );
  } finally {
    server.close();
  }
});

test("builds project upload URLs from an id or a URL-encoded path", () => {
  const api = new URL("https://gitlab.example.com/api/v4");
  assert.equal(gitlabProjectUploadUrl(api, "42").href, OWN_REGISTRY);
  assert.equal(
    gitlabProjectUploadUrl(api, "acme/tools/other").href,
    "https://gitlab.example.com/api/v4/projects/acme%2Ftools%2Fother/packages/pypi",
  );
});

test("refuses the read-only group endpoint before sending anything", () => {
  const profile = recognizeRegistry(
    new URL("https://gitlab.example.com/api/v4/groups/7/-/packages/pypi"),
  );
  assert.match(profile.readOnly?.message ?? "", /group endpoint, which is read-only/);
  assert.match(profile.readOnly?.hint ?? "", /\/api\/v4\/projects\/<project id/);
});

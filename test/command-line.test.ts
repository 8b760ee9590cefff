import assert from "node:assert/strict";
import { test } from "node:test";
import { parseCommandLine } from "../src/command-line.ts";
import { UsageError } from "../src/errors.ts";
import type { PublishRequest } from "../src/request.ts";

function request(argv: string[], env: Record<string, string> = {}): PublishRequest {
  const parsed = parseCommandLine(argv, env);
  assert.equal(typeof parsed, "object");
  return parsed as PublishRequest;
}

test("defaults to dist/ and PyPI", () => {
  const parsed = request([]);
  assert.deepEqual(parsed.paths, ["dist/"]);
  assert.equal(parsed.repositoryUrl.href, "https://upload.pypi.org/legacy/");
  assert.deepEqual(parsed.credentials, { username: undefined, password: undefined });
});

test("a token is sent with the username __token__", () => {
  assert.deepEqual(request(["-t", "pypi-abc"]).credentials, {
    username: "__token__",
    password: "pypi-abc",
  });
  assert.deepEqual(request([], { UV_PUBLISH_TOKEN: "pypi-uv" }).credentials, {
    username: "__token__",
    password: "pypi-uv",
  });
});

test("takes credentials from the first source that gives any: flags, PYPUSH_, TWINE_, UV_", () => {
  const env = { TWINE_USERNAME: "tw", TWINE_PASSWORD: "tw-secret", UV_PUBLISH_TOKEN: "uv-token" };
  assert.deepEqual(request([], env).credentials, { username: "tw", password: "tw-secret" });
  assert.deepEqual(request([], { ...env, PYPUSH_TOKEN: "pp" }).credentials, {
    username: "__token__",
    password: "pp",
  });
  assert.deepEqual(request(["-u", "me", "-p", "pw"], env).credentials, {
    username: "me",
    password: "pw",
  });
});

test("takes the URL from the flag, its alias or the tools' variables", () => {
  assert.equal(
    request(["--publish-url", "https://x.example/up"]).repositoryUrl.href,
    "https://x.example/up",
  );
  assert.equal(
    request([], { TWINE_REPOSITORY_URL: "https://t.example/" }).repositoryUrl.href,
    "https://t.example/",
  );
  assert.equal(
    request([], { UV_PUBLISH_URL: "https://u.example/" }).repositoryUrl.href,
    "https://u.example/",
  );
  assert.equal(
    request(["--repository", "testpypi"]).repositoryUrl.href,
    "https://test.pypi.org/legacy/",
  );
});

test("refuses bad usage with a message that names the fix", () => {
  const cases: [string[], RegExp][] = [
    [["--nope"], /Unknown option '--nope'/],
    [["--repository", "warehouse"], /unknown repository 'warehouse'/],
    [["--repository", "pypi", "--repository-url", "https://x.example/"], /give only one of/],
    [["--repository-url", "not a url"], /is not a URL/],
    [["--repository-url", "https://user:pw@x.example/"], /carries credentials/],
    [["-t", "a", "-p", "b"], /a token or a password, not both/],
    [["-u", "alice"], /username was given without a password/],
    [["--retries=-1"], /whole number/],
    [["--retries", "many"], /whole number/],
    [["--timeout", "0"], /seconds above 0/],
  ];
  for (const [argv, message] of cases) {
    assert.throws(
      () => parseCommandLine(argv, {}),
      (error: unknown) => {
        assert.ok(error instanceof UsageError, argv.join(" "));
        assert.match(error.message, message);
        return true;
      },
    );
  }
});

const GITLAB_ENV = {
  GITLAB_CI: "true",
  CI_SERVER_URL: "https://gitlab.example.com",
  CI_API_V4_URL: "https://gitlab.example.com/api/v4",
  CI_PROJECT_ID: "42",
  CI_JOB_TOKEN: "glcbt-x",
};

test("in GitLab CI with no URL, targets the project's own registry", () => {
  const own = "https://gitlab.example.com/api/v4/projects/42/packages/pypi";
  assert.equal(request([], GITLAB_ENV).repositoryUrl.href, own);
  assert.equal(request(["--repository", "gitlab"], GITLAB_ENV).repositoryUrl.href, own);
  assert.equal(
    request(["--gitlab-project", "acme/other"], GITLAB_ENV).repositoryUrl.href,
    "https://gitlab.example.com/api/v4/projects/acme%2Fother/packages/pypi",
  );
  assert.equal(
    request([], { ...GITLAB_ENV, TWINE_REPOSITORY_URL: "https://x.example/" }).repositoryUrl.href,
    "https://x.example/",
  );
});

test("--repository gitlab outside GitLab CI names what is missing", () => {
  assert.throws(() => parseCommandLine(["--repository", "gitlab"], {}), /inside a GitLab CI job/);
});

// The GitHub Action as GitHub runs it: dist/action.js on Node 24, inputs as INPUT_* variables,
// against the test registry and a local OIDC issuer that signs real JWTs.
import assert from "node:assert/strict";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { parse } from "yaml";
import { ACTION_INPUTS, readActionInputs } from "../src/action-inputs.ts";
import { writeSdist, writeWheel } from "./fixtures/handmade.ts";
import { startRegistry } from "./registry/server.ts";
import { runAction } from "./support/action.ts";
import { ROOT, tempDir } from "./support/cli.ts";
import { startOidcIssuer } from "./support/oidc-issuer.ts";

const PUBLISHER = {
  repository: "acme/widget",
  workflow_ref: "acme/widget/.github/workflows/release.yml@refs/tags/v1.0.0",
};
const CLAIMS = {
  ...PUBLISHER,
  job_workflow_ref: PUBLISHER.workflow_ref,
  ref: "refs/tags/v1.0.0",
  environment: "pypi",
  sub: "repo:acme/widget:environment:pypi",
};

let work: { path: string; remove(): Promise<void> };

before(async () => {
  work = await tempDir();
  await mkdir(join(work.path, "dist"));
  await writeWheel(join(work.path, "dist"));
  await writeSdist(join(work.path, "dist"));
});
after(() => work.remove());

/** Every line the action wrote, except GitHub's own masking commands (which carry the secret by design). */
function visible(output: string) {
  return output
    .split("\n")
    .filter((line) => !line.startsWith("::add-mask::"))
    .join("\n");
}

test("with no inputs but the URL, publishes by trusted publishing; outputs and summary are set", async () => {
  const issuer = await startOidcIssuer(PUBLISHER, CLAIMS);
  const registry = await startRegistry({
    personality: "pypi",
    oidc: issuer.registryOptions({ tokenLifetimeSeconds: 900 }),
  });
  try {
    const run = await runAction(
      // Signing is the attestation tests' subject; here it would reach for the public Sigstore.
      { "repository-url": registry.uploadUrl, attestations: "false" },
      {
        ACTIONS_ID_TOKEN_REQUEST_URL: issuer.requestUrl,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: issuer.requestToken,
      },
      work.path,
    );
    assert.equal(run.code, 0, run.output);
    assert.deepEqual(issuer.issued, ["pypi"]);
    assert.equal(registry.files().length, 2);
    assert.deepEqual(JSON.parse(run.outputs.uploaded ?? "[]"), [
      "demo_pkg-1.0.0.tar.gz",
      "demo_pkg-1.0.0-py3-none-any.whl",
    ]);
    assert.deepEqual(JSON.parse(run.outputs.skipped ?? "null"), []);
    const report = JSON.parse(run.outputs.report ?? "{}") as { files: { outcome: string }[] };
    assert.deepEqual(
      report.files.map((file) => file.outcome),
      ["uploaded", "uploaded"],
    );
    assert.match(run.summary, /<table>/);
    assert.match(run.summary, /demo_pkg-1\.0\.0-py3-none-any\.whl/);
    assert.match(run.output, /with trusted publishing/);
    const minted = run.output.match(/::add-mask::(pypi-minted-[0-9a-f]+)/)?.[1];
    assert.ok(minted, "the minted token is masked with ::add-mask::");
    assert.ok(!visible(run.output).includes(minted), "the minted token never appears unmasked");
    assert.ok(!run.summary.includes(minted) && !(run.outputs.report ?? "").includes(minted));
  } finally {
    await registry.close();
    await issuer.close();
  }
});

test("with a password, publishes with the token and asks for no OIDC token", async () => {
  const issuer = await startOidcIssuer(PUBLISHER, CLAIMS);
  const registry = await startRegistry({
    personality: "pypi",
    oidc: issuer.registryOptions({ tokenLifetimeSeconds: 900 }),
  });
  try {
    const run = await runAction(
      { "repository-url": registry.uploadUrl, password: "pypi-AgEIcHlwaS5vcmcCJDU5-secret" },
      {
        ACTIONS_ID_TOKEN_REQUEST_URL: issuer.requestUrl,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: issuer.requestToken,
      },
      work.path,
    );
    assert.equal(run.code, 0, run.output);
    assert.deepEqual(issuer.issued, []);
    assert.equal(registry.files().length, 2);
    assert.ok(!visible(run.output).includes("pypi-AgEIcHlwaS5vcmcCJDU5-secret"));
  } finally {
    await registry.close();
    await issuer.close();
  }
});

test("renews the minted token when it nears expiry during a long upload", async () => {
  const issuer = await startOidcIssuer(PUBLISHER, CLAIMS);
  const registry = await startRegistry({
    personality: "pypi",
    oidc: issuer.registryOptions({ tokenLifetimeSeconds: 3 }),
  });
  // Each upload takes 2 s at the registry: the second would reach it with an expired token.
  registry.scriptFaults({ kind: "delay", ms: 2000 }, { kind: "delay", ms: 2000 });
  try {
    const run = await runAction(
      { "repository-url": registry.uploadUrl, concurrency: "1", attestations: "false" },
      {
        ACTIONS_ID_TOKEN_REQUEST_URL: issuer.requestUrl,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: issuer.requestToken,
      },
      work.path,
    );
    assert.equal(run.code, 0, run.output);
    assert.equal(registry.files().length, 2);
    const mints = registry
      .allRequests()
      .filter((request) => request.path.endsWith("/_/oidc/mint-token"));
    assert.equal(mints.length, 2, "one exchange at the start, one renewal");
  } finally {
    await registry.close();
    await issuer.close();
  }
});

test("without id-token permission, fails before uploading and names the permission", async () => {
  const registry = await startRegistry({ personality: "pypi" });
  try {
    const run = await runAction({ "repository-url": registry.uploadUrl }, {}, work.path);
    assert.notEqual(run.code, 0);
    assert.match(run.output, /::error::.*cannot get an OIDC token/);
    assert.match(run.output, /permissions: id-token: write/);
    assert.equal(registry.requests().length, 0);
  } finally {
    await registry.close();
  }
});

test("on a pull request from a fork, says GitHub gives forks no OIDC token", async () => {
  const event = join(work.path, "event.json");
  await writeFile(
    event,
    JSON.stringify({
      pull_request: {
        head: { repo: { full_name: "mallory/widget" } },
        base: { repo: { full_name: "acme/widget" } },
      },
    }),
  );
  const run = await runAction(
    { "repository-url": "https://upload.pypi.org/legacy/" },
    { GITHUB_EVENT_NAME: "pull_request", GITHUB_EVENT_PATH: event },
    work.path,
  );
  assert.notEqual(run.code, 0);
  assert.match(run.output, /pull requests from forks/);
});

test("when no publisher matches, shows the claims PyPI saw", async () => {
  const issuer = await startOidcIssuer(
    { ...PUBLISHER, workflow_ref: "acme/widget/.github/workflows/other.yml@refs/heads/main" },
    CLAIMS,
  );
  const registry = await startRegistry({
    personality: "pypi",
    oidc: issuer.registryOptions({ tokenLifetimeSeconds: 900 }),
  });
  try {
    const run = await runAction(
      { "repository-url": registry.uploadUrl },
      {
        ACTIONS_ID_TOKEN_REQUEST_URL: issuer.requestUrl,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: issuer.requestToken,
      },
      work.path,
    );
    assert.notEqual(run.code, 0);
    assert.match(run.output, /invalid-publisher/);
    for (const claim of [
      "repository=acme/widget",
      `workflow_ref=${CLAIMS.workflow_ref}`,
      "job_workflow_ref=",
      "environment=pypi",
      "ref=refs/tags/v1.0.0",
    ]) {
      assert.ok(run.output.includes(claim), `the message shows ${claim}`);
    }
    assert.equal(registry.requests().length, 0);
  } finally {
    await registry.close();
    await issuer.close();
  }
});

test("when the index has trusted publishing disabled, says so and names the token alternative", async () => {
  const issuer = await startOidcIssuer(PUBLISHER, CLAIMS);
  const registry = await startRegistry({ personality: "pypi" }); // no /_/oidc/ endpoints
  try {
    const run = await runAction(
      { "repository-url": registry.uploadUrl },
      {
        ACTIONS_ID_TOKEN_REQUEST_URL: issuer.requestUrl,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: issuer.requestToken,
      },
      work.path,
    );
    assert.notEqual(run.code, 0);
    assert.match(run.output, /does not offer trusted publishing/);
    assert.match(run.output, /API token/);
  } finally {
    await registry.close();
    await issuer.close();
  }
});

test("boolean inputs take true or false only, like GitHub's own", async () => {
  const run = await runAction({ "skip-existing": "yes" }, {}, work.path);
  assert.notEqual(run.code, 0);
  assert.match(run.output, /input 'skip-existing' must be true or false, got 'yes'/);
});

test("a broken distribution becomes an annotation titled with its file name", async () => {
  const broken = join(work.path, "broken");
  await mkdir(broken);
  await writeFile(join(broken, "demo_pkg-1.0.0-py3-none-any.whl"), "not a zip");
  const run = await runAction({ "packages-dir": broken, password: "pypi-x" }, {}, work.path);
  assert.notEqual(run.code, 0);
  assert.match(
    run.output,
    /::error title=demo_pkg-1\.0\.0-py3-none-any\.whl::not a valid zip archive/,
  );
});

test("every input in action.yml is read by the code, and the code reads no other", async () => {
  const metadata = parse(await readFile(join(ROOT, "action.yml"), "utf8")) as {
    inputs: Record<string, unknown>;
    runs: { using: string; main: string };
  };
  assert.deepEqual(Object.keys(metadata.inputs).sort(), [...ACTION_INPUTS].sort());
  const read = new Set<string>();
  readActionInputs((name) => {
    read.add(name);
    return "";
  }, {});
  assert.deepEqual([...read].sort(), [...ACTION_INPUTS].sort());
  assert.deepEqual(metadata.runs, { using: "node24", main: "dist/action.js" });
});

test("action.yml is valid action metadata", async () => {
  const { Ajv } = await import("ajv");
  const schema = JSON.parse(
    await readFile(join(ROOT, "test/schemas/action-metadata.schema.json"), "utf8"),
  );
  const metadata = parse(await readFile(join(ROOT, "action.yml"), "utf8")) as Record<
    string,
    unknown
  >;
  const validate = new Ajv({ allErrors: true }).compile(schema);
  assert.ok(validate(metadata), JSON.stringify(validate.errors));
  // The schema has teeth: a Docker-less node action without `main` is refused.
  assert.equal(validate({ ...metadata, runs: { using: "node24" } }), false);
});

test("runs once through @github/local-action, which stubs the toolkit", async () => {
  const registry = await startRegistry({ personality: "pypi" });
  try {
    const envFile = join(work.path, "local-action.env");
    await writeFile(
      envFile,
      [
        `INPUT_REPOSITORY-URL=${registry.uploadUrl}`,
        `INPUT_PACKAGES-DIR=${join(work.path, "dist")}`,
        "INPUT_PASSWORD=pypi-local-action-token",
      ].join("\n"),
    );
    const { execFile } = await import("node:child_process");
    const output = await new Promise<string>((resolve, reject) => {
      execFile(
        join(ROOT, "node_modules/.bin/local-action"),
        ["run", ROOT, "src/action.ts", envFile],
        {
          cwd: ROOT,
          env: {
            PATH: `${join(ROOT, "node_modules/.bin")}:${process.env.PATH}`,
            HOME: process.env.HOME ?? "/tmp",
          },
          timeout: 120_000,
        },
        (error, stdout, stderr) =>
          error
            ? reject(new Error(`${error.message}\n${stdout}\n${stderr}`))
            : resolve(stdout + stderr),
      );
    });
    assert.equal(registry.files().length, 2, output);
    assert.match(output, /uploaded demo_pkg-1\.0\.0-py3-none-any\.whl/);
  } finally {
    await registry.close();
  }
});

// PEP 740 end to end: trusted publishing from GitHub (the action) and from GitLab (the CLI)
// signs every file with a local Sigstore stand-in, and the PyPI personality receives an
// `attestations` field that verifies against the file it came with.
import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { PypiAttestation } from "../src/attestations/index.ts";
import { writeSdist, writeWheel } from "./fixtures/handmade.ts";
import { type StoredFile, startRegistry, type TestRegistry } from "./registry/server.ts";
import { runAction } from "./support/action.ts";
import { baseEnv, runCli, tempDir } from "./support/cli.ts";
import { startOidcIssuer } from "./support/oidc-issuer.ts";
import { independentlyVerify } from "./support/pep740.ts";
import { startSigstoreStandIn } from "./support/sigstore-stand-in.ts";

const PUBLISHER = {
  repository: "acme/widget",
  workflow_ref: "acme/widget/.github/workflows/release.yml@refs/tags/v1",
};
const CLAIMS = { ...PUBLISHER, sub: "repo:acme/widget:ref:refs/tags/v1", ref: "refs/tags/v1" };

let work: { path: string; remove(): Promise<void> };
let dist: string;
before(async () => {
  work = await tempDir();
  dist = join(work.path, "dist");
  await mkdir(dist);
  await writeWheel(dist);
  await writeSdist(dist);
});
after(() => work.remove());

async function services() {
  const issuer = await startOidcIssuer(PUBLISHER, CLAIMS);
  const sigstore = await startSigstoreStandIn();
  const registry = await startRegistry({
    personality: "pypi",
    oidc: issuer.registryOptions({ tokenLifetimeSeconds: 900 }),
  });
  const sigstoreEnv = {
    SIGSTORE_FULCIO_URL: sigstore.fulcioURL,
    SIGSTORE_REKOR_URL: sigstore.rekorURL,
  };
  return {
    issuer,
    sigstore,
    registry,
    sigstoreEnv,
    close: async () => {
      await registry.close();
      await sigstore.close();
      await issuer.close();
    },
  };
}

function attestationOf(file: StoredFile): PypiAttestation[] | undefined {
  const field = file.fields.find(([name]) => name === "attestations")?.[1];
  return field === undefined ? undefined : (JSON.parse(field) as PypiAttestation[]);
}

function assertAttested(registry: TestRegistry) {
  assert.equal(registry.files().length, 2);
  for (const file of registry.files()) {
    const attestations = attestationOf(file);
    assert.equal(attestations?.length, 1, `${file.filename} carries one attestation`);
    assert.equal(
      independentlyVerify(attestations?.[0] as PypiAttestation, file),
      undefined,
      file.filename,
    );
  }
}

test("GitHub: the action signs every file and PyPI's personality takes the attestations", async () => {
  const s = await services();
  try {
    const run = await runAction(
      { "repository-url": s.registry.uploadUrl, "packages-dir": dist },
      {
        ACTIONS_ID_TOKEN_REQUEST_URL: s.issuer.requestUrl,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: s.issuer.requestToken,
        ...s.sigstoreEnv,
      },
      work.path,
    );
    assert.equal(run.code, 0, run.output);
    assert.deepEqual([...new Set(s.issuer.issued)].sort(), ["pypi", "sigstore"]);
    assert.match(run.output, /attestations: signed demo_pkg-1\.0\.0-py3-none-any\.whl/);
    assertAttested(s.registry);
  } finally {
    await s.close();
  }
});

test("GitLab: the CLI signs with the job's SIGSTORE_ID_TOKEN and mints with PYPI_ID_TOKEN", async () => {
  const s = await services();
  try {
    const now = Math.floor(Date.now() / 1000);
    const token = (aud: string) =>
      s.issuer.sign({
        iss: "https://token.actions.githubusercontent.com",
        aud,
        iat: now,
        exp: now + 300,
        ...CLAIMS,
      });
    const env = baseEnv({
      GITLAB_CI: "true",
      CI_SERVER_URL: "https://gitlab.example.com",
      CI_PROJECT_ID: "17",
      PYPI_ID_TOKEN: token("pypi"),
      SIGSTORE_ID_TOKEN: token("sigstore"),
      ...s.sigstoreEnv,
    });
    const run = await runCli(["--repository-url", s.registry.uploadUrl, dist], { env });
    assert.equal(run.code, 0, run.output);
    assert.match(run.stdout, /with trusted publishing/);
    assertAttested(s.registry);
  } finally {
    await s.close();
  }
});

test("GitLab without SIGSTORE_ID_TOKEN: uploads without, naming the id_tokens entry to add", async () => {
  const s = await services();
  try {
    const now = Math.floor(Date.now() / 1000);
    const env = baseEnv({
      GITLAB_CI: "true",
      CI_SERVER_URL: "https://gitlab.example.com",
      CI_PROJECT_ID: "17",
      PYPI_ID_TOKEN: s.issuer.sign({
        iss: "https://token.actions.githubusercontent.com",
        aud: "pypi",
        iat: now,
        exp: now + 300,
        ...CLAIMS,
      }),
      ...s.sigstoreEnv,
    });
    const run = await runCli(["--repository-url", s.registry.uploadUrl, dist], { env });
    assert.equal(run.code, 0, run.output);
    assert.match(run.stdout, /SIGSTORE_ID_TOKEN:\n\s+aud: sigstore/);
    assert.ok(s.registry.files().every((file) => attestationOf(file) === undefined));
  } finally {
    await s.close();
  }
});

test("with an API token: attestations are skipped with the reason; 'required' fails before any upload", async () => {
  const s = await services();
  try {
    const args = ["--repository-url", s.registry.uploadUrl, dist];
    const env = baseEnv({ PYPUSH_TOKEN: "pypi-api-token", ...s.sigstoreEnv });
    const auto = await runCli(args, { env });
    assert.equal(auto.code, 0, auto.output);
    assert.match(
      auto.stdout,
      /attestations: not made \(PyPI takes attestations only with trusted publishing/,
    );
    const required = await runCli([...args, "--attestations", "required"], { env });
    assert.equal(required.code, 2, required.output);
    assert.match(required.stderr, /attestations were required but cannot be made/);
    assert.equal(s.registry.requests().length, 2, "the required run sent nothing");
  } finally {
    await s.close();
  }
});

test("an attestation file beside a distribution is checked and uploaded; a wrong one stops everything", async () => {
  const s = await services();
  const own = join(work.path, "own");
  await mkdir(own);
  const wheel = await writeWheel(own);
  try {
    // Sign it as another tool would have, through the GitHub path, then reuse the field.
    const signed = await runAction(
      { "repository-url": s.registry.uploadUrl, "packages-dir": own },
      {
        ACTIONS_ID_TOKEN_REQUEST_URL: s.issuer.requestUrl,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: s.issuer.requestToken,
        ...s.sigstoreEnv,
      },
      work.path,
    );
    assert.equal(signed.code, 0, signed.output);
    const attestation = attestationOf(s.registry.files()[0] as StoredFile)?.[0];
    await writeFile(`${wheel}.publish.attestation`, JSON.stringify(attestation));
    const sdist = await writeSdist(own);
    await writeFile(`${sdist}.publish.attestation`, JSON.stringify(attestation)); // names the wheel
    const env = {
      ACTIONS_ID_TOKEN_REQUEST_URL: s.issuer.requestUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: s.issuer.requestToken,
      ...s.sigstoreEnv,
    };
    const wrong = await runAction(
      { "repository-url": s.registry.uploadUrl, "packages-dir": own },
      env,
      work.path,
    );
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.output, /not a valid attestation of demo_pkg-1\.0\.0\.tar\.gz/);
  } finally {
    await s.close();
  }
});

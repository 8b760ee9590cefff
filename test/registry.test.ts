// The test registry against a real client: Debian's twine 4.0.2 uploads real dists (built here by
// setuptools) and must see what it sees from the real registries. Then the parts twine cannot
// reach (JSON errors, trusted publishing, GitLab token rules, faults) through a small client.
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import {
  type Fault,
  type OidcOptions,
  type RegistryOptions,
  startRegistry,
  type TestRegistry,
} from "./registry/server.ts";
import {
  type Digests,
  digestsOf,
  distributionFields,
  type HttpResult,
  postForm,
  send,
} from "./registry/upload-request.ts";

const execFileAsync = promisify(execFile);
const TWINE = "/usr/bin/twine";
const PYTHON = "/usr/bin/python3";
const twineMissing = existsSync(TWINE) ? false : `twine is not installed at ${TWINE}`;

const WHEEL = "pypushdemo-0.1.0-py3-none-any.whl";
const SDIST = "pypushdemo-0.1.0.tar.gz";
const TOKEN = { username: "__token__", password: "pypi-test-token" };

interface Dist {
  path: string;
  bytes: Buffer;
  digests: Digests;
}

/** Starts a registry, runs `body`, and always closes the registry. */
async function withRegistry(
  options: RegistryOptions,
  body: (registry: TestRegistry) => Promise<void>,
): Promise<void> {
  const registry = await startRegistry(options);
  try {
    await body(registry);
  } finally {
    await registry.close();
  }
}

interface TwineRun {
  code: number;
  output: string;
}

/** `twine upload` to a URL; output is stdout + stderr without colours. */
async function twineUpload(url: string, args: string[]): Promise<TwineRun> {
  const argv = ["upload", "--repository-url", url, "--disable-progress-bar", "--non-interactive"];
  try {
    const { stdout, stderr } = await execFileAsync(TWINE, [...argv, ...args], {
      env: { ...process.env, TWINE_NON_INTERACTIVE: "1", NO_COLOR: "1", COLUMNS: "400" },
      timeout: 30_000,
    });
    return { code: 0, output: plain(stdout + stderr) };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failure.code ?? -1, output: plain(`${failure.stdout}${failure.stderr}`) };
  }
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colour codes
const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, "").replace(/[ \t]+\n/g, "\n");

/** A tiny setuptools project (Metadata-Version 2.1, which twine 4.0.2 reads), built to dists. */
async function buildDists(root: string, label: string, constant: number): Promise<Dist[]> {
  const project = join(root, label);
  await mkdir(join(project, "src", "pypushdemo"), { recursive: true });
  await writeFile(
    join(project, "pyproject.toml"),
    [
      "[build-system]",
      'requires = ["setuptools>=61"]',
      'build-backend = "setuptools.build_meta"',
      "",
      "[project]",
      'name = "pypushdemo"',
      'version = "0.1.0"',
      'description = "A package built by the test registry tests"',
      'requires-python = ">=3.8"',
      "",
    ].join("\n"),
  );
  await writeFile(join(project, "src", "pypushdemo", "__init__.py"), `CONSTANT = ${constant}\n`);
  const outdir = join(project, "dist");
  await execFileAsync(
    PYTHON,
    ["-m", "build", "--no-isolation", "--skip-dependency-check", "--outdir", outdir, project],
    { timeout: 120_000 },
  );
  return Promise.all(
    [WHEEL, SDIST].map(async (name) => {
      const path = join(outdir, name);
      const bytes = await readFile(path);
      return { path, bytes, digests: await digestsOf(bytes) };
    }),
  );
}

describe("twine 4.0.2 against the test registry", { skip: twineMissing }, () => {
  let workdir = "";
  // Two builds of the same name and version with different contents.
  let wheel: Dist;
  let sdist: Dist;
  let otherWheel: Dist;

  before(async () => {
    workdir = await mkdtemp(join(tmpdir(), "pypush-registry-test-"));
    const [first, second] = await Promise.all([
      buildDists(workdir, "first", 1),
      buildDists(workdir, "second", 2),
    ]);
    [wheel, sdist] = first as [Dist, Dist];
    [otherWheel] = second as [Dist, Dist];
    assert.notEqual(wheel.digests.sha256, otherWheel.digests.sha256);
  });

  after(async () => {
    if (workdir) await rm(workdir, { recursive: true, force: true });
  });

  test("pypi: twine uploads a wheel and an sdist and the registry keeps the exact bytes", async () => {
    await withRegistry({ personality: "pypi" }, async (registry) => {
      const run = await twineUpload(registry.uploadUrl, [
        "-u",
        "__token__",
        "-p",
        "pypi-xyz",
        wheel.path,
        sdist.path,
      ]);
      assert.equal(run.code, 0, run.output);
      const files = registry.files();
      assert.deepEqual(
        files.map((f) => [f.filename, f.project, f.version, f.sha256, f.blake2_256, f.md5]),
        [
          [
            WHEEL,
            "pypushdemo",
            "0.1.0",
            wheel.digests.sha256,
            wheel.digests.blake2_256,
            wheel.digests.md5,
          ],
          [
            SDIST,
            "pypushdemo",
            "0.1.0",
            sdist.digests.sha256,
            sdist.digests.blake2_256,
            sdist.digests.md5,
          ],
        ],
      );
      for (const [file, dist] of [
        [files[0], wheel],
        [files[1], sdist],
      ] as const) {
        assert.ok(file?.path);
        assert.deepEqual(await readFile(file.path), dist.bytes);
      }
      const [request] = registry.requests();
      assert.ok(request?.headers["content-length"], "twine sends a Content-Length");
      assert.equal(request?.headers["transfer-encoding"], undefined);
      assert.match(String(request?.headers["user-agent"]), /^twine\/4\.0\.2/);
      const fields = new Map(request?.fields);
      assert.equal(fields.get(":action"), "file_upload");
      assert.equal(fields.get("filetype"), "bdist_wheel");
      assert.equal(fields.get("pyversion"), "py3");
      assert.equal(fields.get("metadata_version"), "2.1");
      assert.equal(fields.get("requires_python"), ">=3.8");
      assert.equal(fields.get("blake2_256_digest"), wheel.digests.blake2_256);
    });
  });

  test("pypi: uploading the same bytes again is answered 200, storing nothing new", async () => {
    await withRegistry({ personality: "pypi" }, async (registry) => {
      for (let i = 0; i < 2; i++) {
        const run = await twineUpload(registry.uploadUrl, [
          "-u",
          "__token__",
          "-p",
          "pypi-xyz",
          wheel.path,
        ]);
        assert.equal(run.code, 0, run.output);
      }
      assert.deepEqual(
        registry.requests().map((r) => r.status),
        [200, 200],
      );
      assert.equal(registry.files().length, 1);
    });
  });

  test("pypi: other bytes under a used file name get Warehouse's 'File already exists' reason", async () => {
    await withRegistry({ personality: "pypi" }, async (registry) => {
      const auth = ["-u", "__token__", "-p", "pypi-xyz"];
      assert.equal((await twineUpload(registry.uploadUrl, [...auth, wheel.path])).code, 0);
      const refused = await twineUpload(registry.uploadUrl, [...auth, otherWheel.path]);
      assert.equal(refused.code, 1);
      assert.match(refused.output, /HTTPError: 400 Bad Request/);
      // twine prints the reason phrase, where Warehouse puts its message.
      assert.ok(
        refused.output.includes(
          `File already exists ('${WHEEL}', with blake2_256 hash '${otherWheel.digests.blake2_256}'). ` +
            "See https://pypi.org/help/#file-name-reuse for more information.",
        ),
        refused.output,
      );
      const skipped = await twineUpload(registry.uploadUrl, [
        ...auth,
        "--skip-existing",
        otherWheel.path,
      ]);
      assert.equal(skipped.code, 0, skipped.output);
      assert.match(skipped.output, /Skipping pypushdemo-0\.1\.0-py3-none-any\.whl/);
      assert.equal(registry.files()[0]?.sha256, wheel.digests.sha256);
    });
  });

  test("pypi: twine's bad credentials are refused with 403 and Warehouse's texts", async () => {
    await withRegistry({ personality: "pypi" }, async (registry) => {
      const badToken = await twineUpload(registry.uploadUrl, [
        "-u",
        "__token__",
        "-p",
        "nope",
        wheel.path,
      ]);
      assert.equal(badToken.code, 1);
      assert.match(badToken.output, /403 Forbidden/);
      assert.match(badToken.output, /Invalid or non-existent authentication information/);
      const password = await twineUpload(registry.uploadUrl, [
        "-u",
        "alice",
        "-p",
        "secret",
        wheel.path,
      ]);
      assert.equal(password.code, 1);
      assert.match(password.output, /Username\/Password authentication is no longer supported/);
      assert.equal(registry.files().length, 0);
    });
  });

  test("pypiserver: twine's --skip-existing works because twine's User-Agent gets a 400", async () => {
    const users = [{ username: "alice", password: "s3cret" }];
    await withRegistry({ personality: "pypiserver", users }, async (registry) => {
      const auth = ["-u", "alice", "-p", "s3cret"];
      assert.equal((await twineUpload(registry.uploadUrl, [...auth, wheel.path])).code, 0);
      const again = await twineUpload(registry.uploadUrl, [...auth, wheel.path]);
      assert.equal(again.code, 1);
      assert.match(again.output, /400 Bad Request/);
      const skipped = await twineUpload(registry.uploadUrl, [
        ...auth,
        "--skip-existing",
        wheel.path,
      ]);
      assert.equal(skipped.code, 0, skipped.output);
      assert.match(skipped.output, /Skipping/);
      assert.deepEqual(
        registry.requests().map((r) => r.status),
        [200, 400, 400],
      );
      assert.match(registry.requests()[2]?.responseBody ?? "", /already exists!/);
    });
  });

  test("gitlab: twine with a personal access token gets 201, --skip-existing sees 'already been taken'", async () => {
    const gitlab = {
      projectId: "7",
      projectPath: "acme/app",
      jobToken: "job-1",
      personalAccessToken: "glpat-1",
    };
    await withRegistry({ personality: "gitlab", gitlab }, async (registry) => {
      const auth = ["-u", "__token__", "-p", "glpat-1"];
      assert.equal((await twineUpload(registry.uploadUrl, [...auth, wheel.path])).code, 0);
      const skipped = await twineUpload(registry.uploadUrl, [
        ...auth,
        "--skip-existing",
        wheel.path,
      ]);
      assert.equal(skipped.code, 0, skipped.output);
      assert.match(skipped.output, /Skipping/);
      const [created, duplicate] = registry.requests();
      assert.equal(created?.status, 201);
      assert.equal(created?.responseBody, '{"message":"201 Created"}');
      assert.equal(duplicate?.status, 400);
      assert.equal(
        duplicate?.responseBody,
        '{"message":"Validation failed: File name has already been taken"}',
      );
    });
  });

  test("gitlab: the CI job token works only with username gitlab-ci-token", async () => {
    const gitlab = { projectId: "7", projectPath: "acme/app", jobToken: "job-1" };
    await withRegistry({ personality: "gitlab", gitlab }, async (registry) => {
      const wrong = await twineUpload(registry.uploadUrl, [
        "-u",
        "__token__",
        "-p",
        "job-1",
        wheel.path,
      ]);
      assert.equal(wrong.code, 1);
      assert.match(wrong.output, /401 Unauthorized/);
      const right = await twineUpload(registry.uploadUrl, [
        "-u",
        "gitlab-ci-token",
        "-p",
        "job-1",
        wheel.path,
      ]);
      assert.equal(right.code, 0, right.output);
      assert.equal(registry.files()[0]?.repository, "acme/app");
    });
  });

  for (const personality of ["gitea", "nexus", "artifactory"] as const) {
    test(`${personality}: twine's --skip-existing recognises the duplicate answer`, async () => {
      await withRegistry({ personality }, async (registry) => {
        const auth = ["-u", "alice", "-p", "pw"];
        const first = await twineUpload(registry.uploadUrl, [...auth, wheel.path]);
        assert.equal(first.code, 0, first.output);
        const skipped = await twineUpload(registry.uploadUrl, [
          ...auth,
          "--skip-existing",
          wheel.path,
        ]);
        assert.equal(skipped.code, 0, skipped.output);
        assert.match(skipped.output, /Skipping/);
        assert.equal(registry.files().length, 1);
      });
    });
  }

  test("faults: twine retries a scripted 503 and its next attempt stores the file", async () => {
    await withRegistry({ personality: "pypi" }, async (registry) => {
      registry.scriptFaults({ kind: "status", status: 503 });
      const run = await twineUpload(registry.uploadUrl, [
        "-u",
        "__token__",
        "-p",
        "pypi-xyz",
        wheel.path,
      ]);
      assert.equal(run.code, 0, run.output);
      assert.match(run.output, /Received "503: Service Unavailable"/);
      assert.deepEqual(
        registry.requests().map((r) => r.status),
        [503, 200],
      );
      assert.equal(registry.files()[0]?.sha256, wheel.digests.sha256);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Direct HTTP: what twine does not exercise.

const CONTENT = Buffer.from("not really a wheel, but the registry does not open it\n");

async function upload(
  registry: TestRegistry,
  options: {
    url?: string;
    name?: string;
    version?: string;
    filename?: string;
    content?: Buffer;
    credentials?: { username: string; password: string };
    headers?: Record<string, string>;
    edit?: (fields: [string, string][]) => [string, string][];
    timeoutMs?: number;
  } = {},
): Promise<HttpResult> {
  const name = options.name ?? "pypushdemo";
  const version = options.version ?? "0.2.0";
  const filename = options.filename ?? `${name.replace(/-/g, "_")}-${version}-py3-none-any.whl`;
  const content = options.content ?? CONTENT;
  const fields = await distributionFields(name, version, filename, content);
  return postForm(
    options.url ?? registry.uploadUrl,
    options.edit ? options.edit(fields) : fields,
    { filename, content },
    {
      ...(options.credentials ? { credentials: options.credentials } : {}),
      ...(options.headers ? { headers: options.headers } : {}),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    },
  );
}

const without =
  (name: string) =>
  (fields: [string, string][]): [string, string][] =>
    fields.filter(([key]) => key !== name);
const replacing =
  (name: string, value: string) =>
  (fields: [string, string][]): [string, string][] =>
    fields.map(([key, v]) => [key, key === name ? value : v]);

describe("pypi personality", () => {
  test("errors are JSON with the message in `code` when asked, and always in the reason phrase", async () => {
    await withRegistry({ personality: "pypi" }, async (registry) => {
      const result = await upload(registry, {
        credentials: TOKEN,
        headers: { accept: "application/json" },
        edit: replacing("sha256_digest", "0".repeat(64)),
      });
      const message =
        "The digest supplied does not match a digest calculated from the uploaded file.";
      assert.equal(result.status, 400);
      assert.equal(result.statusMessage, message);
      assert.deepEqual(JSON.parse(result.body), {
        message: `The server could not comply with the request since it is either malformed or otherwise incorrect.\n\n\n${message}\n\n`,
        code: `400 ${message}`,
        title: "Bad Request",
      });
      const html = await upload(registry, {
        credentials: TOKEN,
        edit: replacing("sha256_digest", "0".repeat(64)),
      });
      assert.match(String(html.headers["content-type"]), /^text\/html/);
      assert.ok(html.body.includes(message));
    });
  });

  test("the slash-less upload URL is redirected with 308; the site root answers 405", async () => {
    await withRegistry({ personality: "pypi" }, async (registry) => {
      const redirected = await upload(registry, {
        url: `${registry.origin}/legacy`,
        credentials: TOKEN,
      });
      assert.equal(redirected.status, 308);
      assert.equal(redirected.headers.location, "/legacy/");
      const root = await upload(registry, { url: `${registry.origin}/`, credentials: TOKEN });
      assert.equal(root.status, 405);
      assert.equal(registry.requests().length, 2);
      assert.equal(registry.files().length, 0);
    });
  });

  test("a chunked body is refused with 411 Length Required", async () => {
    await withRegistry({ personality: "pypi" }, async (registry) => {
      const fields = await distributionFields(
        "pypushdemo",
        "0.2.0",
        "pypushdemo-0.2.0-py3-none-any.whl",
        CONTENT,
      );
      const result = await postForm(
        registry.uploadUrl,
        fields,
        { filename: "pypushdemo-0.2.0-py3-none-any.whl", content: CONTENT },
        { credentials: TOKEN, chunked: true },
      );
      assert.equal(result.status, 411);
      assert.equal(registry.files().length, 0);
    });
  });

  test("Warehouse's form and file name rules", async () => {
    await withRegistry({ personality: "pypi" }, async (registry) => {
      const cases: [Parameters<typeof upload>[1], RegExp][] = [
        [
          { filename: "pypushdemo-0.2.0.tar.gz", edit: replacing("pyversion", "py3") },
          /^Invalid value for pyversion\. Error: Use 'source' as Python version for an sdist\.$/,
        ],
        [
          { filename: "pypushdemo-0.2.0-py3.6.egg", edit: replacing("filetype", "bdist_egg") },
          /^Invalid value for filetype\. Error: Use a known file type\.$/,
        ],
        [
          { filename: "pypushdemo-0.2.0-py3.6.egg" },
          /^Invalid file extension: Use \.tar\.gz, \.whl or \.zip extension/,
        ],
        [
          { filename: "otherproject-0.2.0-py3-none-any.whl" },
          /^Start filename for 'pypushdemo' with 'pypushdemo'\.$/,
        ],
        [
          { filename: "pypushdemo-0.3.0-py3-none-any.whl" },
          /^Version in filename should be '0\.2\.0' not '0\.3\.0'\.$/,
        ],
        [
          {
            edit: (f) =>
              without("md5_digest")(without("sha256_digest")(without("blake2_256_digest")(f))),
          },
          /^Error: Include at least one message digest\.$/,
        ],
        [{ edit: without("metadata_version") }, /'metadata-version' is a required field/],
        [{ edit: replacing("protocol_version", "2") }, /^Unknown protocol version\.$/],
      ];
      for (const [options, expected] of cases) {
        const result = await upload(registry, { credentials: TOKEN, ...options });
        assert.equal(result.status, 400, JSON.stringify(options));
        assert.match(result.statusMessage, expected);
      }
      assert.equal(registry.files().length, 0);
    });
  });

  test("the same bytes under another name are a duplicate too (Warehouse matches the BLAKE2 digest)", async () => {
    await withRegistry({ personality: "pypi" }, async (registry) => {
      assert.equal((await upload(registry, { credentials: TOKEN })).status, 200);
      const again = await upload(registry, {
        credentials: TOKEN,
        version: "0.2.1",
        filename: "pypushdemo-0.2.1-py3-none-any.whl",
      });
      assert.equal(again.status, 400);
      assert.match(
        again.statusMessage,
        /^File already exists \('pypushdemo-0\.2\.1-py3-none-any\.whl'/,
      );
    });
  });

  test("trusted publishing: a minted token uploads until it expires", async () => {
    let expires = Math.floor(Date.now() / 1000) + 900;
    let minted = 0;
    const refusal = {
      code: "invalid-publisher",
      description: "valid token, but no corresponding publisher",
    };
    const oidc: OidcOptions = {
      audience: "pypi",
      verify: async (jwt) => (jwt === "good-jwt" ? { ok: true } : { ok: false, errors: [refusal] }),
      mintedToken: () => ({ token: `pypi-minted-${++minted}`, expires }),
    };
    // No static tokens: only minted ones are accepted.
    await withRegistry({ personality: "pypi", users: [], oidc }, async (registry) => {
      const audience = await send(`${registry.origin}/_/oidc/audience`);
      assert.deepEqual(JSON.parse(audience.body), { audience: "pypi" });
      const mint = (token: string) =>
        send(`${registry.origin}/_/oidc/mint-token`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: Buffer.from(JSON.stringify({ token })),
        });
      const refused = await mint("bad-jwt");
      assert.equal(refused.status, 422);
      assert.deepEqual(JSON.parse(refused.body), {
        message: "Token request failed",
        errors: [refusal],
      });
      const granted = JSON.parse((await mint("good-jwt")).body);
      assert.deepEqual(granted, { success: true, token: "pypi-minted-1", expires });
      const ok = await upload(registry, {
        credentials: { username: "__token__", password: granted.token },
      });
      assert.equal(ok.status, 200);

      expires = Math.floor(Date.now() / 1000) - 1;
      const stale = JSON.parse((await mint("good-jwt")).body);
      const late = await upload(registry, {
        version: "0.2.1",
        content: Buffer.from("other bytes"),
        credentials: { username: "__token__", password: stale.token },
      });
      assert.equal(late.status, 403);
      assert.match(late.statusMessage, /^Invalid or non-existent authentication information/);
      // The OIDC exchanges are not upload attempts.
      assert.equal(registry.requests().length, 2);
      assert.equal(registry.allRequests().length, 6);
    });
  });
});

describe("gitlab personality", () => {
  const gitlab = {
    projectId: "7",
    projectPath: "acme/app",
    jobToken: "job-1",
    deployToken: { username: "gitlab+deploy-token-1", password: "dt-1" },
    personalAccessToken: "glpat-1",
    otherProjects: [
      { projectId: "8", projectPath: "acme/lib", allowlist: ["acme/app"] },
      { projectId: "9", projectPath: "acme/closed", allowlist: [] },
    ],
  };
  const job = { username: "gitlab-ci-token", password: "job-1" };
  const projectUrl = (registry: TestRegistry, id: string) =>
    `${registry.origin}/api/v4/projects/${id}/packages/pypi`;

  test("a job token reaches another project only through that project's allowlist", async () => {
    await withRegistry({ personality: "gitlab", gitlab }, async (registry) => {
      const allowed = await upload(registry, {
        url: projectUrl(registry, "acme%2Flib"),
        credentials: job,
      });
      assert.equal(allowed.status, 201);
      const hidden = await upload(registry, { url: projectUrl(registry, "9"), credentials: job });
      assert.equal(hidden.status, 404);
      assert.deepEqual(JSON.parse(hidden.body), { message: "404 Project Not Found" });
      const personal = await upload(registry, {
        url: projectUrl(registry, "9"),
        credentials: { username: "anyone", password: "glpat-1" },
      });
      assert.equal(personal.status, 201);
      assert.deepEqual(
        registry.files().map((f) => f.repository),
        ["acme/lib", "acme/closed"],
      );
    });
    await withRegistry(
      { personality: "gitlab", gitlab: { ...gitlab, allowlistRefusal: 403 } },
      async (registry) => {
        const refused = await upload(registry, {
          url: projectUrl(registry, "9"),
          credentials: job,
        });
        assert.equal(refused.status, 403);
        assert.deepEqual(JSON.parse(refused.body), {
          message:
            "403 Forbidden - Authentication by CI/CD job token not allowed from app to closed.",
        });
      },
    );
  });

  test("deploy tokens need their own username; unknown projects and the group endpoint are 404", async () => {
    await withRegistry({ personality: "gitlab", gitlab }, async (registry) => {
      const wrongUser = await upload(registry, {
        credentials: { username: "__token__", password: "dt-1" },
      });
      assert.equal(wrongUser.status, 401);
      assert.deepEqual(JSON.parse(wrongUser.body), { message: "401 Unauthorized" });
      const deploy = await upload(registry, { credentials: gitlab.deployToken });
      assert.equal(deploy.status, 201);
      const unknown = await upload(registry, {
        url: projectUrl(registry, "404"),
        credentials: job,
      });
      assert.deepEqual(
        [unknown.status, JSON.parse(unknown.body)],
        [404, { message: "404 Project Not Found" }],
      );
      const group = await upload(registry, {
        url: `${registry.origin}/api/v4/groups/acme/-/packages/pypi`,
        credentials: job,
      });
      assert.deepEqual([group.status, JSON.parse(group.body)], [404, { error: "404 Not Found" }]);
    });
  });

  test("requires_python must be present, and a disabled package registry is 403", async () => {
    await withRegistry({ personality: "gitlab", gitlab }, async (registry) => {
      const missing = await upload(registry, {
        credentials: job,
        edit: without("requires_python"),
      });
      assert.deepEqual(
        [missing.status, JSON.parse(missing.body)],
        [400, { error: "requires_python is missing" }],
      );
      const empty = await upload(registry, {
        credentials: job,
        edit: replacing("requires_python", ""),
      });
      assert.equal(empty.status, 201);
    });
    await withRegistry(
      { personality: "gitlab", gitlab: { ...gitlab, packagesDisabled: true } },
      async (registry) => {
        const disabled = await upload(registry, { credentials: job });
        assert.deepEqual(
          [disabled.status, JSON.parse(disabled.body)],
          [403, { message: "403 Forbidden" }],
        );
      },
    );
  });
});

describe("other personalities", () => {
  const alice = { username: "alice", password: "pw" };

  test("pypiserver: 401 with a Basic challenge, 403 for wrong credentials, 409 for non-twine duplicates", async () => {
    await withRegistry({ personality: "pypiserver", users: [alice] }, async (registry) => {
      const anonymous = await upload(registry);
      assert.equal(anonymous.status, 401);
      assert.equal(anonymous.headers["www-authenticate"], 'Basic realm="pypi"');
      assert.equal(
        (await upload(registry, { credentials: { username: "alice", password: "x" } })).status,
        403,
      );
      assert.equal((await upload(registry, { credentials: alice })).status, 200);
      const duplicate = await upload(registry, { credentials: alice });
      assert.equal(duplicate.status, 409);
      assert.ok(duplicate.body.includes("already exists!"));
      const noFile = await postForm(registry.uploadUrl, [[":action", "file_upload"]], undefined, {
        credentials: alice,
      });
      assert.equal(noFile.status, 400);
      assert.ok(noFile.body.includes("Missing &#039;content&#039; file-field!"));
    });
  });

  test("gitea: sha256_digest must match; duplicates are 409", async () => {
    await withRegistry({ personality: "gitea" }, async (registry) => {
      const mismatch = await upload(registry, {
        credentials: alice,
        edit: replacing("sha256_digest", "0".repeat(64)),
      });
      assert.deepEqual([mismatch.status, mismatch.body], [400, "hash mismatch"]);
      assert.equal((await upload(registry, { credentials: alice })).status, 201);
      const duplicate = await upload(registry, { credentials: alice });
      assert.deepEqual([duplicate.status, duplicate.body], [409, "package file already exists"]);
    });
  });

  test("nexus: an empty md5_digest does not match; duplicates are 400 'updating assets'", async () => {
    await withRegistry({ personality: "nexus" }, async (registry) => {
      const empty = await upload(registry, {
        credentials: alice,
        edit: replacing("md5_digest", ""),
      });
      assert.deepEqual([empty.status, empty.body], [400, "Digests do not match"]);
      assert.equal((await upload(registry, { credentials: alice })).status, 200);
      const duplicate = await upload(registry, { credentials: alice });
      assert.equal(duplicate.status, 400);
      assert.equal(
        duplicate.statusMessage,
        "Repository does not allow updating assets: pypi-hosted",
      );
    });
  });

  test("artifactory: no md5_digest is accepted with a warning; duplicates are 403", async () => {
    await withRegistry({ personality: "artifactory" }, async (registry) => {
      assert.equal(
        (await upload(registry, { credentials: alice, edit: without("md5_digest") })).status,
        200,
      );
      assert.match(
        registry.files()[0]?.warnings[0] ?? "",
        /^Client did not publish a checksum value/,
      );
      const duplicate = await upload(registry, { credentials: alice });
      assert.equal(duplicate.status, 403);
      assert.equal(
        JSON.parse(duplicate.body).errors[0].message,
        "Not enough permissions to delete/overwrite artifact " +
          "'pypi-local:pypushdemo/0.2.0/pypushdemo-0.2.0-py3-none-any.whl' (user: 'alice' needs DELETE permission).",
      );
    });
  });
});

describe("simple index", () => {
  const setups: [RegistryOptions, { username: string; password: string } | undefined][] = [
    [{ personality: "pypi" }, TOKEN],
    [
      { personality: "gitlab", gitlab: { projectId: "7", projectPath: "acme/app", jobToken: "j" } },
      {
        username: "gitlab-ci-token",
        password: "j",
      },
    ],
    [{ personality: "pypiserver" }, undefined],
    [{ personality: "gitea" }, { username: "alice", password: "pw" }],
    [{ personality: "nexus" }, { username: "alice", password: "pw" }],
    [{ personality: "artifactory" }, { username: "alice", password: "pw" }],
  ];
  for (const [options, credentials] of setups) {
    test(`${options.personality}: PEP 691 JSON and PEP 503 HTML carry the sha256 of stored files`, async () => {
      await withRegistry(options, async (registry) => {
        const result = await upload(registry, credentials ? { credentials } : {});
        assert.ok(result.status === 200 || result.status === 201, result.body);
        const { sha256 } = await digestsOf(CONTENT);
        const base = registry.simpleUrl.endsWith("/")
          ? registry.simpleUrl
          : `${registry.simpleUrl}/`;
        const read = (path: string, accept?: string) =>
          send(`${base}${path}`, {
            ...(credentials ? { credentials } : {}),
            ...(accept ? { headers: { accept } } : {}),
          });
        const json = await read("pypushdemo/", "application/vnd.pypi.simple.v1+json");
        assert.equal(json.status, 200);
        assert.equal(json.headers["content-type"], "application/vnd.pypi.simple.v1+json");
        const page = JSON.parse(json.body);
        assert.equal(page.name, "pypushdemo");
        assert.deepEqual(page.files[0].hashes, { sha256 });
        assert.equal(page.files[0].filename, "pypushdemo-0.2.0-py3-none-any.whl");
        const html = await read("pypushdemo/");
        assert.match(String(html.headers["content-type"]), /^text\/html/);
        assert.match(
          html.body,
          new RegExp(
            `<a href="[^"]+#sha256=${sha256}"[^>]*>pypushdemo-0\\.2\\.0-py3-none-any\\.whl</a>`,
          ),
        );
        const download = await send(new URL(page.files[0].url, `${base}pypushdemo/`).href, {
          ...(credentials ? { credentials } : {}),
        });
        assert.equal(download.status, 200);
        assert.equal(download.body, CONTENT.toString());
        assert.equal((await read("no-such-project/")).status, 404);
      });
    });
  }

  test("pypi redirects a non-normalized name to the normalized one; gitlab needs credentials to read", async () => {
    await withRegistry({ personality: "pypi" }, async (registry) => {
      const redirect = await send(`${registry.simpleUrl}PyPush_Demo`);
      assert.equal(redirect.status, 301);
      assert.equal(redirect.headers.location, "/simple/pypush-demo/");
    });
    await withRegistry(
      { personality: "gitlab", gitlab: { projectId: "7", projectPath: "acme/app", jobToken: "j" } },
      async (registry) => {
        const anonymous = await send(`${registry.simpleUrl}/pypushdemo`);
        assert.equal(anonymous.status, 401);
      },
    );
  });
});

describe("faults", () => {
  async function faulted(fault: Fault, body: (registry: TestRegistry) => Promise<void>) {
    await withRegistry({ personality: "pypi" }, async (registry) => {
      registry.scriptFaults(fault);
      await body(registry);
    });
  }

  test("reset-after-store: the client sees a reset, the registry holds the file", async () => {
    await faulted({ kind: "reset-after-store" }, async (registry) => {
      await assert.rejects(upload(registry, { credentials: TOKEN }), /socket hang up|ECONNRESET/);
      assert.equal(registry.files().length, 1);
      assert.equal(registry.requests()[0]?.status, 0);
      assert.equal(registry.requests()[0]?.fileName, "pypushdemo-0.2.0-py3-none-any.whl");
      // The retry of the same bytes is then the idempotent 200.
      assert.equal((await upload(registry, { credentials: TOKEN })).status, 200);
    });
  });

  test("reset-before-response and reset-mid-body store nothing", async () => {
    await faulted({ kind: "reset-before-response" }, async (registry) => {
      await assert.rejects(upload(registry, { credentials: TOKEN }), /socket hang up|ECONNRESET/);
      assert.equal(registry.files().length, 0);
    });
    await faulted({ kind: "reset-mid-body", afterBytes: 1000 }, async (registry) => {
      const content = Buffer.alloc(256 * 1024, 7);
      await assert.rejects(
        upload(registry, { credentials: TOKEN, content }),
        /socket hang up|ECONNRESET|EPIPE/,
      );
      assert.equal(registry.files().length, 0);
    });
  });

  test("stall and no-response leave the client waiting, and close() still returns at once", async () => {
    for (const fault of [{ kind: "stall" }, { kind: "no-response" }] as Fault[]) {
      const registry = await startRegistry({ personality: "pypi" });
      registry.scriptFaults(fault);
      try {
        await assert.rejects(
          upload(registry, { credentials: TOKEN, timeoutMs: 300 }),
          /no answer in time/,
        );
        assert.equal(registry.files().length, 0);
      } finally {
        const started = Date.now();
        await registry.close();
        assert.ok(Date.now() - started < 1000);
      }
    }
  });

  test("status, redirect, html and delay faults, then normal behaviour", async () => {
    await withRegistry({ personality: "pypi" }, async (registry) => {
      registry.scriptFaults(
        { kind: "status", status: 429, headers: { "retry-after": "1" } },
        { kind: "redirect", status: 307, location: "https://elsewhere.example/legacy/" },
        { kind: "html", status: 502 },
        { kind: "delay", ms: 150 },
      );
      const limited = await upload(registry, { credentials: TOKEN });
      assert.deepEqual([limited.status, limited.headers["retry-after"]], [429, "1"]);
      const redirected = await upload(registry, { credentials: TOKEN });
      assert.deepEqual(
        [redirected.status, redirected.headers.location],
        [307, "https://elsewhere.example/legacy/"],
      );
      const proxy = await upload(registry, { credentials: TOKEN });
      assert.equal(proxy.status, 502);
      assert.match(proxy.body, /<center><h1>502 Bad Gateway<\/h1><\/center>/);
      // Faults apply to uploads only: a simple index read in between consumes none.
      assert.equal((await send(`${registry.simpleUrl}pypushdemo/`)).status, 404);
      const started = Date.now();
      const delayed = await upload(registry, { credentials: TOKEN });
      assert.equal(delayed.status, 200);
      assert.ok(Date.now() - started >= 140);
      assert.equal((await upload(registry, { credentials: TOKEN })).status, 200);
      assert.deepEqual(
        registry.requests().map((r) => r.status),
        [429, 307, 502, 200, 200],
      );
      assert.equal(registry.requests()[0]?.fields.find(([k]) => k === "name")?.[1], "pypushdemo");
      assert.equal(registry.files().length, 1);
    });
  });
});

describe("registry setup", () => {
  test("discardContent keeps size and digests but no bytes", async () => {
    await withRegistry({ personality: "pypiserver", discardContent: true }, async (registry) => {
      const content = Buffer.alloc(3 * 1024 * 1024, 1);
      assert.equal((await upload(registry, { content })).status, 200);
      const [file] = registry.files();
      assert.deepEqual(
        [file?.size, file?.sha256, file?.path],
        [content.length, (await digestsOf(content)).sha256, undefined],
      );
    });
  });

  const opensslMissing = existsSync("/usr/bin/openssl") ? false : "openssl is not installed";
  test("serves HTTPS with the given certificate", { skip: opensslMissing }, async () => {
    const dir = await mkdtemp(join(tmpdir(), "pypush-registry-tls-"));
    try {
      await execFileAsync("/usr/bin/openssl", [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        join(dir, "key.pem"),
        "-out",
        join(dir, "cert.pem"),
        "-days",
        "1",
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
      ]);
      const key = await readFile(join(dir, "key.pem"), "utf8");
      const cert = await readFile(join(dir, "cert.pem"), "utf8");
      await withRegistry({ personality: "pypiserver", tls: { key, cert } }, async (registry) => {
        assert.match(registry.uploadUrl, /^https:\/\/127\.0\.0\.1:\d+\/$/);
        const fields = await distributionFields(
          "pypushdemo",
          "0.2.0",
          "pypushdemo-0.2.0-py3-none-any.whl",
          CONTENT,
        );
        const result = await postForm(
          registry.uploadUrl,
          fields,
          { filename: "pypushdemo-0.2.0-py3-none-any.whl", content: CONTENT },
          { ca: cert },
        );
        assert.equal(result.status, 200);
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("the CLI prints the upload URL and stops on SIGTERM", async () => {
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        join(import.meta.dirname, "registry", "main.ts"),
        "--personality",
        "gitea",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    try {
      const firstLine = await new Promise<string>((resolve, reject) => {
        let buffered = "";
        child.stdout.on("data", (chunk: Buffer) => {
          buffered += chunk.toString();
          if (buffered.includes("\n")) resolve(buffered.split("\n")[0] ?? "");
        });
        child.once("exit", (code) => reject(new Error(`CLI exited early with ${code}`)));
      });
      assert.match(firstLine, /^http:\/\/127\.0\.0\.1:\d+\/api\/packages\/owner\/pypi$/);
      const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      assert.equal(await exited, 0);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });
});

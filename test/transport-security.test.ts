// Transport security (issue 5): private CAs (--ca-cert, SSL_CERT_FILE, NODE_EXTRA_CA_CERTS),
// certificates pypush must refuse, proxies (HTTPS_PROXY, HTTP_PROXY, NO_PROXY), the warning for
// plain http, and credentials that never reach another host or any output.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { writeSdist, writeWheel } from "./fixtures/handmade.ts";
import {
  type Personality,
  type RegistryOptions,
  startRegistry,
  type TestRegistry,
} from "./registry/server.ts";
import { baseEnv, type CliRun, runCli, tempDir } from "./support/cli.ts";
import { startConnectProxy } from "./support/connect-proxy.ts";
import { assertNoSecret, loginFor, PERSONALITIES, secretForms } from "./support/registry-logins.ts";
import {
  createTestCa,
  opensslMissing,
  type ServerCertificate,
  type TestCa,
} from "./support/test-ca.ts";

let dists: { dir: string; files: string[]; remove(): Promise<void> };

before(async () => {
  const dir = await tempDir("pypush-transport-dists-");
  dists = {
    dir: dir.path,
    files: [await writeSdist(dir.path), await writeWheel(dir.path)],
    remove: dir.remove,
  };
});

after(() => dists?.remove());

/** A pypiserver registry that wants a login, and the environment that gives it. */
async function registryWithLogin(extra: Partial<RegistryOptions> = {}) {
  const login = loginFor("pypiserver");
  const registry = await startRegistry({ personality: "pypiserver", ...login.options, ...extra });
  return { registry, login, forms: secretForms(login.username, login.password) };
}

function publish(url: string, env: Record<string, string>, args: string[] = []): Promise<CliRun> {
  return runCli(
    ["--repository-url", url, "--retries", "0", "--timeout", "5", ...args, ...dists.files],
    { env: baseEnv(env), timeoutMs: 30_000 },
  );
}

function assertBothStoredOnce(registry: TestRegistry, run: CliRun) {
  assert.equal(run.code, 0, run.output);
  for (const file of dists.files) {
    const held = registry.files().filter((stored) => stored.filename === basename(file));
    assert.equal(held.length, 1, `${basename(file)} is stored once\n${run.output}`);
  }
}

describe("certificate authorities", { skip: opensslMissing }, () => {
  let ca: TestCa;
  let loopback: ServerCertificate;
  let otherAddress: ServerCertificate;

  before(async () => {
    ca = await createTestCa();
    loopback = await ca.issue("loopback", ["127.0.0.1"]);
    otherAddress = await ca.issue("other-address", ["127.0.0.2"]);
  });
  after(() => ca?.remove());

  const trusted = [
    { how: "--ca-cert", args: () => ["--ca-cert", ca.certFile], env: () => ({}) },
    { how: "SSL_CERT_FILE", args: () => [], env: () => ({ SSL_CERT_FILE: ca.certFile }) },
    {
      how: "NODE_EXTRA_CA_CERTS",
      args: () => [],
      env: () => ({ NODE_EXTRA_CA_CERTS: ca.certFile }),
    },
  ];
  for (const { how, args, env } of trusted) {
    test(`${how}: a registry whose certificate a private CA signed takes both files`, async () => {
      const { registry, login, forms } = await registryWithLogin({ tls: loopback });
      try {
        assert.match(registry.uploadUrl, /^https:/);
        const run = await publish(registry.uploadUrl, { ...login.env, ...env() }, args());
        assertBothStoredOnce(registry, run);
        assertNoSecret(run.output, forms, "pypush's output");
      } finally {
        await registry.close();
      }
    });
  }

  test("a certificate no trusted CA signed: exit 1, the certificate problem named, nothing sent", async () => {
    const { registry, login, forms } = await registryWithLogin({ tls: loopback });
    const out = await tempDir();
    try {
      const reportPath = join(out.path, "report.json");
      const run = await publish(registry.uploadUrl, login.env, ["--json", reportPath]);
      assert.equal(run.code, 1, run.output);
      const sdist = basename(dists.files[0] as string);
      assert.match(
        run.output,
        new RegExp(`failed ${sdist.replace(/\./g, "\\.")}: .*(certificate|CERT)`),
        run.output,
      );
      assert.match(
        run.output,
        /unable to verify|self[- ]signed|local issuer|UNABLE_TO|SELF_SIGNED/i,
      );
      assert.equal(registry.allRequests().length, 0, "no HTTP request gets through");
      assert.equal(registry.files().length, 0);
      const report = await readFile(reportPath, "utf8");
      assert.deepEqual(
        (JSON.parse(report) as { files: { outcome: string }[] }).files.map((f) => f.outcome),
        ["failed", "not-attempted"],
      );
      assertNoSecret(run.output, forms, "pypush's output");
      assertNoSecret(report, forms, "the JSON report");
    } finally {
      await registry.close();
      await out.remove();
    }
  });

  test("a trusted CA's certificate for another address: exit 1 naming the mismatch", async () => {
    const { registry, login } = await registryWithLogin({ tls: otherAddress });
    try {
      const run = await publish(registry.uploadUrl, login.env, ["--ca-cert", ca.certFile]);
      assert.equal(run.code, 1, run.output);
      assert.match(run.output, /altname|does not match|ALTNAME/i);
      assert.equal(registry.files().length, 0);
    } finally {
      await registry.close();
    }
  });

  test("HTTPS_PROXY: an https registry is reached through a CONNECT tunnel (CA from NODE_EXTRA_CA_CERTS)", async () => {
    const { registry, login } = await registryWithLogin({ tls: loopback });
    const proxy = await startConnectProxy();
    try {
      const run = await publish(registry.uploadUrl, {
        ...login.env,
        HTTPS_PROXY: proxy.url,
        NODE_EXTRA_CA_CERTS: ca.certFile,
      });
      assertBothStoredOnce(registry, run);
      const { host } = new URL(registry.uploadUrl);
      assert.ok(proxy.tunnels().length >= 1, "the proxy tunnelled the upload");
      assert.ok(proxy.tunnels().every((tunnel) => tunnel.target === host));
    } finally {
      await registry.close();
      await proxy.close();
    }
  });

  test("HTTPS_PROXY with --ca-cert: the private CA is trusted inside the tunnel too", async () => {
    const { registry, login } = await registryWithLogin({ tls: loopback });
    const proxy = await startConnectProxy();
    try {
      const run = await publish(registry.uploadUrl, { ...login.env, HTTPS_PROXY: proxy.url }, [
        "--ca-cert",
        ca.certFile,
      ]);
      assertBothStoredOnce(registry, run);
      assert.ok(proxy.tunnels().length >= 1, "the proxy tunnelled the upload");
    } finally {
      await registry.close();
      await proxy.close();
    }
  });

  test("NO_PROXY: a listed host bypasses HTTPS_PROXY", async () => {
    const { registry, login } = await registryWithLogin({ tls: loopback });
    const proxy = await startConnectProxy();
    try {
      const run = await publish(
        registry.uploadUrl,
        { ...login.env, HTTPS_PROXY: proxy.url, NO_PROXY: "localhost,127.0.0.1" },
        ["--ca-cert", ca.certFile],
      );
      assertBothStoredOnce(registry, run);
      assert.equal(proxy.tunnels().length + proxy.forwards().length, 0, "the proxy saw nothing");
    } finally {
      await registry.close();
      await proxy.close();
    }
  });
});

describe("proxies", () => {
  test("HTTP_PROXY: an http registry is reached through the proxy", async () => {
    const { registry, login } = await registryWithLogin();
    const proxy = await startConnectProxy();
    try {
      const run = await publish(registry.uploadUrl, { ...login.env, HTTP_PROXY: proxy.url });
      assertBothStoredOnce(registry, run);
      assert.ok(proxy.tunnels().length + proxy.forwards().length >= 1, "traffic went through");
    } finally {
      await registry.close();
      await proxy.close();
    }
  });

  test("a proxy that refuses its credentials: exit 1, the proxy password never printed", async () => {
    const { registry, login, forms } = await registryWithLogin();
    const proxyPassword = "proxy-s3cret-value";
    const proxy = await startConnectProxy({
      proxyAuthorization: `Basic ${Buffer.from("ci:another-password").toString("base64")}`,
    });
    try {
      const proxyUrl = new URL(proxy.url);
      proxyUrl.username = "ci";
      proxyUrl.password = proxyPassword;
      const run = await publish(registry.uploadUrl, {
        ...login.env,
        HTTP_PROXY: proxyUrl.href,
      });
      assert.equal(run.code, 1, run.output);
      assert.match(run.output, /407|proxy/i);
      assert.equal(registry.files().length, 0);
      assert.ok(proxy.tunnels().length + proxy.forwards().length >= 1, "the proxy was asked");
      assertNoSecret(run.output, [...forms, ...secretForms("ci", proxyPassword)], "output");
    } finally {
      await registry.close();
      await proxy.close();
    }
  });
});

describe("credentials stay home", () => {
  test("plain http to a host that is not loopback: a warning names the risk", async () => {
    // The host never resolves: HTTP_PROXY carries the traffic to the local registry.
    const { registry, login, forms } = await registryWithLogin();
    const { port } = new URL(registry.uploadUrl);
    const proxy = await startConnectProxy({
      route: () => ({ host: "127.0.0.1", port: Number(port) }),
    });
    try {
      const url = "http://pypi.internal.example/";
      const run = await publish(url, { ...login.env, HTTP_PROXY: proxy.url });
      assertBothStoredOnce(registry, run);
      assert.match(
        run.output,
        /warning: http:\/\/pypi\.internal\.example\/ is plain http: .*credentials.*unencrypted/,
      );
      assert.ok(proxy.tunnels().length + proxy.forwards().length >= 1, "traffic went through");
      assertNoSecret(run.output, forms, "pypush's output");
    } finally {
      await registry.close();
      await proxy.close();
    }
  });

  test("plain http to loopback: no warning", async () => {
    const { registry, login } = await registryWithLogin();
    try {
      const run = await publish(registry.uploadUrl, login.env);
      assertBothStoredOnce(registry, run);
      assert.doesNotMatch(run.output, /warning:/);
    } finally {
      await registry.close();
    }
  });

  test("--check-url on another origin: the index read after an ambiguous failure carries no credentials", async () => {
    const { registry, login, forms } = await registryWithLogin();
    const mirror = await startRegistry({ personality: "pypiserver" });
    try {
      registry.scriptFaults({ kind: "reset-before-response" });
      const run = await publish(registry.uploadUrl, login.env, [
        "--retries",
        "1",
        "--check-url",
        mirror.simpleUrl,
      ]);
      assertBothStoredOnce(registry, run);
      const reads = mirror.allRequests();
      assert.ok(reads.length >= 1, "the index on --check-url was read");
      assert.ok(
        reads.every((read) => read.headers.authorization === undefined),
        "no Authorization header went to the other origin",
      );
      assert.ok(
        registry.requests().every((post) => post.headers.authorization !== undefined),
        "the registry itself got the credentials",
      );
      assertNoSecret(run.output, forms, "pypush's output");
    } finally {
      await registry.close();
      await mirror.close();
    }
  });

  // Some front proxies and debug pages quote the request back, headers included.
  async function quotedBack(
    personality: Personality,
    quote: (username: string, password: string) => string,
  ) {
    const login = loginFor(personality);
    const forms = secretForms(login.username, login.password);
    const registry = await startRegistry({ personality, ...login.options });
    const out = await tempDir();
    try {
      registry.scriptFaults({
        kind: "status",
        status: 400,
        body: `Bad request. ${quote(login.username, login.password)}`,
      });
      const reportPath = join(out.path, "report.json");
      const run = await publish(registry.uploadUrl, login.env, ["--json", reportPath]);
      assert.equal(run.code, 1, run.output);
      assert.match(run.output, /failed demo_pkg-1\.0\.0\.tar\.gz: 400 Bad request/);
      assertNoSecret(run.output, forms, "pypush's output");
      assertNoSecret(await readFile(reportPath, "utf8"), forms, "the JSON report");
    } finally {
      await registry.close();
      await out.remove();
    }
  }

  test("a registry error quoting the password: redacted in the output and in the JSON report", () =>
    quotedBack(
      "pypiserver",
      (_username, password) => `The password '${password}' is not valid here.`,
    ));

  for (const personality of PERSONALITIES) {
    test(`${personality}: a registry error quoting the Authorization header: redacted everywhere`, () =>
      quotedBack(
        personality,
        (username, password) =>
          `Received headers: Authorization: Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`,
      ));
  }

  test("a URL carrying credentials is refused (exit 2) without echoing them", async () => {
    const run = await runCli(
      [
        "--repository-url",
        "https://ci:url-s3cret-pass@pypi.internal.example/legacy/",
        ...dists.files,
      ],
      { env: baseEnv() },
    );
    assert.equal(run.code, 2, run.output);
    assertNoSecret(run.output, secretForms("ci", "url-s3cret-pass"), "pypush's output");
  });

  for (const personality of PERSONALITIES) {
    test(`${personality}: refused credentials given on the command line are never echoed`, async () => {
      const accepted = loginFor(personality);
      const wrong = loginFor(personality);
      // PyPI takes any pypi- token unless told which: list the accepted one.
      const options =
        personality === "pypi"
          ? { users: [{ username: accepted.username, password: accepted.password }] }
          : accepted.options;
      const registry = await startRegistry({ personality, ...options });
      const out = await tempDir();
      try {
        const reportPath = join(out.path, "report.json");
        const credentials =
          personality === "pypi"
            ? ["-t", wrong.password]
            : ["-u", wrong.username, "-p", wrong.password];
        const run = await publish(registry.uploadUrl, {}, [
          ...credentials,
          "--verbose",
          "--json",
          reportPath,
        ]);
        assert.equal(run.code, 1, run.output);
        assert.match(run.output, /40[13]/);
        const report = await readFile(reportPath, "utf8");
        for (const login of [accepted, wrong]) {
          const forms = secretForms(login.username, login.password);
          assertNoSecret(run.output, forms, "pypush's output");
          assertNoSecret(report, forms, "the JSON report");
        }
      } finally {
        await registry.close();
        await out.remove();
      }
    });
  }
});

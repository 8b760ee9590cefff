// The command line: argv + environment -> PublishRequest -> publish -> exit code.
// 0: everything uploaded or skipped as asked; 1: a registry refused or the network failed;
// 2: bad usage or invalid distributions (nothing was sent).
import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { readGitHubFacts } from "./ci/github.ts";
import { type GitLabFacts, gitlabProjectUploadUrl, readGitLabFacts } from "./ci/gitlab.ts";
import { CredentialsError, exitCodeOf, InvalidDistributionsError, UsageError } from "./errors.ts";
import { NAMED_REPOSITORIES, PYPI_UPLOAD_URL } from "./registries.ts";
import { createLogEvents, type PublishReport, summaryLine } from "./report.ts";
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_RETRIES,
  DEFAULT_TIMEOUT_SECONDS,
  type ExplicitCredentials,
  type PublishRequest,
  parseAttestationMode,
  parseConcurrency,
  parseRetries,
  parseTimeout,
  parseUrlOption,
  sigstoreFromEnv,
} from "./request.ts";
import { Secrets } from "./secrets.ts";
import { VERSION } from "./version.ts";

const HELP = `pypush ${VERSION}: publish Python wheels and sdists to PyPI and compatible registries

Usage: pypush [options] [paths...]        (paths: files, directories or globs; default dist/)

Target
  --repository-url URL   upload URL (alias --publish-url; env PYPUSH_REPOSITORY_URL,
                         TWINE_REPOSITORY_URL, UV_PUBLISH_URL); default ${PYPI_UPLOAD_URL}
  --repository NAME      pypi, testpypi, or gitlab (this GitLab CI project's registry)
  --gitlab-project P     in GitLab CI: publish to another project's registry (id or group/path)
                         In GitLab CI with no URL given, the project's own registry is the target.
Credentials (prefer the environment: command lines are visible to other processes)
  -u, --username NAME    env PYPUSH_USERNAME, TWINE_USERNAME, UV_PUBLISH_USERNAME
  -p, --password SECRET  env PYPUSH_PASSWORD, TWINE_PASSWORD, UV_PUBLISH_PASSWORD
  -t, --token TOKEN      API token, sent with username __token__; env PYPUSH_TOKEN, UV_PUBLISH_TOKEN
Behaviour
  --skip-existing        files the registry already holds count as done
  --check-url URL        the registry's simple index, to compare what it already holds
  --dry-run              inspect everything, send nothing
  --retries N            retries of transient failures per file (default ${DEFAULT_RETRIES})
  --timeout SECONDS      connect, stall and answer timeout (default ${DEFAULT_TIMEOUT_SECONDS})
  --concurrency N        files uploaded at once after the first (default ${DEFAULT_CONCURRENCY})
  --attestations MODE    PEP 740 attestations with trusted publishing to PyPI: true (default:
                         when possible), false, or required (fail before uploading if impossible)
  --ca-cert FILE         PEM file of a CA to trust besides the system's (also SSL_CERT_FILE)
Output
  --verbose              more detail, including release URLs
  --print-hash           print each file's sha256 and blake2_256
  --json FILE            write a machine-readable report (per file: name, size, sha256, outcome, URL)
  -h, --help             this help
  -V, --version          the version

Exit codes: 0 all uploaded or skipped as asked; 1 a registry refused or the network failed;
2 bad usage or invalid distributions (nothing was sent).`;

const OPTIONS = {
  "repository-url": { type: "string" },
  "publish-url": { type: "string" },
  repository: { type: "string" },
  "gitlab-project": { type: "string" },
  username: { type: "string", short: "u" },
  password: { type: "string", short: "p" },
  token: { type: "string", short: "t" },
  "skip-existing": { type: "boolean" },
  "check-url": { type: "string" },
  "dry-run": { type: "boolean" },
  verbose: { type: "boolean" },
  "print-hash": { type: "boolean" },
  json: { type: "string" },
  retries: { type: "string" },
  timeout: { type: "string" },
  concurrency: { type: "string" },
  "ca-cert": { type: "string" },
  attestations: { type: "string" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "V" },
} as const;

type Env = Record<string, string | undefined>;

/** Parses argv and the environment into a request, or the word for --help / --version. */
export function parseCommandLine(argv: string[], env: Env): PublishRequest | "help" | "version" {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message, "run pypush --help for the options");
  }
  const { values, positionals } = parsed;
  if (values.help) return "help";
  if (values.version) return "version";

  const repositoryUrl = targetUrl(values, env, readGitLabFacts(env));
  return {
    paths: positionals.length > 0 ? positionals : ["dist/"],
    repositoryUrl,
    credentials: credentialsFrom(values, env),
    skipExisting: values["skip-existing"] ?? false,
    checkUrl: values["check-url"] ? parseUrlOption(values["check-url"], "--check-url") : undefined,
    dryRun: values["dry-run"] ?? false,
    verbose: values.verbose ?? false,
    printHash: values["print-hash"] ?? false,
    jsonReport: values.json,
    retries: parseRetries(values.retries, "--retries"),
    timeoutMs: parseTimeout(values.timeout, "--timeout"),
    concurrency: parseConcurrency(values.concurrency, "--concurrency"),
    verifyMetadata: true,
    caCertFiles: [values["ca-cert"], env.SSL_CERT_FILE].filter((file): file is string => !!file),
    attestations: parseAttestationMode(values.attestations ?? "true", "--attestations"),
    sigstore: sigstoreFromEnv(env),
  };
}

// The target: --repository, --gitlab-project, a URL (flag or the tools' variables); in GitLab CI
// with none of them, the project's own registry; elsewhere PyPI.
function targetUrl(
  values: {
    "repository-url"?: string;
    "publish-url"?: string;
    repository?: string;
    "gitlab-project"?: string;
  },
  env: Env,
  gitlab: GitLabFacts | undefined,
): URL {
  if (values["repository-url"] && values["publish-url"]) {
    throw new UsageError("--repository-url and --publish-url are the same option: give one");
  }
  const flagUrl = values["repository-url"] ?? values["publish-url"];
  const chosen = [
    flagUrl && "--repository-url",
    values.repository && "--repository",
    values["gitlab-project"] && "--gitlab-project",
  ].filter(Boolean);
  if (chosen.length > 1) throw new UsageError(`give only one of ${chosen.join(", ")}`);
  const gitlabProject =
    values["gitlab-project"] ?? (values.repository === "gitlab" ? "" : undefined);
  if (gitlabProject !== undefined) {
    if (!gitlab) {
      throw new UsageError(
        "--repository gitlab and --gitlab-project work inside a GitLab CI job (GITLAB_CI, CI_SERVER_URL and CI_PROJECT_ID are not set)",
        "elsewhere give the URL: --repository-url https://gitlab.example.com/api/v4/projects/<id>/packages/pypi",
      );
    }
    return gitlabProjectUploadUrl(gitlab.apiUrl, gitlabProject || gitlab.projectId);
  }
  if (values.repository !== undefined) {
    const named = NAMED_REPOSITORIES[values.repository];
    if (named === undefined) {
      throw new UsageError(
        `--repository: unknown repository '${values.repository}'`,
        `known: ${[...Object.keys(NAMED_REPOSITORIES), "gitlab"].join(", ")}; for others use --repository-url`,
      );
    }
    return new URL(named);
  }
  const url =
    flagUrl ?? env.PYPUSH_REPOSITORY_URL ?? env.TWINE_REPOSITORY_URL ?? env.UV_PUBLISH_URL;
  if (url !== undefined) return parseUrlOption(url, "--repository-url");
  if (gitlab) return gitlabProjectUploadUrl(gitlab.apiUrl, gitlab.projectId);
  return new URL(PYPI_UPLOAD_URL);
}

// Credentials come from the first source that gives any: flags, then PYPUSH_*, TWINE_*, UV_*.
// Mixing sources would pair one tool's username with another's password.
function credentialsFrom(
  values: { username?: string; password?: string; token?: string },
  env: Env,
): ExplicitCredentials {
  const sources: [string, string | undefined, string | undefined, string | undefined][] = [
    ["the command line", values.username, values.password, values.token],
    ["PYPUSH_*", env.PYPUSH_USERNAME, env.PYPUSH_PASSWORD, env.PYPUSH_TOKEN],
    ["TWINE_*", env.TWINE_USERNAME, env.TWINE_PASSWORD, undefined],
    ["UV_PUBLISH_*", env.UV_PUBLISH_USERNAME, env.UV_PUBLISH_PASSWORD, env.UV_PUBLISH_TOKEN],
  ];
  for (const [where, username, password, token] of sources) {
    const given = (value: string | undefined) => value !== undefined && value !== "";
    if (!given(username) && !given(password) && !given(token)) continue;
    if (given(token) && given(password)) {
      throw new UsageError(`${where}: give a token or a password, not both`);
    }
    if (given(token)) {
      if (given(username) && username !== "__token__") {
        throw new UsageError(
          `${where}: a token is sent with the username __token__, but username '${username}' was given`,
          "drop the username, or pass the secret as a password",
        );
      }
      return { username: "__token__", password: token };
    }
    if (!given(password)) {
      throw new UsageError(`${where}: a username was given without a password`);
    }
    return { username: given(username) ? username : undefined, password };
  }
  return { username: undefined, password: undefined };
}

export async function main(argv: string[], env: Env): Promise<number> {
  // `pypush ... | head`: a reader that goes away must not crash an upload in progress.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
  });
  const out = (line: string) => process.stdout.write(`${line}\n`);
  let request: PublishRequest | "help" | "version";
  try {
    request = parseCommandLine(argv, env);
  } catch (error) {
    return fail(error, (text) => text);
  }
  if (request === "help") {
    out(HELP);
    return 0;
  }
  if (request === "version") {
    out(VERSION);
    return 0;
  }
  const secrets = new Secrets();
  secrets.add(request.credentials.password);
  const redact = (text: string) => secrets.redact(text);
  const events = createLogEvents((line) => out(redact(line)), request);
  let report: PublishReport;
  try {
    // Loaded here, not at startup: --help and --version need none of it.
    const { publish } = await import("./publish.ts");
    report = await publish(request, {
      events,
      secrets,
      github: readGitHubFacts(env),
      gitlab: readGitLabFacts(env),
      idTokens: undefined,
    });
  } catch (error) {
    if (request.jsonReport && error instanceof InvalidDistributionsError) {
      await writeJson(request.jsonReport, { problems: error.problems, files: [] }, redact);
    }
    return fail(error, redact);
  }
  out(summaryLine(report));
  if (request.jsonReport) await writeJson(request.jsonReport, report, redact);
  return report.files.some((file) => file.outcome === "failed") ? 1 : 0;
}

function fail(error: unknown, redact: (text: string) => string): 1 | 2 {
  const err = (line: string) => process.stderr.write(`${redact(line)}\n`);
  if (error instanceof InvalidDistributionsError) {
    err("error: invalid distributions, nothing was uploaded:");
    for (const problem of error.problems) err(`  ${problem.file}: ${problem.message}`);
    err(`error: ${error.message}`);
  } else if (error instanceof UsageError || error instanceof CredentialsError) {
    err(`error: ${error.message}`);
    if (error.hint) err(`hint: ${error.hint}`);
  } else {
    err(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
  return exitCodeOf(error);
}

async function writeJson(path: string, value: unknown, redact: (text: string) => string) {
  await writeFile(path, `${redact(JSON.stringify(value, null, 2))}\n`);
}

// The public shapes of the test registry. server.ts re-exports all of them; the other modules
// import from here so that nothing depends on the server module itself.

export type Personality = "pypi" | "gitlab" | "pypiserver" | "gitea" | "nexus" | "artifactory";

export interface Credentials {
  username: string;
  password: string;
}

export interface GitlabProject {
  projectId: string;
  projectPath: string;
}

export interface GitlabOptions extends GitlabProject {
  /** The CI job token of this project; GitLab accepts it only with username `gitlab-ci-token`. */
  jobToken?: string;
  /** A project deploy token: accepted only with its own username. */
  deployToken?: Credentials;
  /** A personal access token: GitLab ignores the username that comes with it. */
  personalAccessToken?: string;
  /** Other projects on the same instance; the job token above works there only if allowlisted. */
  otherProjects?: (GitlabProject & {
    /** Project paths whose job tokens may be used on this project (the job token allowlist). */
    allowlist: string[];
  })[];
  /** The project has the package registry switched off. */
  packagesDisabled?: boolean;
  /**
   * How a job token from a project that is not on the target's allowlist is refused.
   * 404 (default): `{"message":"404 Project Not Found"}`, what GitLab answered for years.
   * 403: `{"message":"403 Forbidden - Authentication by CI/CD job token not allowed from <source>
   * to <target>."}`, what current GitLab sends (`handle_job_token_failure!` in lib/api/helpers.rb).
   */
  allowlistRefusal?: 403 | 404;
}

export interface OidcOptions {
  audience: string;
  verify: (
    jwt: string,
  ) => Promise<{ ok: true } | { ok: false; errors: { code: string; description: string }[] }>;
  mintedToken: () => { token: string; expires: number };
}

export interface RegistryOptions {
  personality: Personality;
  /**
   * Accepted credentials. If omitted: pypi accepts username `__token__` with any password starting
   * `pypi-`; pypiserver requires no authentication; gitea, nexus and artifactory require some
   * basic credentials but accept any.
   */
  users?: Credentials[];
  gitlab?: GitlabOptions;
  /** PyPI trusted publishing endpoints (`/_/oidc/audience`, `/_/oidc/mint-token`); pypi only. */
  oidc?: OidcOptions;
  /** Do not keep bytes, only size and digests (for multi-GiB tests and benchmark sinks). */
  discardContent?: boolean;
  /** Delay before answering each upload (benchmarks). */
  latencyMs?: number;
  /** Serve HTTPS instead of HTTP. */
  tls?: { key: string; cert: string };
  /** Port to listen on (default 0: any free port). */
  port?: number;
}

export interface StoredFile {
  filename: string;
  /** PEP 503 normalized project name. */
  project: string;
  version: string;
  size: number;
  sha256: string;
  blake2_256: string;
  md5: string;
  /** On-disk copy in the registry's temp dir, unless discardContent. */
  path?: string;
  /** Every non-file form field, in the order received. */
  fields: [string, string][];
  /** Which repository holds the file: the GitLab project path, or the personality's one repository. */
  repository: string;
  /** Warnings the registry would show about this file (Artifactory: no MD5 checksum). */
  warnings: string[];
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  fields: [string, string][];
  fileName?: string;
  fileSize?: number;
  /** 0 when no HTTP answer was sent (connection reset, stall, no response). */
  status: number;
  responseBody: string;
}

export type Fault =
  /** Answer with this status without storing (the body is read fully first). */
  | { kind: "status"; status: number; body?: string; headers?: Record<string, string> }
  /** Read the whole body, store nothing, destroy the socket. */
  | { kind: "reset-before-response" }
  /** Read and store the file, then destroy the socket without answering (ambiguous failure). */
  | { kind: "reset-after-store" }
  /** Destroy the socket once that many body bytes arrived (or the body ended). */
  | { kind: "reset-mid-body"; afterBytes: number }
  /** Stop reading the request body and never answer. */
  | { kind: "stall" }
  /** Read the body, never answer. */
  | { kind: "no-response" }
  /** Wait, then handle the upload normally. */
  | { kind: "delay"; ms: number }
  | { kind: "redirect"; status: 301 | 302 | 307 | 308; location: string }
  /** An HTML error page like a front proxy (nginx, Cloudflare) sends. */
  | { kind: "html"; status: number };

export interface TestRegistry {
  origin: string;
  uploadUrl: string;
  simpleUrl: string;
  files(): StoredFile[];
  /** Upload attempts (POSTs to anything but the OIDC endpoints), in arrival order. */
  requests(): RecordedRequest[];
  /** Every request, uploads, simple index reads, downloads and OIDC exchanges, in arrival order. */
  allRequests(): RecordedRequest[];
  /** Queue faults: each upload POST consumes the next one; when empty, normal behaviour. */
  scriptFaults(...faults: Fault[]): void;
  close(): Promise<void>;
}

/** What the registry sends back: status, optional reason phrase, headers and body. */
export interface Answer {
  status: number;
  /** HTTP reason phrase; defaults to the standard one for the status. */
  reason?: string;
  headers: Record<string, string>;
  body: string;
}

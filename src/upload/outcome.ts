// What a registry's answer to an upload means (pure). Rules and texts: ../shared/registries.md,
// and twine's skip-existing rules, which every registry below has been matched against.
import type { RegistryProfile } from "../registries.ts";

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export type AnswerClass =
  | { kind: "uploaded" }
  | { kind: "exists"; message: string }
  | { kind: "transient"; message: string; retryAfterMs: number | undefined }
  | { kind: "refused"; message: string; hint: string | undefined };

export interface AnswerContext {
  profile: RegistryProfile;
  url: URL;
  username: string | undefined;
  /** The kind of credentials sent, when any. */
  credentialKind?: "explicit" | "deploy-token" | "job-token" | "trusted-publishing";
  /** In GitLab CI: the job's own project, and the project the URL targets. */
  gitlabProjects?: { source: string; target: string | undefined };
}

export function classifyAnswer(answer: HttpAnswer, context: AnswerContext): AnswerClass {
  const { status } = answer;
  const message = extractMessage(answer);
  if (status >= 200 && status < 300) return { kind: "uploaded" };
  if (status >= 300 && status < 400) {
    const location = header(answer, "location");
    const target = location ? new URL(location, context.url).href : undefined;
    return {
      kind: "refused",
      message: `redirect${target ? ` to ${target}` : ""}`,
      hint: target
        ? `redirects are not followed when publishing (credentials would go with them); use the canonical upload URL: --repository-url ${target}`
        : "redirects are not followed when publishing; use the registry's canonical upload URL",
    };
  }
  if (isDuplicate(status, message)) return { kind: "exists", message };
  if (status === 429 || status >= 500) {
    return { kind: "transient", message, retryAfterMs: retryAfterMs(answer) };
  }
  return { kind: "refused", message, hint: hintFor(status, message, context) };
}

// A registry's "this file name is taken" answer, per registry:
// PyPI 400 "File already exists (...)"; GitLab 400 "Validation failed: File name has already been
// taken"; Nexus 400 "Repository does not allow updating assets"; Google 400 "... already exist";
// Artifactory 403 "Not enough permissions to delete/overwrite artifact"; pypiserver, Gitea,
// Azure and CodeArtifact 409 (pypiserver answers 400 with its 409 text to twine's user agent).
function isDuplicate(status: number, message: string): boolean {
  if (status === 409) return true;
  const text = message.toLowerCase();
  if (status === 400) {
    return (
      text.includes("file already exists") ||
      text.includes("already been taken") ||
      text.includes("updating asset") ||
      text.includes("cannot be updated") ||
      text.includes("already exist")
    );
  }
  return status === 403 && text.includes("overwrite artifact");
}

function hintFor(status: number, message: string, context: AnswerContext): string | undefined {
  const text = message.toLowerCase();
  const { profile } = context;
  if (profile.kind === "gitlab") {
    const hint = gitlabHint(status, text, context);
    if (hint) return hint;
  }
  // Warehouse: "This filename was previously used by a file that has since been deleted. Use a
  // different version." (older: "This filename has already been used, use a different version.")
  if (text.includes("previously used") || text.includes("filename has already been used")) {
    return "a registry never takes a file name twice, even after the file was deleted: release a new version (for example a .post1)";
  }
  // Warehouse (July 2026): "Uploading new files to releases older than 14 days is not allowed."
  const closed = text.match(/releases older than (\d+) days/);
  if (closed) {
    return `PyPI takes no new files for a release created more than ${closed[1]} days ago: publish the file in a new version`;
  }
  if (text.includes("file too large") || status === 413) {
    return profile.isPypi
      ? "ask PyPI for a higher per-file limit (https://pypi.org/help/#file-size-limit) or make the file smaller"
      : "the file is larger than the registry (or a proxy in front of it) accepts: raise its limit or make the file smaller";
  }
  if (text.includes("digest") && text.includes("does not match")) {
    return "the file changed or was corrupted in transit; rebuild it and upload again";
  }
  if (status === 405) {
    return profile.isPypi || context.url.hostname === "pypi.org"
      ? `this URL does not accept uploads: use ${profile.kind === "testpypi" ? "https://test.pypi.org/legacy/" : "https://upload.pypi.org/legacy/"}`
      : "this URL does not accept uploads: use the registry's upload URL, not its simple index or web page";
  }
  if (profile.warehouse && status === 403) {
    if (text.includes("username/password authentication is no longer supported")) {
      return "PyPI takes API tokens, not passwords: pass --token pypi-... (or PYPUSH_TOKEN), or use trusted publishing";
    }
    if (text.includes("isn't allowed to upload")) {
      return "the token's account is not an owner or maintainer of this project, or the token is scoped to another project";
    }
    return "check the API token: username __token__, password the whole token starting with pypi-, scoped to this project and not revoked";
  }
  if (status === 401) {
    return "the registry wants credentials it accepts: pass --username/--password (or --token), or set PYPUSH_USERNAME/PYPUSH_PASSWORD";
  }
  if (status === 403) {
    return `the credentials were refused for this upload${context.username ? ` (username '${context.username}')` : ""}: check they are valid and allowed to publish to this repository`;
  }
  if (status === 404) {
    return `no upload endpoint at ${context.url.href}: check --repository-url`;
  }
  return undefined;
}

// GitLab's answers (lib/api/pypi_packages.rb, lib/api/helpers.rb): 401 {"message":"401
// Unauthorized"} for a job token sent with another username than gitlab-ci-token; 403
// "Authentication by CI/CD job token not allowed from <source> to <target>." or 404 {"message":
// "404 Project Not Found"} across projects (GitLab hides projects a token may not see).
function gitlabHint(status: number, text: string, context: AnswerContext): string | undefined {
  const { credentialKind, gitlabProjects, username } = context;
  const crossProject =
    gitlabProjects?.target !== undefined && gitlabProjects.target !== gitlabProjects.source;
  if (status === 401) {
    if (credentialKind === "job-token") {
      return "GitLab refused the CI job token (username gitlab-ci-token): job tokens are valid only while their job runs; rerun the job";
    }
    return `GitLab refused these credentials (username '${username ?? ""}'). The CI job token works only with the username gitlab-ci-token; a deploy token with its own username and scope write_package_registry; a personal, project or group access token with scope api`;
  }
  if ((status === 403 || status === 404) && credentialKind === "job-token" && crossProject) {
    return `the job token of project ${gitlabProjects?.source} may not publish to project ${gitlabProjects?.target}: in ${gitlabProjects?.target}, open Settings > CI/CD > Job token permissions and add ${gitlabProjects?.source} to the allowlist`;
  }
  if (
    status === 403 &&
    (text.includes("scope") || credentialKind === "explicit" || credentialKind === "deploy-token")
  ) {
    return "the token cannot write packages here: a personal, project or group access token needs scope api (Developer role or above); a deploy token needs scope write_package_registry";
  }
  if (status === 403) {
    return "GitLab forbids publishing here: check that the project's package registry is enabled (Settings > General > Visibility, project features, permissions > Package registry) and that the package is not protected";
  }
  if (status === 404) {
    return `GitLab found no project at ${context.url.href} that these credentials may see: check the project id or path (GitLab answers 404 for projects a token has no access to)`;
  }
  return undefined;
}

/** The human message of an answer: JSON `code`/`message`/`error`, an HTML title, or the text. */
export function extractMessage(answer: HttpAnswer): string {
  const body = answer.body.trim();
  const type = String(header(answer, "content-type") ?? "");
  if (type.includes("json") || body.startsWith("{")) {
    try {
      const json = JSON.parse(body) as Record<string, unknown>;
      // Warehouse: {"message": "<generic status text>", "code": "400 File already exists ...",
      // "title": "Bad Request"}: the specific text is in `code` (uv reads it the same way).
      for (const key of ["code", "message", "error", "detail", "errors"]) {
        const value = json[key];
        if (typeof value === "string" && value.trim() !== "") {
          return key === "code" ? value.replace(/^\d{3} /, "").trim() : value.trim();
        }
        if (value !== undefined && typeof value !== "string") return JSON.stringify(value);
      }
    } catch {
      // not JSON after all: fall through to text
    }
  }
  if (type.includes("html") || /^<(!doctype|html)/i.test(body)) {
    const title = body.match(/<title[^>]*>([^<]*)<\/title>/i)?.[1]?.trim();
    const text = body
      .replace(/<(title|script|style)[\s\S]*?<\/\1>/gi, " ")
      .replace(/<[^>]+>/g, " ")
      .replace(/\s+/g, " ")
      .trim();
    // An error page (nginx, a proxy) repeats its title as a heading: say it once.
    const rest = (title ? text.split(title).join(" ") : text).replace(/\s+/g, " ").trim();
    const parts = [title, rest].filter((part) => part !== undefined && part !== "");
    return truncate(parts.length > 0 ? parts.join(": ") : `HTTP ${answer.status}`, 300);
  }
  return truncate(body.length > 0 ? body : `HTTP ${answer.status}`, 500);
}

function truncate(text: string, max: number) {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function header(answer: HttpAnswer, name: string): string | undefined {
  const value = answer.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function retryAfterMs(answer: HttpAnswer): number | undefined {
  const value = header(answer, "retry-after");
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** "403 Forbidden" style: the status in front of a message, unless the message starts with it. */
export function withStatus(status: number, message: string): string {
  return message.startsWith(String(status)) ? message : `${status} ${message}`;
}

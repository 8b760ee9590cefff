// What the GitLab CI environment says (pure: env -> facts). Variable names from GitLab's
// predefined CI/CD variables; ID tokens come from the job's `id_tokens:` block.

export interface GitLabFacts {
  serverUrl: URL;
  apiUrl: URL;
  projectId: string;
  projectPath: string | undefined;
  jobToken: string | undefined;
  deployToken: { username: string; password: string } | undefined;
  commitTag: string | undefined;
  /** ID tokens the job declared under `id_tokens:`, by variable name (PYPI_ID_TOKEN ...). */
  idTokens: Record<string, string>;
}

type Env = Record<string, string | undefined>;

export function readGitLabFacts(env: Env): GitLabFacts | undefined {
  if (env.GITLAB_CI !== "true" || !env.CI_SERVER_URL || !env.CI_PROJECT_ID) return undefined;
  const serverUrl = new URL(env.CI_SERVER_URL);
  const apiUrl = new URL(env.CI_API_V4_URL || new URL("api/v4", withSlash(serverUrl)).href);
  const idTokens: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (name.endsWith("_ID_TOKEN") && value) idTokens[name] = value;
  }
  return {
    serverUrl,
    apiUrl,
    projectId: env.CI_PROJECT_ID,
    projectPath: env.CI_PROJECT_PATH || undefined,
    jobToken: env.CI_JOB_TOKEN || undefined,
    deployToken:
      env.CI_DEPLOY_USER && env.CI_DEPLOY_PASSWORD
        ? { username: env.CI_DEPLOY_USER, password: env.CI_DEPLOY_PASSWORD }
        : undefined,
    commitTag: env.CI_COMMIT_TAG || undefined,
    idTokens,
  };
}

/** A project's PyPI upload URL; `project` is an id or a `group/sub/project` path. */
export function gitlabProjectUploadUrl(apiUrl: URL, project: string): URL {
  const id = /^\d+$/.test(project) ? project : encodeURIComponent(project);
  return new URL(`projects/${id}/packages/pypi`, withSlash(apiUrl));
}

/** The variable a job declares under `id_tokens:` for an audience: pypi -> PYPI_ID_TOKEN. */
export function idTokenVariable(audience: string): string {
  return `${audience.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}_ID_TOKEN`;
}

function withSlash(url: URL): URL {
  return new URL(url.href.endsWith("/") ? url.href : `${url.href}/`);
}

/** The project an upload URL names (`/projects/<id or encoded path>/packages/pypi`), decoded. */
export function gitlabTargetProject(url: URL): string | undefined {
  const match = url.pathname.match(/\/projects\/([^/]+)\/packages\/pypi/);
  return match?.[1] === undefined ? undefined : decodeURIComponent(match[1]);
}

// GitLab's PyPI package registry (`lib/api/pypi_packages.rb`, docs user/packages/pypi_repository).
// Grape API: errors are JSON, `{"message": "..."}` from the helpers, `{"error": "..."}` from
// parameter validation and unknown routes.
import { normalizeProjectName } from "../filenames.ts";
import { firstField } from "../multipart.ts";
import type {
  PersonalityBehaviour,
  RegistryState,
  Repository,
  SimpleRoute,
  UploadDecision,
  UploadRequest,
} from "../personality.ts";
import { jsonAnswer } from "../responses.ts";
import type { Answer, Credentials, GitlabOptions, RegistryOptions } from "../types.ts";

export const GITLAB_ANSWERS = {
  created: () => jsonAnswer(201, { message: "201 Created" }),
  unauthorized: () => jsonAnswer(401, { message: "401 Unauthorized" }),
  forbidden: () => jsonAnswer(403, { message: "403 Forbidden" }),
  projectNotFound: () => jsonAnswer(404, { message: "404 Project Not Found" }),
  packageNotFound: () => jsonAnswer(404, { message: "404 Package Not Found" }),
  routeNotFound: () => jsonAnswer(404, { error: "404 Not Found" }),
  // Seen on GitLab EE 13.3 (twine issue 697); twine's --skip-existing matches "already been taken".
  duplicate: () =>
    jsonAnswer(400, { message: "Validation failed: File name has already been taken" }),
} as const;

const DEFAULTS: GitlabOptions = { projectId: "1", projectPath: "group/project" };

function settings(options: RegistryOptions): GitlabOptions {
  return options.gitlab ?? DEFAULTS;
}

interface GitlabRepository extends Repository {
  projectId: string;
  /** Project paths whose job token may be used here; undefined for the token's own project. */
  allowlist?: string[];
}

function repositoriesOf(options: RegistryOptions): GitlabRepository[] {
  const gitlab = settings(options);
  const base = (id: string) => `/api/v4/projects/${id}/packages/pypi`;
  return [
    {
      name: gitlab.projectPath,
      projectId: gitlab.projectId,
      uploadPath: base(gitlab.projectId),
      simplePath: `${base(gitlab.projectId)}/simple`,
    },
    ...(gitlab.otherProjects ?? []).map((p) => ({
      name: p.projectPath,
      projectId: p.projectId,
      allowlist: p.allowlist,
      uploadPath: base(p.projectId),
      simplePath: `${base(p.projectId)}/simple`,
    })),
  ];
}

/** `:id` is a numeric id or the URL-encoded full path (`group%2Fproject`). */
function findProject(options: RegistryOptions, idOrPath: string): GitlabRepository | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(idOrPath);
  } catch {
    return undefined;
  }
  return repositoriesOf(options).find((r) => r.projectId === decoded || r.name === decoded);
}

type Identity = { kind: "job" | "deploy" | "personal" };

/**
 * GitLab's basic-auth rules for the package API (`authenticate_with` job token, deploy token and
 * personal access token from http basic auth):
 * - the CI job token only with username `gitlab-ci-token`; with `__token__` or anything else the
 *   answer is `401 {"message":"401 Unauthorized"}` (uv issue 9195);
 * - a deploy token only with its own username;
 * - a personal access token with any username (which is why `__token__` + PAT works and misleads
 *   people into thinking the job token lacks rights).
 * With no token configured at all, any credentials count as a personal access token.
 */
export function gitlabIdentity(
  gitlab: GitlabOptions,
  credentials: Credentials | undefined,
): Identity | undefined {
  if (!credentials) return undefined;
  const { username, password } = credentials;
  if (gitlab.jobToken && password === gitlab.jobToken) {
    return username === "gitlab-ci-token" ? { kind: "job" } : undefined;
  }
  const deploy = gitlab.deployToken;
  if (deploy && password === deploy.password) {
    return username === deploy.username ? { kind: "deploy" } : undefined;
  }
  if (gitlab.personalAccessToken && password === gitlab.personalAccessToken) {
    return { kind: "personal" };
  }
  if (!gitlab.jobToken && !gitlab.deployToken && !gitlab.personalAccessToken) {
    return password ? { kind: "personal" } : undefined;
  }
  return undefined;
}

/** Whether an identity may use a project; the answer GitLab gives when it may not. */
function projectAccess(
  gitlab: GitlabOptions,
  identity: Identity,
  repository: GitlabRepository,
): Answer | undefined {
  const own = repository.allowlist === undefined;
  if (own || identity.kind === "personal") return undefined;
  if (identity.kind === "job" && repository.allowlist?.includes(gitlab.projectPath)) {
    return undefined;
  }
  if (identity.kind === "job" && gitlab.allowlistRefusal === 403) {
    const source = gitlab.projectPath.split("/").pop();
    const target = repository.name.split("/").pop();
    return jsonAnswer(403, {
      message: `403 Forbidden - Authentication by CI/CD job token not allowed from ${source} to ${target}.`,
    });
  }
  // GitLab hides projects a token may not see.
  return GITLAB_ANSWERS.projectNotFound();
}

function authorize(
  options: RegistryOptions,
  repository: GitlabRepository,
  credentials: Credentials | undefined,
): Answer | undefined {
  const gitlab = settings(options);
  const identity = gitlabIdentity(gitlab, credentials);
  if (!identity) return GITLAB_ANSWERS.unauthorized();
  const refused = projectAccess(gitlab, identity, repository);
  if (refused) return refused;
  // `authorize_packages_access!`: the package registry is switched off for the project.
  if (gitlab.packagesDisabled && repository.allowlist === undefined) {
    return GITLAB_ANSWERS.forbidden();
  }
  return undefined;
}

const SHA256 = /^[a-f0-9]{64}$/i;

/** Grape's parameter validation: all missing parameters in one `{"error": ...}`. */
export function gitlabParamsError(request: UploadRequest): string | undefined {
  const { form } = request;
  const problems: string[] = [];
  if (!form.file) problems.push("content is missing");
  for (const name of ["name", "version"]) {
    if (!firstField(form.fields, name)) problems.push(`${name} is missing`);
  }
  // uv always sends requires_python (empty when the metadata has none) because GitLab needs it.
  if (firstField(form.fields, "requires_python") === undefined) {
    problems.push("requires_python is missing");
  }
  const sha256 = firstField(form.fields, "sha256_digest");
  if (sha256 && !SHA256.test(sha256)) problems.push("sha256_digest is invalid");
  return problems.length > 0 ? problems.join(", ") : undefined;
}

function decideUpload(request: UploadRequest, state: RegistryState): UploadDecision {
  const repository = request.repository as GitlabRepository;
  const refused = authorize(state.options, repository, request.credentials);
  if (refused) return { kind: "refuse", answer: refused };
  const paramsError = gitlabParamsError(request);
  if (paramsError) return { kind: "refuse", answer: jsonAnswer(400, { error: paramsError }) };
  const file = request.form.file;
  if (!file) return { kind: "refuse", answer: jsonAnswer(400, { error: "content is missing" }) };
  // Duplicates are refused whatever the bytes (the project setting "allow duplicates" is off).
  if (state.store.byFilename(repository.name, file.filename)) {
    return { kind: "refuse", answer: GITLAB_ANSWERS.duplicate() };
  }
  const name = firstField(request.form.fields, "name") ?? "";
  const version = firstField(request.form.fields, "version") ?? "";
  return {
    kind: "store",
    answer: GITLAB_ANSWERS.created(),
    project: normalizeProjectName(name),
    version,
    warnings: [],
  };
}

const PROJECT_ROUTE = /^\/api\/v4\/projects\/([^/]+)\/packages\/pypi\/?$/;
const PROJECT_SIMPLE_ROUTE = /^\/api\/v4\/projects\/([^/]+)\/packages\/pypi\/simple(?:\/(.*))?$/;
const GROUP_SIMPLE_ROUTE = /^\/api\/v4\/groups\/([^/]+)\/-\/packages\/pypi\/simple(?:\/(.*))?$/;

export const gitlab: PersonalityBehaviour = {
  repositories: repositoriesOf,

  routeUpload(pathname, state) {
    const project = PROJECT_ROUTE.exec(pathname);
    if (project?.[1]) {
      return findProject(state.options, project[1]) ?? GITLAB_ANSWERS.projectNotFound();
    }
    // Anything else matches no route, including the group endpoint
    // (`/groups/:id/-/packages/pypi`), which only has GET routes: the simple index.
    return GITLAB_ANSWERS.routeNotFound();
  },

  routeSimple(pathname, state): SimpleRoute | undefined {
    const project = PROJECT_SIMPLE_ROUTE.exec(pathname);
    if (project?.[1]) {
      const repository = findProject(state.options, project[1]);
      return repository ? { repository, rest: project[2] ?? "" } : undefined;
    }
    // The group index lists the packages of the group's projects; here: the main project.
    const group = GROUP_SIMPLE_ROUTE.exec(pathname);
    const main = repositoriesOf(state.options)[0];
    if (group && main) return { repository: main, rest: group[2] ?? "" };
    return undefined;
  },

  decideUpload,

  authorizeRead(repository, credentials, state) {
    return authorize(state.options, repository as GitlabRepository, credentials);
  },

  error(status, message) {
    return jsonAnswer(status, { message: `${status} ${message}` });
  },

  projectNotFound: () => GITLAB_ANSWERS.packageNotFound(),

  downloadPath(repository, file) {
    return `${repository.uploadPath}/files/${file.sha256}/${file.filename}`;
  },

  redirectsToCanonicalSimplePath: false,
};

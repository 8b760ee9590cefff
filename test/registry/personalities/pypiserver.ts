// pypiserver (`pypiserver/_app.py`, bottle). Upload with `POST /`, simple index under `/simple/`,
// files under `/packages/`. Errors are bottle `HTTPError`s, rendered as bottle's HTML error page.
import { isListedUser } from "../auth.ts";
import { normalizeProjectName, parseDistFilename } from "../filenames.ts";
import { firstField } from "../multipart.ts";
import {
  matchSimplePath,
  nameAndVersion,
  type PersonalityBehaviour,
  type RegistryState,
  type Repository,
  type UploadDecision,
  type UploadRequest,
} from "../personality.ts";
import { bottleError } from "../responses.ts";

const REPOSITORY: Repository = { name: "pypiserver", uploadPath: "/", simplePath: "/simple/" };

export const pypiserverDuplicateMessage = (filename: string) =>
  `Package '${filename}' already exists!\n  You may start server with \`--overwrite\` option.`;

// `is_valid_pkg_filename` (pypiserver issue 102) and `guess_pkgname_and_version`.
const UPLOAD_FILENAME = /^[a-z0-9_.!+-]+$/i;

function decideUpload(request: UploadRequest, state: RegistryState): UploadDecision {
  const refuse = (status: number, message: string, headers: Record<string, string> = {}) => ({
    kind: "refuse" as const,
    answer: bottleError(status, message, request.url, headers),
  });

  // The `auth("update")` decorator runs first. With no users configured nobody authenticates.
  const users = state.options.users ?? [];
  if (users.length > 0) {
    const credentials = request.credentials;
    if (!credentials) {
      return refuse(401, "Unauthorized", { "www-authenticate": 'Basic realm="pypi"' });
    }
    if (!isListedUser(users, credentials)) return refuse(403, "Forbidden");
  }

  const action = firstField(request.form.fields, ":action");
  if (action === undefined) return refuse(400, "Missing ':action' field!");
  if (action === "verify" || action === "submit") {
    return { kind: "keep", answer: { status: 200, headers: {}, body: "" } };
  }
  if (action !== "file_upload") return refuse(400, `Unsupported ':action' field: ${action}`);

  const file = request.form.file;
  if (!file) return refuse(400, "Missing 'content' file-field!");
  if (!UPLOAD_FILENAME.test(file.filename) || !parseDistFilename(file.filename)) {
    return refuse(400, `Bad filename: ${file.filename}`);
  }

  // Digests are not checked. A duplicate is a 409, but a 400 with the same text for twine.
  if (state.store.byFilename(REPOSITORY.name, file.filename)) {
    const userAgent = String(request.headers["user-agent"] ?? "");
    return refuse(/twine/i.test(userAgent) ? 400 : 409, pypiserverDuplicateMessage(file.filename));
  }

  const { name, version } = nameAndVersion(request.form);
  return {
    kind: "store",
    answer: { status: 200, headers: { "content-type": "text/html; charset=UTF-8" }, body: "" },
    project: normalizeProjectName(name),
    version,
    warnings: [],
  };
}

export const pypiserver: PersonalityBehaviour = {
  repositories: () => [REPOSITORY],

  routeUpload(pathname, _state, context) {
    if (pathname === "/") return REPOSITORY;
    return bottleError(405, "Method not allowed.", context.url, { allow: "GET" });
  },

  routeSimple: (pathname) => matchSimplePath(pathname, REPOSITORY),

  decideUpload,

  error: (status, message, context) => bottleError(status, message, context.url),

  projectNotFound: (project, context) =>
    bottleError(404, `Not Found (${project} does not exist)\n\n`, context.url),

  downloadPath: (_repository, file) => `/packages/${file.filename}`,

  // pypiserver links relative to the project page: `../../packages/<file>#sha256=...`.
  simpleLink: (_origin, _repository, file) => `../../packages/${file.filename}`,

  redirectsToCanonicalSimplePath: true,
};

// What a personality is: the routes, rules and answer style of one registry software. Each lives
// in personalities/<name>.ts; the server does the HTTP and storage around them.
import type { IncomingHttpHeaders } from "node:http";
import { parseDistFilename } from "./filenames.ts";
import { firstField, type UploadForm } from "./multipart.ts";
import type { RegistryStore } from "./store.ts";
import type { Answer, Credentials, RegistryOptions, StoredFile } from "./types.ts";

/** One package repository a server hosts (GitLab: one per project). */
export interface Repository {
  /** Recorded as StoredFile.repository. */
  name: string;
  /** Path of the upload endpoint, e.g. `/legacy/`. */
  uploadPath: string;
  /** Path of the simple index root, e.g. `/simple/`. */
  simplePath: string;
}

export interface UploadRequest {
  repository: Repository;
  form: UploadForm;
  credentials: Credentials | undefined;
  headers: IncomingHttpHeaders;
  /** The full request URL (some error pages quote it). */
  url: string;
}

export type UploadDecision =
  /** Refused: nothing stored. */
  | { kind: "refuse"; answer: Answer }
  /** Accepted: the file is stored. */
  | { kind: "store"; answer: Answer; project: string; version: string; warnings: string[] }
  /** Accepted, but the registry already holds these exact bytes: nothing new is stored. */
  | { kind: "keep"; answer: Answer };

export interface RegistryState {
  options: RegistryOptions;
  store: RegistryStore;
  /** PyPI trusted publishing: what a password is, as a token minted by `/_/oidc/mint-token`. */
  mintedToken(password: string): "valid" | "expired" | "unknown";
}

export interface AnswerContext {
  accept: string | undefined;
  url: string;
}

export type SimpleRoute = {
  repository: Repository;
  /** What follows the simple root: "" for the root page, else `<name>` or `<name>/`. */
  rest: string;
};

export interface PersonalityBehaviour {
  /** The repositories of this server; the first is the one `uploadUrl` and `simpleUrl` name. */
  repositories(options: RegistryOptions): Repository[];
  /** Which repository a POST path uploads to, or the answer for a path that is not an upload URL. */
  routeUpload(pathname: string, state: RegistryState, context: AnswerContext): Repository | Answer;
  /** Answers for other methods on known paths (e.g. PyPI's 405 for a GET on `/legacy/`). */
  routeOther?(method: string, pathname: string, context: AnswerContext): Answer | undefined;
  /** Which simple index a GET path reads, if any. */
  routeSimple(pathname: string, state: RegistryState): SimpleRoute | undefined;
  /** Authentication, validation and duplicate rules of an upload, in the registry's order. */
  decideUpload(request: UploadRequest, state: RegistryState): UploadDecision;
  /** Authentication for reading the index and files; undefined means allowed. */
  authorizeRead?(
    repository: Repository,
    credentials: Credentials | undefined,
    state: RegistryState,
  ): Answer | undefined;
  /** A generic error (411, malformed body, unknown path) in the house style. */
  error(status: number, message: string, context: AnswerContext): Answer;
  /** The simple page of a project the repository does not hold. */
  projectNotFound(project: string, context: AnswerContext): Answer;
  /** Where a stored file is downloaded from (a path on this server). */
  downloadPath(repository: Repository, file: StoredFile): string;
  /** The link a simple page carries for a file: absolute by default, relative for pypiserver. */
  simpleLink?(origin: string, repository: Repository, file: StoredFile): string;
  /** PyPI and pypiserver send 301s to the normalized name with a trailing slash. */
  redirectsToCanonicalSimplePath: boolean;
}

/** Matches `base` with or without its trailing slash, and what follows it. */
export function matchSimplePath(pathname: string, repository: Repository): SimpleRoute | undefined {
  const base = repository.simplePath.endsWith("/")
    ? repository.simplePath
    : `${repository.simplePath}/`;
  if (pathname === base || pathname === base.slice(0, -1)) return { repository, rest: "" };
  if (pathname.startsWith(base)) return { repository, rest: pathname.slice(base.length) };
  return undefined;
}

/**
 * Project name and version of an upload: the `name` and `version` fields, or what the file name
 * says when they are missing (pypiserver, Nexus and Artifactory read the file, not the form).
 */
export function nameAndVersion(form: UploadForm): { name: string; version: string } {
  const parsed = form.file ? parseDistFilename(form.file.filename) : undefined;
  return {
    name: firstField(form.fields, "name") || parsed?.name || "",
    version: firstField(form.fields, "version") || parsed?.version || "",
  };
}

// GitLab's rules for credentials (../shared/registries.md; lib/api/pypi_packages.rb): the CI job
// token is only accepted with the username `gitlab-ci-token`; deploy tokens with their own
// username; personal/project access tokens with any username. A job token is never sent to a
// host other than the GitLab instance that issued it.
import { type GitLabFacts, idTokenVariable } from "../ci/gitlab.ts";
import { CredentialsError } from "../errors.ts";
import type { ExplicitCredentials } from "../request.ts";
import type { IdTokenProvider } from "./oidc.ts";

export const JOB_TOKEN_USERNAME = "gitlab-ci-token";

/** GitLab job tokens carry the `glcbt-` prefix since GitLab 16.x; older ones equal CI_JOB_TOKEN. */
export function looksLikeJobToken(password: string, gitlab: GitLabFacts | undefined): boolean {
  return password === gitlab?.jobToken || password.startsWith("glcbt-");
}

export type GitLabCredentials =
  | { kind: "explicit"; username: string; password: string; notice?: string }
  | { kind: "deploy-token"; username: string; password: string }
  | { kind: "job-token"; username: string; password: string };

/**
 * Credentials for an upload to a GitLab registry at `target`, in the order: explicit ones (with
 * the username fixed for a job token), the deploy token, the job token.
 */
export function gitlabCredentials(
  explicit: ExplicitCredentials,
  gitlab: GitLabFacts | undefined,
  target: URL,
): GitLabCredentials | undefined {
  const sameHost = gitlab !== undefined && target.host === gitlab.serverUrl.host;
  if (explicit.password) {
    const username = explicit.username ?? "__token__";
    if (looksLikeJobToken(explicit.password, gitlab) && username !== JOB_TOKEN_USERNAME) {
      return {
        kind: "explicit",
        username: JOB_TOKEN_USERNAME,
        password: explicit.password,
        notice: `the password is a GitLab CI job token, which GitLab accepts only with the username ${JOB_TOKEN_USERNAME} (not '${username}'): using ${JOB_TOKEN_USERNAME}`,
      };
    }
    return { kind: "explicit", username, password: explicit.password };
  }
  if (!sameHost) return undefined;
  if (gitlab.deployToken) return { kind: "deploy-token", ...gitlab.deployToken };
  if (gitlab.jobToken) {
    return { kind: "job-token", username: JOB_TOKEN_USERNAME, password: gitlab.jobToken };
  }
  return undefined;
}

/** Refuses to send GitLab's job token anywhere but the instance that issued it. */
export function guardJobToken(
  password: string | undefined,
  gitlab: GitLabFacts | undefined,
  target: URL,
) {
  if (!password || !gitlab?.jobToken || password !== gitlab.jobToken) return;
  if (target.host !== gitlab.serverUrl.host) {
    throw new CredentialsError(
      `refusing to send the GitLab CI job token to ${target.host}: it is only ever sent to ${gitlab.serverUrl.host}, the instance that issued it`,
      "use a token issued by the target registry (for PyPI, trusted publishing with id_tokens, or an API token)",
      2,
    );
  }
}

/** GitLab's ID tokens come from the job's `id_tokens:` block, one variable per audience. */
export function gitlabIdTokenProvider(gitlab: GitLabFacts): IdTokenProvider {
  return async (audience) => {
    const variable = idTokenVariable(audience);
    const token = gitlab.idTokens[variable];
    if (token) return token;
    throw new CredentialsError(
      `no ID token for audience '${audience}' in this GitLab job (the variable ${variable} is not set)`,
      `add to the publishing job:\n  id_tokens:\n    ${variable}:\n      aud: ${audience}`,
      2,
    );
  };
}

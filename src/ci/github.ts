// What the GitHub Actions environment says (pure: env -> facts).
import { readFileSync } from "node:fs";

export interface GitHubFacts {
  /** Both are set only when the job has `permissions: id-token: write`. */
  idTokenRequest: { url: string; token: string } | undefined;
  eventName: string | undefined;
  repository: string | undefined;
  /** A pull request whose head is another repository: GitHub gives it no OIDC token. */
  fromFork: boolean;
}

type Env = Record<string, string | undefined>;

export function readGitHubFacts(env: Env, readEvent = readEventFile): GitHubFacts | undefined {
  if (env.GITHUB_ACTIONS !== "true") return undefined;
  const url = env.ACTIONS_ID_TOKEN_REQUEST_URL;
  const token = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  const eventName = env.GITHUB_EVENT_NAME;
  let fromFork = false;
  if (eventName?.startsWith("pull_request") && env.GITHUB_EVENT_PATH) {
    const event = readEvent(env.GITHUB_EVENT_PATH) as {
      pull_request?: {
        head?: { repo?: { full_name?: string } };
        base?: { repo?: { full_name?: string } };
      };
    };
    const head = event.pull_request?.head?.repo?.full_name;
    const base = event.pull_request?.base?.repo?.full_name;
    fromFork = head !== undefined && base !== undefined && head !== base;
  }
  return {
    idTokenRequest: url && token ? { url, token } : undefined,
    eventName,
    repository: env.GITHUB_REPOSITORY,
    fromFork,
  };
}

function readEventFile(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return {};
  }
}

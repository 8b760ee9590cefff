// For each personality of the test registry: credentials it accepts, fresh per call, and every
// form in which they could leak (the secret itself, its base64, the whole Authorization header).
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import type { Personality, RegistryOptions } from "../registry/types.ts";

export const PERSONALITIES: readonly Personality[] = [
  "pypi",
  "gitlab",
  "pypiserver",
  "gitea",
  "nexus",
  "artifactory",
];

export interface RegistryLogin {
  /** Registry options that make it accept exactly these credentials. */
  options: Omit<RegistryOptions, "personality">;
  /** The environment that hands them to pypush (never argv: other processes can read that). */
  env: Record<string, string>;
  username: string;
  password: string;
}

/**
 * Credentials the personality accepts: PyPI an API token (username `__token__`), GitLab the CI job
 * token with username `gitlab-ci-token`, the others a listed user.
 */
export function loginFor(personality: Personality): RegistryLogin {
  // Never a leading "-": parseArgs would take `-p -xyz` for an option.
  const secret = `s${randomBytes(18).toString("base64url")}`;
  switch (personality) {
    case "pypi": {
      const token = `pypi-${secret}`;
      return {
        options: {},
        env: { PYPUSH_TOKEN: token },
        username: "__token__",
        password: token,
      };
    }
    case "gitlab":
      return {
        options: { gitlab: { projectId: "42", projectPath: "group/project", jobToken: secret } },
        env: { PYPUSH_USERNAME: "gitlab-ci-token", PYPUSH_PASSWORD: secret },
        username: "gitlab-ci-token",
        password: secret,
      };
    default: {
      // "ci-bot:" is 7 bytes: base64("ci-bot:" + password) does not contain base64(password), so
      // redacting the password's base64 alone cannot hide the Authorization header by accident.
      const username = "ci-bot";
      return {
        options: { users: [{ username, password: secret }] },
        env: { PYPUSH_USERNAME: username, PYPUSH_PASSWORD: secret },
        username,
        password: secret,
      };
    }
  }
}

/** Every spelling of a credential that must never be printed or written. */
export function secretForms(username: string, password: string): string[] {
  const basic = Buffer.from(`${username}:${password}`).toString("base64");
  return [
    password,
    encodeURIComponent(password),
    Buffer.from(password).toString("base64"),
    Buffer.from(password).toString("base64url"),
    basic,
    `Basic ${basic}`,
  ];
}

/** Fails naming where a secret showed up; `where` says which output it was. */
export function assertNoSecret(text: string, forms: readonly string[], where: string): void {
  for (const form of forms) {
    assert.ok(!text.includes(form), `a secret (${form.slice(0, 6)}…) appears in ${where}`);
  }
}

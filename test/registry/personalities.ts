// The registry softwares the test registry can imitate.

import { artifactory } from "./personalities/artifactory.ts";
import { gitea } from "./personalities/gitea.ts";
import { gitlab } from "./personalities/gitlab.ts";
import { nexus } from "./personalities/nexus.ts";
import { pypi } from "./personalities/pypi.ts";
import { pypiserver } from "./personalities/pypiserver.ts";
import type { PersonalityBehaviour } from "./personality.ts";
import type { Personality } from "./types.ts";

export const PERSONALITIES: Record<Personality, PersonalityBehaviour> = {
  pypi,
  gitlab,
  pypiserver,
  gitea,
  nexus,
  artifactory,
};

export function isPersonality(name: string): name is Personality {
  return Object.hasOwn(PERSONALITIES, name);
}

// Runs the test registry by hand (demo script, benchmarks):
//   node --import tsx test/registry/main.ts --personality pypi [--port N] [--discard-content]
//        [--latency-ms N] [--user name:password]
// Prints the upload URL on the first line of stdout, then serves until SIGINT or SIGTERM.
import { parseArgs } from "node:util";
import { isPersonality } from "./personalities.ts";
import { startRegistry } from "./server.ts";
import type { Credentials, RegistryOptions } from "./types.ts";

function usage(message: string): never {
  process.stderr.write(
    `${message}\nusage: main.ts --personality pypi|gitlab|pypiserver|gitea|nexus|artifactory ` +
      "[--port N] [--discard-content] [--latency-ms N] [--user name:password]...\n",
  );
  process.exit(2);
}

function parseUser(value: string): Credentials {
  const colon = value.indexOf(":");
  if (colon <= 0) usage(`--user wants name:password, got ${JSON.stringify(value)}`);
  return { username: value.slice(0, colon), password: value.slice(colon + 1) };
}

function parseNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) usage(`${flag} wants a whole number, got ${value}`);
  return number;
}

const { values } = parseArgs({
  options: {
    personality: { type: "string" },
    port: { type: "string" },
    "discard-content": { type: "boolean" },
    "latency-ms": { type: "string" },
    user: { type: "string", multiple: true },
  },
});
const personality = values.personality ?? "pypi";
if (!isPersonality(personality)) usage(`unknown personality: ${personality}`);
const port = parseNumber("--port", values.port);
const latencyMs = parseNumber("--latency-ms", values["latency-ms"]);
const options: RegistryOptions = {
  personality,
  ...(port === undefined ? {} : { port }),
  ...(latencyMs === undefined ? {} : { latencyMs }),
  ...(values["discard-content"] ? { discardContent: true } : {}),
  ...(values.user ? { users: values.user.map(parseUser) } : {}),
};

const registry = await startRegistry(options);
// The registry's listening socket does not hold the process (see server.ts); this timer does.
const keepAlive = setInterval(() => {}, 1 << 30);
const stop = async () => {
  clearInterval(keepAlive);
  await registry.close();
  process.exit(0);
};
// Before printing: whoever reads the URL may signal at once (writes to a pipe are synchronous).
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
process.stdout.write(`${registry.uploadUrl}\n`);
process.stderr.write(`${personality} test registry; simple index at ${registry.simpleUrl}\n`);

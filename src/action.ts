// The GitHub Action: inputs -> publish -> outputs, summary. `run` is called by action-main.ts (the
// bundle entry, dist/action.js) and by @github/local-action, which calls a logic entry's run().
import { basename } from "node:path";
import * as core from "@actions/core";
import { readActionInputs } from "./action-inputs.ts";
import { readGitHubFacts } from "./ci/github.ts";
import { CredentialsError, InvalidDistributionsError, UsageError } from "./errors.ts";
import { publish } from "./publish.ts";
import { createLogEvents, summaryLine, summaryTable } from "./report.ts";
import { Secrets } from "./secrets.ts";

export async function run(): Promise<void> {
  // Mask the password before anything else can print it.
  core.setSecret(core.getInput("password"));
  const secrets = new Secrets((value) => core.setSecret(value));
  const redact = (text: string) => secrets.redact(text);
  try {
    const { request } = readActionInputs((name) => core.getInput(name), process.env);
    secrets.add(request.credentials.password);
    const events = createLogEvents((line) => core.info(redact(line)), request);
    const report = await publish(request, {
      events,
      secrets,
      github: readGitHubFacts(process.env),
      gitlab: undefined,
      idTokens: (audience) => core.getIDToken(audience),
    });
    const names = (outcome: string) =>
      report.files.filter((file) => file.outcome === outcome).map((file) => file.filename);
    core.setOutput("uploaded", JSON.stringify(names("uploaded")));
    core.setOutput("skipped", JSON.stringify(names("skipped")));
    core.setOutput("report", redact(JSON.stringify(report)));
    const releaseUrl = report.files.find((file) => file.url)?.url;
    if (releaseUrl) core.setOutput("release-url", releaseUrl);
    for (const file of report.files.filter((item) => item.outcome === "failed")) {
      core.error(redact(`${file.message ?? "failed"}${file.hint ? `\nhint: ${file.hint}` : ""}`), {
        title: file.filename,
      });
    }
    core.info(summaryLine(report));
    if (process.env.GITHUB_STEP_SUMMARY) {
      await core.summary
        .addHeading("pypush", 3)
        .addRaw(redact(summaryLine(report)), true)
        .addTable(summaryTable(report).map((row) => row.map(redact)))
        .write();
    }
    if (names("failed").length > 0)
      core.setFailed(`${names("failed").length} file(s) failed to upload`);
  } catch (error) {
    if (error instanceof InvalidDistributionsError) {
      for (const problem of error.problems) {
        core.error(redact(problem.message), { title: basename(problem.file) });
      }
      core.setFailed(redact(error.message));
    } else if (error instanceof UsageError || error instanceof CredentialsError) {
      core.setFailed(redact(`${error.message}${error.hint ? `\nhint: ${error.hint}` : ""}`));
    } else {
      core.setFailed(
        redact(error instanceof Error ? (error.stack ?? error.message) : String(error)),
      );
    }
  }
}

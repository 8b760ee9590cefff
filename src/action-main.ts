// The action's bundle entry (dist/action.js, runs.main in action.yml).
import { run } from "./action.ts";

await run();

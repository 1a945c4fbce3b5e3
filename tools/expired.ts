/**
 * `npm run expired [-- --today YYYY-MM-DD] [--dir <path>] [--help]`: lists the local trial stacks
 * (Pulumi.<stack>.yaml) whose expiresOn has passed and prints the commands that tear each down.
 * Destroys nothing. Exit 0 whatever it finds; 1 when a stack file cannot be read or parsed; 2 on
 * bad arguments.
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { parse } from "yaml";
import { findExpired, isCalendarDate, renderReport, stackNameFromFile, type StackFile } from "./lib/expiry";

const USAGE = [
  "usage: npm run expired -- [--today YYYY-MM-DD] [--dir <folder with Pulumi.<stack>.yaml files>]",
  "Lists the stacks whose expiresOn date has passed and prints the commands that tear each down.",
  "It destroys nothing. --today defaults to today's date in UTC; --dir to the project folder.",
].join("\n");

function usage(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

let values: { today?: string; dir?: string; help?: boolean };
try {
  ({ values } = parseArgs({ options: { today: { type: "string" }, dir: { type: "string" }, help: { type: "boolean", short: "h" } }, strict: true }));
} catch (e) {
  usage((e as Error).message);
}
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
// UTC: expiresOn carries no time zone, and a trial should not end earlier for users east of UTC.
const today = values.today ?? new Date().toISOString().slice(0, 10);
if (!isCalendarDate(today)) usage(`--today ${JSON.stringify(today)}: allowed: a calendar date YYYY-MM-DD`);
const dir = path.resolve(values.dir ?? path.join(__dirname, ".."));

const files: StackFile[] = [];
const unreadable: string[] = [];
let names: string[] = [];
try {
  names = readdirSync(dir).sort();
} catch (e) {
  unreadable.push(`${dir}: ${(e as Error).message}`);
}
for (const file of names) {
  const stack = stackNameFromFile(file);
  if (stack === undefined) continue;
  try {
    const doc: unknown = parse(readFileSync(path.join(dir, file), "utf8"));
    const config = typeof doc === "object" && doc !== null ? (doc as { config?: unknown }).config : undefined;
    files.push({ stack, config: typeof config === "object" && config !== null ? (config as Record<string, unknown>) : {} });
  } catch (e) {
    unreadable.push(`${file}: ${(e as Error).message}`);
  }
}

const report = findExpired(files, today);
process.stdout.write(renderReport(report, today));
for (const p of [...report.problems, ...unreadable]) process.stderr.write(`warning: ${p}\n`);
process.exitCode = unreadable.length > 0 ? 1 : 0;

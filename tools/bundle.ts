/**
 * `npm run bundle -- --stack <s> --device <id> [--outputs <file.json>] [--out <folder>]`: writes a
 * physical device's DPS provisioning bundle (config.toml and its credentials) into
 * out/<stack>/devices/<id>/, every file mode 0600. Reads the stack's outputs from --outputs (the
 * JSON of `pulumi stack output --json --show-secrets`) or by running that command. Prints file
 * paths only, never a secret. Exit 1 on any error, 2 on bad arguments.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { BundleError, bundleFiles, installHint, readDpsOutputs, writeBundle } from "./lib/bundle";

function usage(message: string): never {
  process.stderr.write(`${message}\nusage: npm run bundle -- --stack <stack> --device <device id> [--outputs <outputs.json>] [--out <folder>]\n`);
  process.exit(2);
}

let values: { stack?: string; device?: string; outputs?: string; out?: string };
try {
  ({ values } = parseArgs({ options: { stack: { type: "string" }, device: { type: "string" }, outputs: { type: "string" }, out: { type: "string" } }, strict: true }));
} catch (e) {
  usage((e as Error).message);
}
if (!values.stack || !/^[a-z][a-z0-9]{1,11}$/.test(values.stack)) usage("--stack: allowed: a stack name (2-12 lower-case letters and digits)");
if (!values.device) usage("--device: required");
const stack = values.stack;
const device = values.device;

function readOutputs(): unknown {
  if (values.outputs) return JSON.parse(readFileSync(values.outputs, "utf8"));
  const r = spawnSync("pulumi", ["stack", "output", "--json", "--show-secrets", "--stack", stack], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw new BundleError(`could not run the pulumi CLI (${r.error.message}); pass --outputs <file> with the JSON of pulumi stack output --json --show-secrets`);
  // Its stderr names the problem (no stack, not logged in); stdout, which holds secrets, is never printed.
  if (r.status !== 0) throw new BundleError(`pulumi stack output failed: ${r.stderr.trim().split("\n")[0] ?? ""}`);
  return JSON.parse(r.stdout);
}

try {
  const dps = readDpsOutputs(readOutputs(), stack, device);
  const files = bundleFiles(dps, device);
  const dir = writeBundle(path.resolve(values.out ?? path.join(__dirname, "..", "out")), stack, device, files);
  process.stdout.write(installHint(dir, files));
} catch (e) {
  // JSON.parse errors quote the input text, which may hold secrets: name the kind only.
  const message = e instanceof BundleError ? e.message : e instanceof SyntaxError ? "the outputs are not valid JSON" : `unexpected error (${(e as Error).name})`;
  process.stderr.write(`bundle: ${message}\n`);
  process.exitCode = 1;
}

// `npm test`: the type check, lint and every test, run side by side so a 2-core machine is kept
// busy (each alone is mostly single-threaded). The test runner's output streams as it comes;
// the type check and lint print one line each (and their output if they fail); any failure
// makes the exit code non-zero.
import { spawn } from "node:child_process";
import { availableParallelism } from "node:os";
import { readdirSync, statSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => join(root, "node_modules", ".bin", name);

function testFiles(dir) {
  return readdirSync(join(root, dir)).sort().flatMap((name) => {
    const rel = join(dir, name);
    if (statSync(join(root, rel)).isDirectory()) return name === "schemas" || name === "__snapshots__" ? [] : testFiles(rel);
    return name.endsWith(".test.ts") ? [rel] : [];
  });
}

function run(label, command, args, { quiet }) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: quiet ? ["ignore", "pipe", "pipe"] : "inherit" });
    let output = "";
    if (quiet) {
      child.stdout.on("data", (d) => (output += d));
      child.stderr.on("data", (d) => (output += d));
    }
    child.on("close", (code) => resolve({ label, code: code ?? 1, output }));
  });
}

const concurrency = Math.max(2, availableParallelism());
// Each check reports as soon as it ends (normally well before the tests), so the test runner's
// summary stays the last thing printed.
const report = (r) => {
  process.stdout.write(`${r.label}: ${r.code === 0 ? "ok" : `failed (exit ${r.code})`}\n${r.code === 0 ? "" : r.output}`);
  return r;
};
const checks = [
  run("typecheck (tsc --noEmit)", bin("tsc"), ["--noEmit", "-p", "tsconfig.json"], { quiet: true }).then(report),
  run("lint (eslint .)", bin("eslint"), ["."], { quiet: true }).then(report),
];
const tests = await run("tests", process.execPath, ["--import", "tsx", "--test", `--test-concurrency=${concurrency}`, "--test-reporter=spec", ...testFiles("test")], { quiet: false });
const results = [...(await Promise.all(checks)), tests];
process.exitCode = results.some((r) => r.code !== 0) ? 1 : 0;

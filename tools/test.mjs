// `npm test`: the type check, lint and every test, side by side so a 2-core machine is kept busy.
//
// The tests run as JavaScript transpiled by esbuild into .test-build/ (a TypeScript loader in
// every test process doubles the time to load @pulumi/pulumi); `tsc` type-checks the sources.
// Test files share processes (node --test --test-isolation=none), so the SDK is loaded, and each
// distinct stack declared (test/helpers/stacks.ts, in a worker thread), once per process rather
// than once per file: the files that declare stacks share one process, the other files a second.
// A file whose doc comment says it "runs in a process of its own" does, as Node's test runner
// does by default.
//
// At most one job per core runs at a time (the longest first): with all five started at once on
// 2 cores, the same work took about 6 % more CPU time and npm test about 6 s longer. The files of
// their own processes start at once besides: the fleet-scale file mostly waits out its rate limit.
//
// Arguments, if any, are test files (test/x/y.test.ts) to run instead of all of them.
// Each group's output is printed whole when it ends; any failure makes the exit code non-zero.
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { root, transpile } from "./transpile.mjs";

const OUT = join(root, ".test-build");
const started = Date.now();
const bin = (name) => join(root, "node_modules", ".bin", name);

function testFiles(dir) {
  return readdirSync(join(root, dir)).sort().flatMap((name) => {
    const rel = join(dir, name);
    if (statSync(join(root, rel)).isDirectory()) return name === "schemas" || name === "__snapshots__" || name === "fixtures" ? [] : testFiles(rel);
    return name.endsWith(".test.ts") ? [rel] : [];
  });
}

function run(label, command, args) {
  return new Promise((resolve) => {
    const from = Date.now();
    const child = spawn(command, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("close", (code) => resolve({ label, code: code ?? 1, output, from: (from - started) / 1000, seconds: (Date.now() - from) / 1000 }));
  });
}

const report = (r, { always }) => {
  const head = `${r.label}: ${r.code === 0 ? "ok" : `failed (exit ${r.code})`} in ${r.seconds.toFixed(1)} s (started at ${r.from.toFixed(1)} s)\n`;
  process.stdout.write(always || r.code !== 0 ? `${r.output}${head}` : head);
  return r;
};

const files = process.argv.length > 2 ? process.argv.slice(2) : testFiles("test");
const source = (file) => readFileSync(join(root, file), "utf8");
const ownProcess = (file) => /runs in a process of its own/i.test(source(file));
const declaresStacks = (file) => /\bdeclare(Stack|StackFresh|Shared|UnderMocks)\(/.test(source(file));
const compiled = (list) => list.map((f) => join(OUT, f.replace(/\.ts$/, ".js")));

// One slot per core; a job waits for a free slot, and the jobs are queued longest first.
const slots = { free: Math.max(1, availableParallelism()), waiting: [] };
async function inSlot(label, command, args) {
  if (slots.free > 0) slots.free--;
  else await new Promise((resolve) => slots.waiting.push(resolve));
  try {
    return await run(label, command, args);
  } finally {
    const next = slots.waiting.shift();
    if (next) next();
    else slots.free++;
  }
}

await transpile(OUT, ["components", "lib", "tools", "test", "policy"]);

// One process for the stack files, so each distinct stack is declared once in all: split in two,
// 8 of 52 distinct stacks were declared in both, the SDK loaded twice more, and npm test took
// about 6 s longer.
const shared = [files.filter((f) => !ownProcess(f) && declaresStacks(f)), files.filter((f) => !ownProcess(f) && !declaresStacks(f))];
const own = files.filter(ownProcess);
const testRun = (list, extra) => [process.execPath, ["--test", "--test-reporter=spec", ...extra, ...compiled(list.sort())]];
// Queued longest first: the other files (about 42 CPU-seconds alone), the stack files (20), the
// type check (11) and lint (7); on 2 cores the first runs alone in one slot and the rest follow
// each other in the second.
const tests = [
  ...(own.length > 0 ? [run(`tests, a process each (${own.length} files)`, ...testRun(own, []))] : []),
  ...shared.map((g, i) => [g, i]).filter(([g]) => g.length > 0).reverse()
    .map(([g, i]) => inSlot(`tests, shared process ${i + 1} (${g.length} files)`, ...testRun(g, ["--test-isolation=none"]))),
].map((p) => p.then((r) => report(r, { always: true })));
const checks = process.argv.length > 2 ? [] : [
  inSlot("typecheck (tsc --noEmit)", bin("tsc"), ["--noEmit", "-p", "tsconfig.json"]).then((r) => report(r, { always: false })),
  inSlot("lint (eslint .)", bin("eslint"), ["."]).then((r) => report(r, { always: false })),
];
const testResults = await Promise.all(tests);
const results = [...(await Promise.all(checks)), ...testResults];
const count = (what) => testResults.reduce((n, r) => n + Number(new RegExp(`^ℹ ${what} (\\d+)$`, "m").exec(r.output)?.[1] ?? 0), 0);
process.stdout.write(`all tests: ${count("tests")}, passed ${count("pass")}, failed ${count("fail")}, skipped ${count("skipped")}; ${((Date.now() - started) / 1000).toFixed(1)} s in all\n`);
process.exitCode = results.some((r) => r.code !== 0) ? 1 : 0;

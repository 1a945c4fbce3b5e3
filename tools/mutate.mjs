// `npm run mutate [-- group ...]`: mutation testing with StrykerJS over the product's modules,
// one module group at a time, each against the test files that exercise it. Not part of CI.
//
// Stryker copies the repository to a sandbox, plants one mutant at a time, transpiles the
// sources and tests there with esbuild (tools/transpile.mjs) and runs each test file as its own
// Node process (the tap runner), only the files whose run reached the mutant. Runs are
// incremental (out/mutation/<group>/incremental.json): a second run re-tests only the mutants of
// changed code or changed tests. Reports: out/mutation/<group>/index.html and report.json, and
// out/mutation/summary.md with the score of each group. Equivalent mutants (no observable
// difference) are listed with the reason in docs/mutation-equivalents.md.
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { root } from "./transpile.mjs";

/** Each group: the modules it mutates and the test files that exercise them (sources). */
export const GROUPS = {
  "config-naming": {
    mutate: ["lib/config/config.ts", "lib/config/naming.ts"],
    tests: ["test/config/config.test.ts", "test/config/naming.test.ts", "test/config/hints.test.ts", "test/config/dayTwo.test.ts", "test/config/agentModes.test.ts", "test/config/intervals.test.ts"],
  },
  "network-rules": {
    mutate: ["lib/network/nsgRules.ts", "lib/network/cidr.ts", "lib/network/bastion.ts"],
    tests: ["test/network/nsgRules.test.ts", "test/network/bastion.test.ts", "test/network/connect.test.ts"],
  },
  "edge-content": {
    mutate: ["lib/edge/cloudinit.ts", "lib/edge/manifest.ts", "lib/edge/routes.ts"],
    tests: ["test/edge/cloudinit.test.ts", "test/edge/manifest.test.ts", "test/edge/routes.test.ts"],
  },
  "data-plane": {
    mutate: ["lib/iothub/client.ts", "lib/iothub/providers.ts"],
    tests: ["test/iothub/client.test.ts", "test/iothub/providers.test.ts"],
  },
  "alert-queries": {
    mutate: ["lib/monitoring/alertQueries.ts"],
    tests: ["test/monitoring/alerts.test.ts", "test/monitoring/sshPatterns.test.ts", "test/monitoring/kql.test.ts"],
  },
  "cost-budget": {
    mutate: ["lib/plan/cost.ts", "lib/plan/budget.ts", "lib/plan/prices.ts", "lib/plan/ingestion.ts"],
    tests: ["test/plan/cost.test.ts", "test/plan/budget.test.ts", "test/plan/ingestion.test.ts"],
  },
  "policy-rules": {
    mutate: ["policy/rules.ts", "policy/policies.ts"],
    tests: ["test/policy/rules.test.ts", "test/policy/policies.test.ts", "test/policy/policy.test.ts"],
  },
};

const OUT = join(root, "out", "mutation");
const asBuilt = (file) => join(".test-build", file.replace(/\.ts$/, ".js"));

function stryker(configFile) {
  return new Promise((resolve) => {
    // Stryker sees which tests reach a mutant only in the test's own thread, so the test helpers
    // declare stacks there rather than in their worker thread (test/helpers/stacks.ts).
    const env = { ...process.env, DECLARE_STACKS_IN_THREAD: "1" };
    const child = spawn(process.execPath, [join(root, "node_modules", "@stryker-mutator", "core", "bin", "stryker.js"), "run", configFile], { cwd: root, stdio: "inherit", env });
    child.on("close", (code) => resolve(code ?? 1));
  });
}

/** Score as Stryker defines it: detected (killed + timeout) over valid mutants (no compile or runtime errors). */
function score(reportFile) {
  const report = JSON.parse(readFileSync(reportFile, "utf8"));
  const counts = {};
  for (const file of Object.values(report.files)) for (const m of file.mutants) counts[m.status] = (counts[m.status] ?? 0) + 1;
  const detected = (counts.Killed ?? 0) + (counts.Timeout ?? 0);
  const valid = detected + (counts.Survived ?? 0) + (counts.NoCoverage ?? 0);
  return { counts, detected, valid, score: valid === 0 ? 100 : (100 * detected) / valid };
}

const wanted = process.argv.slice(2);
for (const name of wanted) if (!(name in GROUPS)) throw new Error(`unknown group ${name}; groups: ${Object.keys(GROUPS).join(", ")}`);
const rows = [];
for (const [name, group] of Object.entries(GROUPS)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  const dir = join(OUT, name);
  mkdirSync(dir, { recursive: true });
  const config = {
    $schema: "../../../node_modules/@stryker-mutator/core/schema/stryker-schema.json",
    packageManager: "npm",
    mutate: group.mutate,
    testRunner: "tap",
    tap: { testFiles: group.tests.map(asBuilt), nodeArgs: ["--test-reporter=tap"] },
    buildCommand: "node tools/transpile.mjs .test-build components lib tools test policy",
    coverageAnalysis: "perTest",
    concurrency: 2,
    timeoutMS: 20000,
    incremental: true,
    incrementalFile: join(dir, "incremental.json"),
    ignorePatterns: ["out", "build", ".test-build", ".stryker-tmp", ".git"],
    tempDirName: join(".stryker-tmp", name),
    cleanTempDir: "always",
    reporters: ["html", "json", "clear-text", "progress"],
    htmlReporter: { fileName: join(dir, "index.html") },
    jsonReporter: { fileName: join(dir, "report.json") },
    thresholds: { high: 90, low: 80, break: null },
    plugins: ["@stryker-mutator/tap-runner"],
  };
  const configFile = join(dir, "stryker.config.json");
  writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`);
  const started = Date.now();
  const code = await stryker(configFile);
  const seconds = (Date.now() - started) / 1000;
  if (code !== 0) {
    rows.push(`| ${name} | failed (exit ${code}) | | | ${seconds.toFixed(0)} s |`);
    continue;
  }
  const s = score(join(dir, "report.json"));
  rows.push(`| ${name} | ${s.score.toFixed(1)} % | ${s.detected} / ${s.valid} | ${s.counts.Survived ?? 0} survived, ${s.counts.NoCoverage ?? 0} not covered | ${seconds.toFixed(0)} s |`);
}
const summary = ["| group | score | detected / valid | undetected | time |", "| --- | ---: | ---: | --- | ---: |", ...rows].join("\n");
writeFileSync(join(OUT, "summary.md"), `${summary}\n`);
console.log(`\n${summary}`);

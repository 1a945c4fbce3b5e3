/**
 * The Pulumi CLI runs `main` from package.json through ts-node, registered with the project's
 * tsconfig.json, and type-checks it (unless PULUMI_NODEJS_TRANSPILE_ONLY is set). This loads the
 * program that way (under the mock engine, so nothing is deployed) to prove `pulumi up` can
 * compile and start it.
 *
 * ts-node runs transpile-only here, and the type check is the one `npm test` runs anyway,
 * `tsc --noEmit -p tsconfig.json` (type-checking twice parsed azure-native's 600,000 lines of type
 * definitions twice: about 10 CPU-seconds). That is the same check ts-node would make, because
 * the tests below pin what makes it so: ts-node's compiler options differ from tsc's only in how
 * it emits, every file it compiles is one tsc checks, and no file declares globals or ambient
 * modules, so the files tsc checks besides cannot change the types of those ts-node compiles.
 */
import { describe, before, test } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { repoRoot } from "../helpers/validators";

test("package.json points Pulumi at index.ts and Pulumi.yaml selects the Node.js runtime with TypeScript", () => {
  const pkg = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { main: string };
  assert.equal(pkg.main, "index.ts");
  const project = parse(readFileSync(path.join(repoRoot, "Pulumi.yaml"), "utf8")) as { runtime: { name: string; options: { typescript: boolean } } };
  assert.deepEqual(project.runtime, { name: "nodejs", options: { typescript: true } });
});

describe("ts-node, as the Pulumi CLI registers it", () => {
  // `tsc` is tsconfig.json as `tsc --noEmit -p tsconfig.json` reads it (ts.getParsedCommandLineOfConfigFile),
  // read in the child with the typescript package it has loaded anyway.
  let loaded: { resources: number; compiled: string[]; options: Record<string, unknown>; tsc: { options: Record<string, unknown>; fileNames: string[] } };
  before(() => {
    const r = spawnSync(process.execPath, [path.join(repoRoot, "test", "fixtures", "load-with-ts-node.cjs")], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    loaded = JSON.parse(r.stdout.trim().split("\n").pop() ?? "{}") as typeof loaded;
  });

  test("compiles index.ts and its imports, and the program declares the dev stack", () => {
    assert.ok(loaded.resources > 20, `declared ${loaded.resources} resources`);
    for (const f of ["index.ts", "components/edgeHost.ts", "lib/config/config.ts", "lib/plan/mockEngine.ts"]) assert.ok(loaded.compiled.includes(f), `ts-node compiled ${f}`);
  });

  test("its compiler options are tsc's, except the ones that only shape its output", () => {
    const tsc = loaded.tsc.options;
    const differing = [...new Set([...Object.keys(tsc), ...Object.keys(loaded.options)])]
      .filter((k) => JSON.stringify(tsc[k]) !== JSON.stringify(loaded.options[k]))
      .sort();
    assert.deepEqual(differing, ["declaration", "inlineSourceMap", "inlineSources", "noEmit", "outDir", "sourceMap"]);
    assert.equal(tsc.strict, true);
  });

  test("every file it compiles is one `tsc --noEmit -p tsconfig.json` checks", () => {
    const roots = new Set(loaded.tsc.fileNames);
    assert.ok(roots.has("index.ts") && roots.has("test/stack/pulumi-entry.test.ts"), "tsc's root files are the project's");
    assert.deepEqual(loaded.compiled.filter((f) => !roots.has(f)), []);
  });

  test("no file tsc checks declares globals or ambient modules, so the extra files in tsc's program change no type ts-node sees", () => {
    const ambient = /^\s*declare\s+(global\b|module\s+["']|namespace\s)/m;
    const offenders = loaded.tsc.fileNames.filter((f) => f.endsWith(".d.ts") || ambient.test(readFileSync(path.join(repoRoot, f), "utf8")));
    assert.deepEqual(offenders, []);
    // The pattern finds what it looks for.
    assert.ok(ambient.test('export {};\ndeclare global {\n  interface X { y: string }\n}\n'));
    assert.ok(ambient.test('declare module "@pulumi/azure-native/iothub" {\n}\n'));
  });
});

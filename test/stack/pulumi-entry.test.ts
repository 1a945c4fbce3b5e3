/**
 * The Pulumi CLI runs `main` from package.json through ts-node with type checking; this loads the
 * program that way (under the mock engine, so nothing is deployed) to prove `pulumi up` can
 * compile and start it.
 */
import { test } from "node:test";
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

test("ts-node, as the Pulumi CLI uses it, type-checks index.ts and the program declares the dev stack", { timeout: 180_000 }, () => {
  const r = spawnSync(process.execPath, [path.join(repoRoot, "test", "fixtures", "load-with-ts-node.cjs")], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const { resources } = JSON.parse(r.stdout.trim().split("\n").pop() ?? "{}") as { resources: number };
  assert.ok(resources > 20, `declared ${resources} resources`);
});

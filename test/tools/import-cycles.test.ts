import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { findCycles, importGraph, relativeImports, sourceFiles } from "../../tools/lib/importCycles";
import { repoRoot } from "../helpers/validators";

const PROJECT_DIRS = ["index.ts", "components", "lib", "policy", "tools", "test"];

test("the project's own modules import each other in no circle", () => {
  const files = sourceFiles(repoRoot, PROJECT_DIRS);
  assert.ok(files.includes("lib/config/config.ts") && files.includes("lib/plan/budget.ts"), "the walk found the lib modules");
  const graph = importGraph(repoRoot, files);
  assert.ok((graph.get("lib/config/config.ts") ?? []).includes("lib/plan/budget.ts"), "the graph resolves relative imports");
  assert.deepEqual(findCycles(graph), []);
});

test("a deliberately introduced cycle through a type-only import is reported with every file in it", () => {
  const root = mkdtempSync(path.join(tmpdir(), "cycle-"));
  mkdirSync(path.join(root, "lib", "a"), { recursive: true });
  mkdirSync(path.join(root, "lib", "b"), { recursive: true });
  writeFileSync(path.join(root, "lib", "a", "config.ts"), 'import { quota } from "../b/budget";\nexport const x = quota;\n');
  writeFileSync(path.join(root, "lib", "b", "budget.ts"), 'import type { Sku } from "./prices";\nexport const quota: Sku = "S1";\n');
  writeFileSync(path.join(root, "lib", "b", "prices.ts"), 'import type { X } from "../a/config";\nexport type Sku = "S1";\nexport type Y = X;\n');
  writeFileSync(path.join(root, "lib", "leaf.ts"), 'import { x } from "./a/config";\nexport const y = x;\n');
  const cycles = findCycles(importGraph(root, sourceFiles(root, ["lib"])));
  assert.deepEqual(cycles, [["lib/a/config.ts", "lib/b/budget.ts", "lib/b/prices.ts"]]);
});

test("a module that imports itself is a cycle; a chain is not", () => {
  assert.deepEqual(findCycles(new Map([["a.ts", ["a.ts"]]])), [["a.ts"]]);
  assert.deepEqual(findCycles(new Map([["a.ts", ["b.ts"]], ["b.ts", ["c.ts"]], ["c.ts", []]])), []);
});

test("relativeImports sees import, import type, export-from, dynamic import and require, and skips packages", () => {
  const src = [
    'import { a } from "./a";',
    'import type { B } from "../b";',
    'export * from "./c";',
    'const d = await import("./d");',
    'const e = require("./e");',
    'import * as pulumi from "@pulumi/pulumi";',
  ].join("\n");
  assert.deepEqual(relativeImports(src), ["./a", "../b", "./c", "./d", "./e"]);
});

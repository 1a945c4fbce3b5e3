/** The README is a user's document: the outputs it lists are the ones the program exports, and it stays short. */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { declareStack } from "../helpers/stacks";
import { repoRoot } from "../helpers/validators";

const readme = readFileSync(path.join(repoRoot, "README.md"), "utf8");

/** The backticked names in the README's "Outputs (`pulumi stack output`): ..." paragraph. */
function listedOutputs(): string[] {
  const paragraph = /^Outputs \(`pulumi stack output`\):([\s\S]*?)\n\n/m.exec(readme)?.[1];
  assert.ok(paragraph, "the README has an Outputs paragraph");
  return [...paragraph.replace(/\([^)]*\)/g, "").matchAll(/`([A-Za-z][A-Za-z0-9]*)`/g)].map((m) => m[1]).sort();
}

test("the outputs the README lists are exactly the outputs the dev stack declares (mock engine)", async () => {
  const declared = await declareStack("dev");
  assert.deepEqual(listedOutputs(), Object.keys(declared.outputs).sort());
});

test("the README stays a user's document of about 300 lines, and every docs/ link it makes exists", () => {
  const lines = readme.split("\n").length;
  assert.ok(lines <= 320, `README.md has ${lines} lines`);
  const links = [...readme.matchAll(/\]\((docs\/[^)#]+)/g)].map((m) => m[1]);
  assert.ok(links.length >= 5);
  for (const link of links) assert.ok(existsSync(path.join(repoRoot, link)), link);
});

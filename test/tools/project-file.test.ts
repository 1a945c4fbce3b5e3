import { test } from "node:test";
import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { CONFIG_SPEC } from "../../lib/config/config";
import { renderProjectFile, withConfigTable } from "../../tools/lib/projectFile";
import { repoRoot } from "../helpers/validators";
import { stackNames } from "../helpers/stackFiles";

const projectFile = readFileSync(path.join(repoRoot, "Pulumi.yaml"), "utf8");

test("Pulumi.yaml is what lib/config/config.ts generates (run `npm run gen:project` after editing CONFIG_SPEC)", () => {
  assert.equal(projectFile, renderProjectFile());
});

test("Pulumi.yaml declares every config key with a Pulumi type, default and description", () => {
  const doc = parse(projectFile) as { name: string; runtime: unknown; config: Record<string, { type: string; default: unknown; description: string; items?: unknown }> };
  assert.equal(doc.name, "secure-iot-edge");
  assert.deepEqual(Object.keys(doc.config).sort(), Object.keys(CONFIG_SPEC).sort());
  for (const [key, decl] of Object.entries(doc.config)) {
    assert.ok(["string", "integer", "boolean", "array"].includes(decl.type), `${key}: type ${decl.type}`);
    if (decl.type === "array") assert.deepEqual(decl.items, { type: "string" }, key);
    assert.ok("default" in decl, `${key} has a default`);
    assert.ok(decl.description.length > 10, `${key} has a description`);
    const jsType = { string: "string", integer: "number", boolean: "boolean", array: "object" }[decl.type];
    assert.equal(typeof decl.default, jsType, `${key}: default matches its type`);
  }
});

test("stack files only set keys that Pulumi.yaml declares", () => {
  for (const stack of stackNames()) {
    const doc = parse(readFileSync(path.join(repoRoot, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
    for (const key of Object.keys(doc.config)) {
      assert.ok(key.startsWith("secure-iot-edge:") && key.slice(16) in CONFIG_SPEC, `${stack}: ${key}`);
    }
  }
});

test("the README's config reference is what lib/config/config.ts generates (run `npm run gen:project`)", () => {
  const readme = readFileSync(path.join(repoRoot, "README.md"), "utf8");
  assert.equal(readme, withConfigTable(readme));
  for (const key of Object.keys(CONFIG_SPEC)) assert.ok(readme.includes(`| \`${key}\` |`), key);
});

test("the README opens with the install-and-plan and test commands, and CI runs exactly that test command", () => {
  const readme = readFileSync(path.join(repoRoot, "README.md"), "utf8");
  const firstBlock = /```bash\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
  const commands = firstBlock.split("\n").map((l) => l.replace(/#.*$/, "").trim()).filter(Boolean);
  assert.deepEqual(commands, ["npm ci && npm run plan -- --stack dev", "npm test"]);
  const ci = readFileSync(path.join(repoRoot, ".ci", "run"), "utf8").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
  assert.equal(ci[ci.length - 1], "npm test");
});

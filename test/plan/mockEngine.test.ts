import { test } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as pulumi from "@pulumi/pulumi";
import { declareUnderMocks } from "../../lib/plan/mockEngine";
import { nodeModuleCommand, repoRoot } from "../helpers/validators";

class Thing extends pulumi.CustomResource {
  constructor(name: string, props: pulumi.Inputs) {
    super("test:index:Thing", name, props);
  }
}

test("an input whose apply throws fails the declaration, naming the resource, as it fails a real pulumi up", () => {
  // In a child process: the SDK also leaves an unhandled rejection, which would fail this test file.
  const r = spawnSync(process.execPath, nodeModuleCommand("test/fixtures/failing-input.ts"), { cwd: repoRoot, encoding: "utf8" });
  assert.equal(r.stdout.trim(), "rejected: declared but never registered, because an input failed to resolve: test:index:Thing::thing", r.stderr);
});

test("control: the same resource with an input that resolves is declared", async () => {
  const program = () => {
    new Thing("thing", { value: pulumi.output("x").apply((v) => `${v}!`) });
    return {};
  };
  const declared = await declareUnderMocks(program, "dev", {});
  assert.deepEqual(declared.resources.filter((r) => r.type === "test:index:Thing").map((r) => r.inputs.value), ["x!"]);
});

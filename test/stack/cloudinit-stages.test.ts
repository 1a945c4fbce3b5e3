/**
 * Snapshot of the cloud-init each stage's edge VM receives, as the program declares it under the
 * Pulumi mock engine (its certificates and keys are the mock engine's fixed test values, masked
 * here). `UPDATE_SNAPSHOTS=1` rewrites the files; otherwise any byte difference fails.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { revealSecrets } from "../../lib/plan/mockEngine";
import { maskCloudInit } from "../../lib/plan/report";
import { declareStack, stackNames } from "../helpers/stacks";
import { repoRoot } from "../helpers/validators";

for (const stage of stackNames()) {
  test(`the ${stage} stack's VM gets the snapshotted cloud-init (mock engine)`, async () => {
    const s = await declareStack(stage);
    const vm = s.resources.find((r) => r.type === "azure-native:compute:VirtualMachine");
    assert.ok(vm, "the stage declares an edge VM");
    const customData = (revealSecrets(vm.inputs) as { osProfile: { customData: string } }).osProfile.customData;
    const text = maskCloudInit(Buffer.from(customData, "base64").toString("utf8"));
    const file = path.join(repoRoot, "test", "__snapshots__", `cloudinit-stage-${stage}.yaml`);
    if (process.env.UPDATE_SNAPSHOTS === "1" || !existsSync(file)) {
      if (process.env.CI && !existsSync(file)) assert.fail(`missing snapshot ${file}`);
      writeFileSync(file, text);
    }
    assert.equal(text, readFileSync(file, "utf8"));
  });
}

/**
 * Bad config declares nothing (mock engine: what the program declares): the program validates
 * its whole config before the first resource, and reports every error in one message.
 */
import { describe, test } from "node:test";
import * as assert from "node:assert/strict";
import main from "../../index";
import { declareUnderMocks, stackFileToRaw, type DeclaredResource } from "../../lib/plan/mockEngine";
import { declareStack, stackFileConfig } from "../helpers/stacks";
import { BAD, rawFor } from "../config/badCases";

describe("bad config declares nothing (mock engine)", () => {
  for (const c of BAD) {
    test(`declares no resource for ${c.what}`, async () => {
      const sink: DeclaredResource[] = [];
      await assert.rejects(
        () => declareUnderMocks(main, c.stack ?? "dev", rawFor(c), { sink }),
        (e: Error) => e.message.includes(`secure-iot-edge:${c.key}`) && e.message.includes("nothing was declared"),
      );
      assert.deepEqual(sink.filter((r) => r.type !== "pulumi:pulumi:Stack").map((r) => r.type), []);
    });
  }

  test("a good config run through the same path does declare resources", async () => {
    const sink: DeclaredResource[] = [];
    await declareUnderMocks(main, "dev", stackFileConfig("dev"), { sink });
    assert.ok(sink.filter((r) => r.type !== "pulumi:pulumi:Stack").length > 5);
  });
});

describe("all errors are reported together (mock engine)", () => {
  test("three bad keys fail the declaration with one message naming all three", async () => {
    const raw = { ...stackFileConfig("dev"), ...stackFileToRaw({ hubSku: "B2", adminUsername: "root", workspaceRetentionDays: 1000 }) };
    await assert.rejects(() => declareStack("dev", {}, raw), /3 configuration errors; nothing was declared:[\s\S]*hubSku[\s\S]*workspaceRetentionDays[\s\S]*adminUsername/);
  });
});

/**
 * The policy pack as Pulumi loads it: Pulumi's own policy-pack runner starts policy/index.ts and
 * answers an analyzer request over gRPC, as `pulumi preview --policy-pack policy` would.
 *
 * Kept apart from policy.test.ts because it spawns the runner (seconds per run); the policies'
 * behaviour is tested there, through the very objects the pack registers.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as analyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import * as analyzerGrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { urnOf } from "../helpers/policyHarness";
import { repoRoot } from "../helpers/validators";

describe("policy pack registration", () => {
  it("loads under Pulumi's policy-pack runner and reports a violation over the analyzer protocol", { timeout: 120_000 }, async () => {
    const hubType = "azure-native:iothub:IotHubResource";
    const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack");
    const child = spawn(process.execPath, [runner, "127.0.0.1:1", "."], { cwd: path.join(repoRoot, "policy") });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      const port = await new Promise<string>((resolve, reject) => {
        child.stdout.once("data", (chunk: Buffer) => resolve(chunk.toString().trim()));
        child.once("exit", (code) => reject(new Error(`runner exited with ${code}: ${stderr}`)));
      });
      const client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
      const request = new analyzerPb.AnalyzeRequest();
      request.setType(hubType);
      request.setName("hub");
      request.setUrn(urnOf(hubType, "hub"));
      request.setOptions(new analyzerPb.AnalyzerResourceOptions());
      request.setProperties(Struct.fromJavaScript({ properties: { minTlsVersion: "1.0" } }));
      const response = await new Promise<analyzerPb.AnalyzeResponse>((resolve, reject) =>
        client.analyze(request, (error, reply) => (error ? reject(error) : resolve(reply))),
      );
      client.close();
      const found = response.getDiagnosticsList().map((d) => [d.getPolicyname(), d.getPolicypackname()]);
      assert.deepEqual(found, [["iothub-min-tls-1-2", "secure-iot-edge-guardrails"]]);
    } finally {
      child.kill();
    }
  });
});

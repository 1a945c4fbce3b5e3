/**
 * `npm run bundle`: GIVEN a dps stack's outputs (as `pulumi stack output --json --show-secrets`
 * prints them), WHEN the tool writes a device's bundle, THEN the files are mode 0600 in a 0700
 * folder, config.toml is exact, an X.509 leaf verifies with `openssl verify` against the stack's
 * chain, and nothing it prints contains a secret.
 */
import { describe, test, before, after } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { declareStack } from "../helpers/stacks";
import { hasCommand, nodeModuleCommand, repoRoot, requireValidator } from "../helpers/validators";
import { BundleError, bundleFiles, readDpsOutputs, writeBundle, type DpsOutputs } from "../../tools/lib/bundle";
import { renderDpsConfigToml } from "../../lib/edge/dpsProvisioning";

const openssl = (args: string[], input?: string) => spawnSync("openssl", args, { input, encoding: "utf8" });
const mode = (p: string) => statSync(p).mode & 0o777;

function runTool(args: string[]) {
  return spawnSync(process.execPath, [...nodeModuleCommand("tools/bundle.ts"), ...args], { cwd: repoRoot, encoding: "utf8" });
}

describe("npm run bundle", () => {
  let work: string;
  before(() => {
    work = mkdtempSync(path.join(tmpdir(), "bundle-test-"));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  test("symmetricKey, on the outputs the program declares: exact config.toml with the derived key, 0600 in 0700, no secret printed", async (t) => {
    if (!requireValidator(t, hasCommand("openssl"), "openssl")) return;
    const stack = await declareStack("dev", { fleetProvisioning: "dps", dpsAttestation: "symmetricKey", edgeDeviceCount: 3, securityAgent: "none" });
    const outputsFile = path.join(work, "outputs-symkey.json");
    writeFileSync(outputsFile, JSON.stringify(stack.outputs));
    const dps = stack.outputs.dps as DpsOutputs;
    const r = runTool(["--stack", "dev", "--device", "edge-002", "--outputs", outputsFile, "--out", work]);
    assert.equal(r.status, 0, r.stderr);
    // The key computed independently with openssl.
    const hex = Buffer.from(dps.groupKey as string, "base64").toString("hex");
    const mac = spawnSync("openssl", ["dgst", "-sha256", "-mac", "HMAC", "-macopt", `hexkey:${hex}`, "-binary"], { input: "edge-002" });
    const deviceKey = Buffer.from(mac.stdout).toString("base64");
    const dir = path.join(work, "dev", "devices", "edge-002");
    assert.equal(readFileSync(path.join(dir, "config.toml"), "utf8"),
      renderDpsConfigToml({ idScope: dps.idScope, registrationId: "edge-002", iotEdgeVersion: dps.iotEdgeVersion, attestation: { method: "symmetric_key", symmetricKey: deviceKey } }));
    assert.equal(mode(dir), 0o700);
    assert.equal(mode(path.join(dir, "config.toml")), 0o600);
    for (const secret of [dps.groupKey as string, deviceKey]) {
      assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret));
    }
    assert.match(r.stdout, /config\.toml -> \/etc\/aziot\/config\.toml/);
  });

  test("x509: the leaf verifies against root + intermediate, is for CN=<device>, not a CA, and matches its key", (t) => {
    if (!requireValidator(t, hasCommand("openssl"), "openssl")) return;
    const ca = path.join(work, "ca");
    spawnSync("mkdir", ["-p", ca]);
    const f = (n: string) => path.join(ca, n);
    writeFileSync(f("ca.ext"), "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n");
    for (const args of [
      ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", f("root.key")],
      ["req", "-x509", "-new", "-key", f("root.key"), "-subj", "/CN=test root", "-days", "30", "-out", f("root.pem")],
      ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", f("int.key")],
      ["req", "-new", "-key", f("int.key"), "-subj", "/CN=test intermediate", "-out", f("int.csr")],
      ["x509", "-req", "-in", f("int.csr"), "-CA", f("root.pem"), "-CAkey", f("root.key"), "-set_serial", "2", "-days", "30", "-extfile", f("ca.ext"), "-out", f("int.pem")],
    ]) assert.equal(openssl(args).status, 0, args.join(" "));
    const outputs = {
      edgeDevices: ["edge-001", "edge-002"],
      dps: {
        idScope: "0ne00A1B2C3", enrollmentGroupId: "secure-iot-edge-dev-x509", attestation: "x509", iotEdgeVersion: "1.6",
        rootCertPem: readFileSync(f("root.pem"), "utf8"), intermediateCertPem: readFileSync(f("int.pem"), "utf8"), intermediateKeyPem: readFileSync(f("int.key"), "utf8"),
      },
    };
    const files = bundleFiles(readDpsOutputs(outputs, "dev", "edge-001"), "edge-001");
    const dir = writeBundle(work, "dev", "edge-001", files);
    assert.deepEqual(files.map((x) => x.name), ["config.toml", "device-identity.cert.pem", "device-identity.key.pem", "root-ca.cert.pem"]);
    for (const x of files) assert.equal(mode(path.join(dir, x.name)), 0o600, x.name);
    const chain = readFileSync(path.join(dir, "device-identity.cert.pem"), "utf8");
    const leaf = `${chain.split("-----END CERTIFICATE-----")[0]}-----END CERTIFICATE-----\n`;
    writeFileSync(f("leaf.pem"), leaf);
    const v = openssl(["verify", "-CAfile", f("root.pem"), "-untrusted", f("int.pem"), f("leaf.pem")]);
    assert.equal(v.status, 0, v.stderr);
    assert.match(v.stdout, /leaf\.pem: OK/);
    // Not trusted by the root alone: the intermediate is needed, so the chain really goes through it.
    assert.notEqual(openssl(["verify", "-CAfile", f("root.pem"), f("leaf.pem")]).status, 0);
    const text = openssl(["x509", "-in", f("leaf.pem"), "-noout", "-subject", "-ext", "basicConstraints,extendedKeyUsage"]).stdout;
    assert.match(text, /CN ?= ?edge-001/);
    assert.match(text, /CA:FALSE/);
    assert.match(text, /TLS Web Client Authentication/);
    const certPub = openssl(["x509", "-in", f("leaf.pem"), "-noout", "-pubkey"]).stdout;
    const keyPub = openssl(["pkey", "-in", path.join(dir, "device-identity.key.pem"), "-pubout"]).stdout;
    assert.equal(certPub, keyPub);
    assert.ok(readFileSync(path.join(dir, "config.toml"), "utf8").includes('method = "x509"\nregistration_id = "edge-001"'));
  });

  test("refusals name the problem, never a secret value", () => {
    const dps = { idScope: "0ne00A1B2C3", enrollmentGroupId: "g", attestation: "symmetricKey", iotEdgeVersion: "1.6", groupKey: "c2VjcmV0LWdyb3VwLWtleQ==" };
    assert.throws(() => readDpsOutputs({ edgeDevices: ["edge-001"] }, "dev", "edge-001"), /not a fleetProvisioning dps stack/);
    assert.throws(() => readDpsOutputs({ edgeDevices: ["edge-001"], dps }, "dev", "edge-009"), /edge-009 is not one of stack dev's 1 edge devices/);
    assert.throws(() => readDpsOutputs({ dps }, "dev", "Edge"), /--device: registration id "Edge"/);
    assert.throws(() => readDpsOutputs({ dps: { ...dps, groupKey: "[secret]" } }, "dev", "edge-001"), (e: Error) => e instanceof BundleError && /lacks groupKey; read it with --show-secrets/.test(e.message));
  });

  test("the CLI refuses a stack without dps outputs with exit 1, and bad arguments with exit 2", () => {
    const file = path.join(work, "registry.json");
    writeFileSync(file, JSON.stringify({ edgeDevices: ["edge-001"] }));
    const r = runTool(["--stack", "dev", "--device", "edge-001", "--outputs", file, "--out", work]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /bundle: stack dev has no dps output/);
    assert.equal(runTool(["--device", "edge-001"]).status, 2);
  });
});

/**
 * The VM's customData: a constant, secret-free cloud-init bootstrap (lib/edge/cloudinit.ts),
 * checked byte for byte and by cloud-init's own validators. Provisioning itself is tested in
 * hostProvisioning.test.ts.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { parse, stringify } from "yaml";
import { AUDIT_RULES_PATH, AUDIT_SYSLOG_FACILITY, BOOTSTRAP_NOTE_PATH, MAX_CUSTOM_DATA_BYTES, renderCloudInit } from "../../lib/edge/cloudinit";
import { compileDraft04, hasCommand, python3, pythonHas, repoRoot, requireValidator, schemaPath } from "../helpers/validators";

const SNAPSHOT = path.join(repoRoot, "test", "__snapshots__", "cloudinit-bootstrap.yaml");

interface WriteFile {
  path: string;
  owner: string;
  permissions: string;
  content: string;
}
interface CloudConfig {
  write_files: WriteFile[];
  runcmd?: unknown;
}

const parseDoc = (doc: string): CloudConfig => parse(doc, { version: "1.1" }) as CloudConfig;

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(path.join(tmpdir(), "cloudinit-test-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe("the bootstrap cloud-init (customData)", () => {
  test("matches the stored snapshot byte for byte", () => {
    const rendered = renderCloudInit();
    if (process.env.UPDATE_SNAPSHOTS === "1") {
      mkdirSync(path.dirname(SNAPSHOT), { recursive: true });
      writeFileSync(SNAPSHOT, rendered);
    }
    assert.ok(existsSync(SNAPSHOT), `snapshot ${SNAPSHOT} is missing; run with UPDATE_SNAPSHOTS=1 to create it`);
    assert.equal(rendered, readFileSync(SNAPSHOT, "utf8"));
  });

  test("is the same bytes on every call: it takes no input, so nothing about a device, a stage or a version can reach it", () => {
    assert.equal(renderCloudInit.length, 0);
    assert.equal(renderCloudInit(), renderCloudInit());
  });

  test("writes only the audit rules and the note, runs nothing, and holds no key, certificate or connection string", () => {
    const doc = renderCloudInit();
    assert.ok(doc.startsWith("#cloud-config\n"));
    const cfg = parseDoc(doc);
    assert.deepEqual(cfg.write_files.map((f) => f.path), [AUDIT_RULES_PATH, BOOTSTRAP_NOTE_PATH]);
    assert.equal(cfg.runcmd, undefined);
    assert.doesNotMatch(doc, /-----BEGIN|PRIVATE KEY|CERTIFICATE-----|SharedAccessKey|HostName=|connection_string/);
    assert.ok(Buffer.byteLength(doc) < MAX_CUSTOM_DATA_BYTES);
  });

  test("audit rules watch sshd_config, passwd, shadow, sudoers and /etc/aziot", () => {
    const rules = parseDoc(renderCloudInit()).write_files.find((f) => f.path === AUDIT_RULES_PATH);
    assert.ok(rules);
    assert.equal(rules.permissions, "0640");
    for (const watched of ["/etc/ssh/sshd_config", "/etc/passwd", "/etc/shadow", "/etc/sudoers", "/etc/aziot/"]) {
      assert.match(rules.content, new RegExp(`^-w ${watched.replace(/[.*/]/g, "\\$&")} -p wa -k iotedge-`, "m"), watched);
    }
  });
});

describe("the audit records' syslog facility", () => {
  test("is local6, the facility the Run Command configures audisp to log on", () => {
    assert.equal(AUDIT_SYSLOG_FACILITY, "local6");
    const script = readFileSync(path.join(repoRoot, "lib", "edge", "provision.sh"), "utf8");
    assert.ok(script.includes(`AUDIT_SYSLOG_FACILITY=LOG_${AUDIT_SYSLOG_FACILITY.toUpperCase()}\\n`), "provision.sh configures the same facility");
  });
});

describe("validators accept the bootstrap", () => {
  test("cloud-init schema accepts it and rejects a broken one", (t) => {
    if (!requireValidator(t, hasCommand("cloud-init"), "cloud-init (apt-get install -y cloud-init)")) return;
    const dir = tempDir(t);
    const check = (name: string, doc: string) => {
      const file = path.join(dir, `${name}.yaml`);
      writeFileSync(file, doc);
      return spawnSync("cloud-init", ["schema", "--config-file", file], { encoding: "utf8" });
    };
    const r = check("bootstrap", renderCloudInit());
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
    assert.match(r.stdout, /Valid/);
    const broken = { ...parseDoc(renderCloudInit()), runcmd: 5 };
    const bad = check("broken", `#cloud-config\n${stringify(broken)}`);
    assert.notEqual(bad.status, 0, "cloud-init schema accepted runcmd: 5");
    assert.match(`${bad.stdout}${bad.stderr}`, /runcmd/);
  });

  test("the upstream cloud-config JSON schema accepts it and rejects unknown keys and wrong types", () => {
    const validate = compileDraft04([schemaPath("cloud-init/schema-cloud-config-v1.json")]);
    const base = parseDoc(renderCloudInit());
    assert.ok(validate(base), JSON.stringify(validate.errors));
    assert.equal(validate({ ...base, iotedge_settings: { version: "1.6" } }), false, "an unknown top-level key was accepted");
    const wrongType = { ...base, write_files: base.write_files.map((f, i) => (i === 0 ? { ...f, permissions: 384 } : f)) };
    assert.equal(validate(wrongType), false, "a numeric permissions value was accepted");
  });

  test("PyYAML, which cloud-init uses, reads the same values as the renderer wrote", (t) => {
    if (!requireValidator(t, pythonHas("yaml"), "python3 with PyYAML (apt-get install -y python3-yaml)")) return;
    const doc = renderCloudInit();
    const r = spawnSync(python3() ?? "python3", ["-c", "import sys, json, yaml; print(json.dumps(yaml.safe_load(sys.stdin.read())))"], { input: doc, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), parseDoc(doc));
  });
});

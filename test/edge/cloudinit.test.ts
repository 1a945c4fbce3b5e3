import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { parse, stringify } from "yaml";
import {
  AUDISP_SYSLOG_CONF,
  AUDIT_SYSLOG_FACILITY,
  CONFIG_TOML_PATH,
  CloudInitInputError,
  IDENTITY_CERT_PATH,
  IDENTITY_KEY_PATH,
  LOG_FILE,
  MAX_CUSTOM_DATA_BYTES,
  MICRO_AGENT_PACKAGE,
  PROVISIONING_STEPS,
  PROVISION_SCRIPT_PATH,
  SETTINGS_FILE,
  STATUS_FILE,
  renderCloudInit,
  type CloudInitInput,
  type OverallState,
  type StepState,
} from "../../lib/edge/cloudinit";
import { compileDraft04, hasCommand, requireValidator, schemaPath } from "../helpers/validators";

// Throwaway test credentials made for these tests only (openssl, EC P-256, CN=edge-test-01); they
// belong to no device or hub.
const TEST_CERT_PEM = `-----BEGIN CERTIFICATE-----
MIIBhTCCASugAwIBAgIUerjkc2fMNbv6HkCJee5DiT7e1sQwCgYIKoZIzj0EAwIw
FzEVMBMGA1UEAwwMZWRnZS10ZXN0LTAxMCAXDTI2MTEyODE4MzgzNFoYDzIxMjYx
MTA0MTgzODM0WjAXMRUwEwYDVQQDDAxlZGdlLXRlc3QtMDEwWTATBgcqhkjOPQIB
BggqhkjOPQMBBwNCAAQE7f6RvDRRBBwfPMM1JmKxPHNdQRFYkhY/YkwsPvfo14/8
kp22MW6nXfxqErqQMaq2rvmkqNP+oAeJHRmeO/k5o1MwUTAdBgNVHQ4EFgQUFUlf
iYrzQjjJSb0af1EpjUex26cwHwYDVR0jBBgwFoAUFUlfiYrzQjjJSb0af1EpjUex
26cwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBFAiEArSb/7sQwzp60
P8Jrn4EFMjV4BjY8E8x+gjcc5aMUuNUCIGtlssyRxlRRHKgGRJlLjU8G5QYCzr6j
NqR6PiK3mXhc
-----END CERTIFICATE-----
`;
const TEST_KEY_PEM = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg+DcywtjuGm8bESTP
aEumgiHk/i7HJiueINH21BaKs6OhRANCAAQE7f6RvDRRBBwfPMM1JmKxPHNdQRFY
khY/YkwsPvfo14/8kp22MW6nXfxqErqQMaq2rvmkqNP+oAeJHRmeO/k5
-----END PRIVATE KEY-----
`;
// A key of the same type that does not belong to TEST_CERT_PEM.
const OTHER_KEY_PEM = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgGHUREtacp1tXTsAv
4ftR5MBqnf3/JUeXInifAoVcTa+hRANCAARC+G6hsk2m/CqtMKZk/iccTBfuDgI/
VkMpxxWrGV+cMmHcBm7EPIHm9F+zCNkJkoHbfiFnDaGM+eg/edB9nDrg
-----END PRIVATE KEY-----
`;
const KEY_LINE = "aEumgiHk/i7HJiueINH21BaKs6OhRANCAAQE7f6RvDRRBBwfPMM1JmKxPHNdQRFY";
const CERT_LINE = "kp22MW6nXfxqErqQMaq2rvmkqNP+oAeJHRmeO/k5o1MwUTAdBgNVHQ4EFgQUFUlf";
const HUB = "iot-iotedge-dev-ab12cd.azure-devices.net";
const DEVICE = "edge-test-01";
const SAS_KEY = "dGVzdC1vbmx5LWtleS1ub3QtYS1yZWFsLXNlY3JldA==";
const CONNECTION_STRING = `HostName=${HUB};DeviceId=${DEVICE};SharedAccessKey=${SAS_KEY}`;

const x509 = { mode: "x509", certificatePem: TEST_CERT_PEM, privateKeyPem: TEST_KEY_PEM } as const;
const sas = { mode: "connectionString", connectionString: CONNECTION_STRING } as const;

const CASES: Record<string, CloudInitInput> = {
  "x509-micro-agent-ubuntu2204-edge16": { ubuntuVersion: "22.04", iotEdgeVersion: "1.6", hubHostName: HUB, deviceId: DEVICE, auth: x509, securityAgent: "micro-agent" },
  "connstr-classic-ubuntu2404-edge15": { ubuntuVersion: "24.04", iotEdgeVersion: "1.5", hubHostName: HUB, deviceId: DEVICE, auth: sas, securityAgent: "classic-module" },
  "x509-none-ubuntu2404-edge16": { ubuntuVersion: "24.04", iotEdgeVersion: "1.6", hubHostName: HUB, deviceId: DEVICE, auth: x509, securityAgent: "none" },
};
const X509_CASE = CASES["x509-micro-agent-ubuntu2204-edge16"];
const SAS_CASE = CASES["connstr-classic-ubuntu2404-edge15"];

const SNAPSHOT_DIR = path.join(__dirname, "..", "__snapshots__");

interface WriteFile {
  path: string;
  owner: string;
  permissions: string;
  content: string;
}
interface CloudConfig {
  write_files: WriteFile[];
  runcmd: unknown[];
}

function parseDoc(doc: string): CloudConfig {
  return parse(doc, { version: "1.1" }) as CloudConfig;
}

function fileAt(cfg: CloudConfig, filePath: string): WriteFile {
  const found = cfg.write_files.find((f) => f.path === filePath);
  assert.ok(found, `write_files has no ${filePath}`);
  return found;
}

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(path.join(tmpdir(), "cloudinit-test-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function occurrences(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

describe("renderCloudInit output", () => {
  for (const [name, input] of Object.entries(CASES)) {
    test(`matches the stored snapshot byte for byte: ${name}`, () => {
      const file = path.join(SNAPSHOT_DIR, `cloudinit-${name}.yaml`);
      const rendered = renderCloudInit(input);
      if (process.env.UPDATE_SNAPSHOTS === "1") {
        mkdirSync(SNAPSHOT_DIR, { recursive: true });
        writeFileSync(file, rendered);
      }
      assert.ok(existsSync(file), `snapshot ${file} is missing; run with UPDATE_SNAPSHOTS=1 to create it`);
      assert.equal(rendered, readFileSync(file, "utf8"), `rendered cloud-init differs from ${file}; if intended, run with UPDATE_SNAPSHOTS=1`);
    });
  }

  test("is deterministic: rendering twice, or from an input with its keys in another order, gives the same bytes", () => {
    const reordered: CloudInitInput = {
      securityAgent: X509_CASE.securityAgent,
      auth: { privateKeyPem: TEST_KEY_PEM, certificatePem: TEST_CERT_PEM, mode: "x509" },
      deviceId: X509_CASE.deviceId,
      hubHostName: X509_CASE.hubHostName,
      iotEdgeVersion: X509_CASE.iotEdgeVersion,
      ubuntuVersion: X509_CASE.ubuntuVersion,
    };
    const first = renderCloudInit(X509_CASE);
    assert.equal(renderCloudInit(X509_CASE), first);
    assert.equal(renderCloudInit(reordered), first);
  });

  test("starts with the #cloud-config header line and runs only the delivered provisioning script", () => {
    for (const input of Object.values(CASES)) {
      const doc = renderCloudInit(input);
      assert.ok(doc.startsWith("#cloud-config\n"));
      const cfg = parseDoc(doc);
      assert.deepEqual(cfg.runcmd, [[PROVISION_SCRIPT_PATH]]);
      const script = fileAt(cfg, PROVISION_SCRIPT_PATH);
      assert.equal(script.permissions, "0755");
      assert.ok(script.content.startsWith("#!/usr/bin/env bash\n"));
    }
  });

  test("keeps the same settings lines the script reads, chosen by the input", () => {
    const settings = fileAt(parseDoc(renderCloudInit(SAS_CASE)), SETTINGS_FILE).content;
    assert.match(settings, /^UBUNTU_VERSION=24\.04$/m);
    assert.match(settings, /^IOTEDGE_VERSION=1\.5$/m);
    assert.match(settings, /^AUTH_MODE=connectionString$/m);
    assert.match(settings, /^SECURITY_AGENT=classic-module$/m);
    assert.doesNotMatch(settings, /IDENTITY_/);
  });

  test("pins aziot-edge to the configured version line and forbids every other version", () => {
    for (const input of Object.values(CASES)) {
      const pin = fileAt(parseDoc(renderCloudInit(input)), "/etc/apt/preferences.d/aziot-edge").content;
      const records = pin.trim().split(/\n\n/);
      assert.match(records[0], new RegExp(`^Package: aziot-edge\\nPin: version ${input.iotEdgeVersion.replace(".", "\\.")}\\.\\*\\nPin-Priority: 990$`, "m"));
      assert.match(records[1], /^Package: aziot-edge\nPin: version \*\nPin-Priority: -1$/m);
    }
  });

  test("audit rules watch sshd_config, passwd, shadow, sudoers and /etc/aziot", () => {
    const rules = fileAt(parseDoc(renderCloudInit(X509_CASE)), "/etc/audit/rules.d/60-iotedge-auth.rules").content;
    for (const watched of ["/etc/ssh/sshd_config", "/etc/passwd", "/etc/shadow", "/etc/sudoers", "/etc/aziot/"]) {
      assert.match(rules, new RegExp(`^-w ${watched.replace(/[.*/]/g, "\\$&")} -p wa -k iotedge-`, "m"), watched);
    }
  });

  test("fits Azure's customData limit, and an oversized certificate chain is refused", () => {
    for (const input of Object.values(CASES)) {
      assert.ok(Buffer.byteLength(renderCloudInit(input)) <= MAX_CUSTOM_DATA_BYTES);
    }
    const longChain = TEST_CERT_PEM.repeat(120);
    assert.throws(() => renderCloudInit({ ...X509_CASE, auth: { ...x509, certificatePem: longChain } }), /Azure accepts at most 65535/);
  });
});

describe("identity and secrets", () => {
  test("x509 config.toml provisions manually with file:// URIs to the identity certificate and key", (t) => {
    const cfg = parseDoc(renderCloudInit(X509_CASE));
    const toml = fileAt(cfg, CONFIG_TOML_PATH).content;
    assert.match(toml, /^\[provisioning\]\nsource = "manual"\niothub_hostname = "iot-iotedge-dev-ab12cd\.azure-devices\.net"\ndevice_id = "edge-test-01"$/m);
    assert.match(toml, /^\[provisioning\.authentication\]\nmethod = "x509"\nidentity_cert = "file:\/\/\/var\/aziot\/certs\/device-identity\.cert\.pem"\nidentity_pk = "file:\/\/\/var\/aziot\/secrets\/device-identity\.key\.pem"$/m);
    assert.doesNotMatch(toml, /connection_string/);
    assertTomlParses(t, toml, { provisioning: { source: "manual", iothub_hostname: HUB, device_id: DEVICE, authentication: { method: "x509", identity_cert: `file://${IDENTITY_CERT_PATH}`, identity_pk: `file://${IDENTITY_KEY_PATH}` } } });
  });

  test("connection-string config.toml carries only the connection string", (t) => {
    const toml = fileAt(parseDoc(renderCloudInit(SAS_CASE)), CONFIG_TOML_PATH).content;
    assert.doesNotMatch(toml, /iothub_hostname|identity_pk|x509/);
    assertTomlParses(t, toml, { provisioning: { source: "manual", connection_string: CONNECTION_STRING } });
  });

  test("the private key and certificate appear once each, only in their own 0600 files", () => {
    const doc = renderCloudInit(X509_CASE);
    assert.equal(occurrences(doc, KEY_LINE), 1);
    assert.equal(occurrences(doc, CERT_LINE), 1);
    const cfg = parseDoc(doc);
    const key = fileAt(cfg, IDENTITY_KEY_PATH);
    const cert = fileAt(cfg, IDENTITY_CERT_PATH);
    assert.equal(key.content, TEST_KEY_PEM);
    assert.equal(cert.content, TEST_CERT_PEM);
    for (const f of [key, cert, fileAt(cfg, CONFIG_TOML_PATH)]) {
      assert.equal(f.permissions, "0600", f.path);
      assert.equal(f.owner, "root:root", f.path);
    }
  });

  test("the shared access key appears once, only in the 0600 config.toml, and no identity files are written", () => {
    const doc = renderCloudInit(SAS_CASE);
    assert.equal(occurrences(doc, SAS_KEY), 1);
    const cfg = parseDoc(doc);
    const toml = fileAt(cfg, CONFIG_TOML_PATH);
    assert.ok(toml.content.includes(SAS_KEY));
    assert.equal(toml.permissions, "0600");
    assert.ok(!cfg.write_files.some((f) => f.path === IDENTITY_KEY_PATH || f.path === IDENTITY_CERT_PATH));
  });
});

describe("input validation", () => {
  const rejects: [string, CloudInitInput, RegExp][] = [
    ["a device id with a space", { ...X509_CASE, deviceId: "edge 01" }, /deviceId "edge 01" does not match/],
    ["a device id longer than 128 characters", { ...SAS_CASE, deviceId: "d".repeat(129) }, /deviceId .* does not match/],
    ["a host name outside azure-devices.net", { ...SAS_CASE, hubHostName: "iot-x.example.com" }, /hubHostName "iot-x\.example\.com" is not <hub name>\.azure-devices\.net/],
    ["a hub name ending in a hyphen", { ...SAS_CASE, hubHostName: "iot-x-.azure-devices.net" }, /hubHostName/],
    ["an unsupported Ubuntu version", { ...SAS_CASE, ubuntuVersion: "20.04" as CloudInitInput["ubuntuVersion"] }, /ubuntuVersion "20\.04" is not one of 22\.04, 24\.04/],
    ["an unsupported IoT Edge version", { ...SAS_CASE, iotEdgeVersion: "1.4" as CloudInitInput["iotEdgeVersion"] }, /iotEdgeVersion "1\.4" is not one of/],
    ["an unknown security agent mode", { ...SAS_CASE, securityAgent: "classic" as CloudInitInput["securityAgent"] }, /securityAgent "classic" is not one of/],
    ["a certificate that is not PEM", { ...X509_CASE, auth: { ...x509, certificatePem: "MIIB..." } }, /certificatePem is not PEM text/],
    ["a key where the certificate belongs", { ...X509_CASE, auth: { ...x509, certificatePem: TEST_KEY_PEM } }, /certificatePem is not PEM text made only of CERTIFICATE blocks/],
    ["an encrypted private key", { ...X509_CASE, auth: { ...x509, privateKeyPem: TEST_KEY_PEM.replace(/PRIVATE KEY/g, "ENCRYPTED PRIVATE KEY") } }, /privateKeyPem is encrypted/],
    ["a key that does not belong to the certificate", { ...X509_CASE, auth: { ...x509, privateKeyPem: OTHER_KEY_PEM } }, /is not the key of the first certificate/],
    ["a certificate whose CN is another device", { ...X509_CASE, deviceId: "edge-test-02" }, /the certificate's CN is "edge-test-01", but deviceId is "edge-test-02"/],
    ["a connection string for another device", { ...SAS_CASE, auth: { mode: "connectionString", connectionString: CONNECTION_STRING.replace(DEVICE, "edge-test-02") } }, /must be HostName=<hubHostName>;DeviceId=<deviceId>;SharedAccessKey=<key> for this hub and device/],
    ["a connection string whose key is not base64", { ...SAS_CASE, auth: { mode: "connectionString", connectionString: `${CONNECTION_STRING};x509=true` } }, /SharedAccessKey is not base64/],
  ];
  for (const [what, input, message] of rejects) {
    test(`rejects ${what} with a clear error`, () => {
      assert.throws(() => renderCloudInit(input), (err: unknown) => {
        assert.ok(err instanceof CloudInitInputError);
        assert.match(err.message, message);
        return true;
      });
    });
  }

  test("lists every problem at once", () => {
    assert.throws(() => renderCloudInit({ ...SAS_CASE, deviceId: "a b", hubHostName: "nope" }), (err: unknown) => {
      assert.ok(err instanceof CloudInitInputError);
      assert.ok(err.problems.length >= 3, err.message);
      return true;
    });
  });

  test("error messages never quote the secrets", () => {
    const leaky: CloudInitInput[] = [
      { ...SAS_CASE, hubHostName: "iot-other.azure-devices.net" },
      { ...SAS_CASE, auth: { mode: "connectionString", connectionString: `${CONNECTION_STRING}!` } },
      { ...X509_CASE, auth: { ...x509, privateKeyPem: OTHER_KEY_PEM } },
      { ...X509_CASE, auth: { ...x509, privateKeyPem: `${TEST_KEY_PEM}junk` } },
    ];
    for (const input of leaky) {
      try {
        renderCloudInit(input);
        assert.fail("expected a validation error");
      } catch (err) {
        assert.ok(err instanceof CloudInitInputError);
        for (const secret of [SAS_KEY, KEY_LINE, "aEumgiHk", "GHUREtacp1tXTsAv"]) assert.ok(!err.message.includes(secret), err.message);
      }
    }
  });
});

describe("validators accept the rendered documents", () => {
  test("cloud-init schema accepts every rendered document and rejects a broken one", (t) => {
    if (!requireValidator(t, hasCommand("cloud-init"), "cloud-init (apt-get install -y cloud-init)")) return;
    const dir = tempDir(t);
    const check = (name: string, doc: string) => {
      const file = path.join(dir, `${name}.yaml`);
      writeFileSync(file, doc);
      return spawnSync("cloud-init", ["schema", "--config-file", file], { encoding: "utf8" });
    };
    for (const [name, input] of Object.entries(CASES)) {
      const r = check(name, renderCloudInit(input));
      assert.equal(r.status, 0, `${name}: ${r.stdout}${r.stderr}`);
      assert.match(r.stdout, /Valid/);
    }
    const broken = parseDoc(renderCloudInit(X509_CASE)) as unknown as Record<string, unknown>;
    broken.runcmd = 5;
    const r = check("broken", `#cloud-config\n${stringify(broken)}`);
    assert.notEqual(r.status, 0, "cloud-init schema accepted runcmd: 5");
    assert.match(`${r.stdout}${r.stderr}`, /runcmd/);
  });

  test("the upstream cloud-config JSON schema accepts every rendered document and rejects unknown keys and wrong types", () => {
    const validate = compileDraft04([schemaPath("cloud-init/schema-cloud-config-v1.json")]);
    for (const [name, input] of Object.entries(CASES)) {
      assert.ok(validate(parseDoc(renderCloudInit(input))), `${name}: ${JSON.stringify(validate.errors)}`);
    }
    const base = parseDoc(renderCloudInit(X509_CASE));
    assert.equal(validate({ ...base, iotedge_settings: { version: "1.6" } }), false, "an unknown top-level key was accepted");
    const wrongType = { ...base, write_files: base.write_files.map((f, i) => (i === 0 ? { ...f, permissions: 384 } : f)) };
    assert.equal(validate(wrongType), false, "a numeric permissions value was accepted");
  });

  test("PyYAML, which cloud-init uses, reads the same values as the renderer wrote", (t) => {
    const python = hasCommand("python3") && spawnSync("python3", ["-c", "import yaml"]).status === 0;
    if (!requireValidator(t, python, "python3 with PyYAML (apt-get install -y python3-yaml)")) return;
    for (const [name, input] of Object.entries(CASES)) {
      const doc = renderCloudInit(input);
      const r = spawnSync("python3", ["-c", "import sys, json, yaml; print(json.dumps(yaml.safe_load(sys.stdin.read())))"], { input: doc, encoding: "utf8" });
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout), parseDoc(doc), name);
    }
  });

  test("every shell script in write_files passes shellcheck, which does flag an unquoted variable", (t) => {
    if (!requireValidator(t, hasCommand("shellcheck"), "shellcheck (apt-get install -y shellcheck)")) return;
    const dir = tempDir(t);
    let checked = 0;
    for (const [name, input] of Object.entries(CASES)) {
      for (const f of parseDoc(renderCloudInit(input)).write_files.filter((w) => w.content.startsWith("#!"))) {
        const file = path.join(dir, `${name}-${path.basename(f.path)}`);
        writeFileSync(file, f.content);
        const r = spawnSync("shellcheck", [file], { encoding: "utf8" });
        assert.equal(r.status, 0, `${f.path} in ${name}:\n${r.stdout}${r.stderr}`);
        checked += 1;
      }
    }
    assert.ok(checked >= Object.keys(CASES).length);
    const bad = path.join(dir, "bad.sh");
    writeFileSync(bad, '#!/usr/bin/env bash\nset -euo pipefail\ntarget="$1"\nrm -rf $target/cache\n');
    const r = spawnSync("shellcheck", [bad], { encoding: "utf8" });
    assert.notEqual(r.status, 0);
    assert.match(r.stdout, /SC2086/);
  });
});

function assertTomlParses(t: TestContext, toml: string, expected: unknown): void {
  const python = hasCommand("python3") && spawnSync("python3", ["-c", "import tomllib"]).status === 0;
  if (!requireValidator(t, python, "python3 >= 3.11 (tomllib) to parse config.toml")) return;
  const r = spawnSync("python3", ["-c", "import sys, json, tomllib; print(json.dumps(tomllib.loads(sys.stdin.read())))"], { input: toml, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), expected);
}

describe("provisioning script", () => {
  const script = fileAt(parseDoc(renderCloudInit(X509_CASE)), PROVISION_SCRIPT_PATH).content;

  test("runs the documented steps, and only micro_agent is optional", () => {
    const list = (name: string) => script.match(new RegExp(`^${name}=\\(([^)]*)\\)$`, "m"))?.[1].split(" ");
    assert.deepEqual(list("STEPS"), PROVISIONING_STEPS.map((s) => s.name));
    assert.deepEqual(list("OPTIONAL_STEPS"), PROVISIONING_STEPS.filter((s) => !s.required).map((s) => s.name));
  });

  test("defaults to the status, log and settings paths and the micro agent package the module documents", () => {
    assert.match(script, new RegExp(`^MICRO_AGENT_PACKAGE=${MICRO_AGENT_PACKAGE}$`, "m"));
    assert.match(script, new RegExp(`^STATUS_FILE="\\$\\{IOTEDGE_PROVISION_STATUS:-${STATUS_FILE}\\}"$`, "m"));
    assert.match(script, new RegExp(`^LOG_FILE="\\$\\{IOTEDGE_PROVISION_LOG:-${LOG_FILE}\\}"$`, "m"));
    assert.match(script, new RegExp(`^SETTINGS_FILE="\\$\\{IOTEDGE_PROVISION_SETTINGS:-${SETTINGS_FILE}\\}"$`, "m"));
  });

  interface Run {
    status: number | null;
    statusFile: string;
    steps: Record<string, string>;
    calls: string[];
    log: string;
    syslogConf: string;
  }

  // Runs the rendered script with every system command stubbed; stub bodies are bash that may
  // read $N, the number of earlier calls to the same command with the same arguments.
  function runScript(t: TestContext, input: CloudInitInput, opts: { osVersion?: string; stubs?: Record<string, string>; settings?: string } = {}): Run {
    const dir = tempDir(t);
    const bin = path.join(dir, "bin");
    mkdirSync(bin);
    const cfg = parseDoc(renderCloudInit(input));
    const local = (p: string) => path.join(dir, "root", p);
    for (const f of cfg.write_files) {
      mkdirSync(path.dirname(local(f.path)), { recursive: true });
      writeFileSync(local(f.path), f.content);
    }
    mkdirSync(path.dirname(local(AUDISP_SYSLOG_CONF)), { recursive: true });
    writeFileSync(local(AUDISP_SYSLOG_CONF), "active = no\ndirection = out\npath = /sbin/audisp-syslog\ntype = always\nargs = LOG_INFO\nformat = string\n");
    const settings = opts.settings ?? fileAt(cfg, SETTINGS_FILE).content.replace(/=(\/.*)$/gm, (_m, p: string) => `=${local(p)}`);
    writeFileSync(path.join(dir, "settings"), settings);
    writeFileSync(path.join(dir, "os-release"), `NAME="Ubuntu"\nVERSION_ID="${opts.osVersion ?? input.ubuntuVersion}"\n`);
    const defaults: Record<string, string> = {
      "apt-get": "exit 0",
      "apt-cache": "exit 0",
      curl: "exit 0",
      dpkg: "exit 0",
      "dpkg-query": `echo ${input.iotEdgeVersion}.1-1`,
      systemctl: "exit 0",
      iotedge: "exit 0",
      auditctl: "echo '-w /etc/aziot -p wa -k iotedge-aziot'",
      chown: "exit 0",
    };
    const calls = path.join(dir, "calls");
    writeFileSync(calls, "");
    for (const [cmd, body] of Object.entries({ ...defaults, ...opts.stubs })) {
      const stub = path.join(bin, cmd);
      writeFileSync(stub, `#!/usr/bin/env bash\nN=$(grep -cxF -- "${cmd} $*" "${calls}" || true)\nprintf '%s\\n' "${cmd} $*" >>"${calls}"\n${body}\n`);
      chmodSync(stub, 0o755);
    }
    const scriptFile = path.join(dir, "iotedge-provision");
    writeFileSync(scriptFile, script);
    const statusPath = path.join(dir, "status");
    const r = spawnSync("bash", [scriptFile], {
      encoding: "utf8",
      env: {
        PATH: `${bin}:${process.env.PATH ?? ""}`,
        IOTEDGE_PROVISION_SETTINGS: path.join(dir, "settings"),
        IOTEDGE_PROVISION_STATUS: statusPath,
        IOTEDGE_PROVISION_LOG: path.join(dir, "provision.log"),
        IOTEDGE_PROVISION_OS_RELEASE: path.join(dir, "os-release"),
        IOTEDGE_PROVISION_RETRY_ATTEMPTS: "3",
        IOTEDGE_PROVISION_RETRY_PAUSE: "0",
      },
    });
    const statusFile = readFileSync(statusPath, "utf8");
    const steps: Record<string, string> = {};
    for (const line of statusFile.split("\n")) {
      const m = /^(\w+) +(\w+)(?: +(.*))?$/.exec(line);
      if (m) steps[m[1]] = m[3] ? `${m[2]}: ${m[3]}` : m[2];
    }
    return {
      status: r.status,
      statusFile,
      steps,
      calls: readFileSync(calls, "utf8").split("\n").filter(Boolean),
      log: readFileSync(path.join(dir, "provision.log"), "utf8"),
      syslogConf: readFileSync(local(AUDISP_SYSLOG_CONF), "utf8"),
    };
  }

  const bashReady = (t: TestContext) => requireValidator(t, hasCommand("bash"), "bash");
  const state = (run: Run, step: string) => run.steps[step]?.split(":")[0] as StepState | OverallState | undefined;

  test("a clean run records every step ok, turns on the audit syslog plugin and exits 0", (t) => {
    if (!bashReady(t)) return;
    const run = runScript(t, X509_CASE);
    assert.equal(run.status, 0, run.log);
    for (const step of [...PROVISIONING_STEPS.map((s) => s.name), "overall"]) assert.equal(state(run, step), "ok", run.statusFile);
    assert.match(run.syslogConf, /^active = yes$/m);
    assert.match(run.syslogConf, new RegExp(`^args = LOG_INFO LOG_${AUDIT_SYSLOG_FACILITY.toUpperCase()}$`, "m"));
    assert.ok(run.calls.includes("systemctl restart auditd"));
  });

  test("downloads the Microsoft repository package for the image's Ubuntu version", (t) => {
    if (!bashReady(t)) return;
    const run = runScript(t, SAS_CASE);
    const curl = run.calls.filter((c) => c.startsWith("curl "));
    assert.equal(curl.length, 1);
    assert.ok(curl[0].endsWith(" https://packages.microsoft.com/config/ubuntu/24.04/packages-microsoft-prod.deb"), curl[0]);
  });

  test("an image of another Ubuntu version fails microsoft_repo naming both versions, before downloading anything", (t) => {
    if (!bashReady(t)) return;
    const run = runScript(t, X509_CASE, { osVersion: "24.04" });
    assert.equal(run.status, 1);
    assert.match(run.steps.microsoft_repo, /^failed: this image is Ubuntu 24\.04, but the settings say 22\.04/);
    assert.ok(!run.calls.some((c) => c.startsWith("curl ")));
  });

  test("hands the x509 identity files to aziotcs and aziotks before iotedge config apply", (t) => {
    if (!bashReady(t)) return;
    const run = runScript(t, X509_CASE);
    const certChown = run.calls.findIndex((c) => c.startsWith("chown aziotcs:aziotcs ") && c.endsWith(IDENTITY_CERT_PATH));
    const keyChown = run.calls.findIndex((c) => c.startsWith("chown aziotks:aziotks ") && c.endsWith(IDENTITY_KEY_PATH));
    const apply = run.calls.indexOf("iotedge config apply");
    assert.ok(certChown >= 0 && keyChown >= 0 && apply > Math.max(certChown, keyChown), run.calls.join("\n"));
  });

  test("a transient apt failure is retried and the step then succeeds", (t) => {
    if (!bashReady(t)) return;
    const run = runScript(t, SAS_CASE, { stubs: { "apt-get": '[[ "$*" == *"install moby-engine" && $N -lt 2 ]] && exit 100; exit 0' } });
    assert.equal(state(run, "moby_engine"), "ok", run.statusFile);
    assert.equal(run.calls.filter((c) => c.startsWith("apt-get ") && c.endsWith("install moby-engine")).length, 3);
    assert.match(run.log, /attempt 2\/3 failed, retrying/);
    assert.equal(run.status, 0);
  });

  test("a persistent aziot-edge failure is retried a bounded number of times, skips what needs it, still sets up auditd and exits 1", (t) => {
    if (!bashReady(t)) return;
    const run = runScript(t, X509_CASE, { stubs: { "apt-get": '[[ "$*" == *"install aziot-edge" ]] && exit 100; exit 0' } });
    assert.equal(run.status, 1);
    assert.equal(run.calls.filter((c) => c.endsWith("install aziot-edge")).length, 3);
    assert.match(run.steps.aziot_edge, /^failed: apt-get install aziot-edge \(1\.6\.\* only\) failed 3 times; see /);
    assert.equal(run.steps.iotedge_config, "skipped: needs aziot_edge (failed)");
    assert.equal(run.steps.micro_agent, "skipped: needs iotedge_config (skipped)");
    assert.equal(state(run, "auditd"), "ok");
    assert.equal(run.steps.overall, "failed: required step(s) failed: aziot_edge");
    assert.ok(!run.calls.some((c) => c.startsWith("iotedge ")));
  });

  test("aziot-edge from another version line fails the step instead of running it", (t) => {
    if (!bashReady(t)) return;
    const run = runScript(t, X509_CASE, { stubs: { "dpkg-query": "echo 1.5.21-1" } });
    assert.match(run.steps.aziot_edge, /^failed: aziot-edge 1\.5\.21-1 is not on the 1\.6 line/);
    assert.equal(run.status, 1);
  });

  test("a micro agent package missing for this Ubuntu release is recorded as failed while IoT Edge provisioning completes (degraded, exit 0)", (t) => {
    if (!bashReady(t)) return;
    const run = runScript(t, X509_CASE, { stubs: { "apt-cache": '[[ "$*" == "show defender-iot-micro-agent-edge" ]] && exit 100; exit 0' } });
    assert.equal(run.status, 0, run.log);
    assert.equal(state(run, "iotedge_config"), "ok");
    assert.match(run.steps.micro_agent, /^failed: defender-iot-micro-agent-edge is not published for Ubuntu 22\.04; IoT Edge runs without it/);
    assert.equal(run.steps.overall, "degraded: optional step(s) failed: micro_agent");
  });

  test("a micro agent whose service does not start is recorded as failed after bounded retries", (t) => {
    if (!bashReady(t)) return;
    const run = runScript(t, X509_CASE, { stubs: { systemctl: '[[ "$*" == "is-active --quiet defender-iot-micro-agent.service" ]] && exit 3; exit 0' } });
    assert.equal(run.status, 0);
    assert.equal(run.calls.filter((c) => c === "systemctl is-active --quiet defender-iot-micro-agent.service").length, 3);
    assert.match(run.steps.micro_agent, /^failed: defender-iot-micro-agent\.service is not active/);
  });

  test("classic-module and none skip the micro agent without asking apt for it", (t) => {
    if (!bashReady(t)) return;
    const run = runScript(t, SAS_CASE);
    assert.equal(run.steps.micro_agent, "skipped: security_agent=classic-module");
    assert.equal(run.steps.overall, "ok");
    assert.ok(!run.calls.some((c) => c.includes("defender-iot-micro-agent")));
  });

  test("a settings file with an unknown key fails at once, runs no step and says why", (t) => {
    if (!bashReady(t)) return;
    const run = runScript(t, SAS_CASE, { settings: "UBUNTU_VERSION=24.04\nCURL_ARGS=--insecure\n" });
    assert.equal(run.status, 1);
    assert.match(run.steps.overall, /^failed: unknown setting CURL_ARGS in /);
    assert.equal(state(run, "microsoft_repo"), "pending");
    assert.deepEqual(run.calls, []);
  });
});

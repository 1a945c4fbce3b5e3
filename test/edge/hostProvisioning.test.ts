/**
 * The host's provisioning as its Run Command receives it (lib/edge/hostProvisioning.ts): the
 * parameters, the protected parameters, config.toml, and the script (lib/edge/provision.sh) run
 * with every system command stubbed, as Azure's Run Command would run it (settings and secrets
 * as EDGE_* environment variables).
 */
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { after, describe, test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import {
  AUDISP_SYSLOG_CONF,
  CONFIG_TOML_PATH,
  DOCKER_DAEMON_JSON,
  DOCKER_DAEMON_SETTINGS,
  HostProvisioningInputError,
  IDENTITY_CERT_PATH,
  IDENTITY_KEY_PATH,
  LOG_FILE,
  MICRO_AGENT_PACKAGE,
  PROVISIONING_STEPS,
  STATUS_FILE,
  provisioningSection,
  renderConfigToml,
  renderHostProvisioning,
  type HostProvisioning,
  type HostProvisioningInput,
  type OverallState,
  type StepState,
} from "../../lib/edge/hostProvisioning";
import { sha256Thumbprint } from "../../lib/edge/x509";
import { hasCommand, python3, pythonHas, repoRoot, requireValidator } from "../helpers/validators";

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

const CASES: Record<string, HostProvisioningInput> = {
  "x509-micro-agent-ubuntu2204-edge16": { ubuntuVersion: "22.04", iotEdgeVersion: "1.6", hubHostName: HUB, deviceId: DEVICE, auth: x509, securityAgent: "micro-agent" },
  "connstr-classic-ubuntu2404-edge15": { ubuntuVersion: "24.04", iotEdgeVersion: "1.5", hubHostName: HUB, deviceId: DEVICE, auth: sas, securityAgent: "classic-module" },
  "x509-none-ubuntu2404-edge16": { ubuntuVersion: "24.04", iotEdgeVersion: "1.6", hubHostName: HUB, deviceId: DEVICE, auth: x509, securityAgent: "none" },
};
const X509_CASE = CASES["x509-micro-agent-ubuntu2204-edge16"];
const SAS_CASE = CASES["connstr-classic-ubuntu2404-edge15"];

const param = (list: { name: string; value: string }[], name: string): string | undefined => list.find((p) => p.name === name)?.value;
const decoded = (list: { name: string; value: string }[], name: string): string | undefined => {
  const v = param(list, name);
  return v === undefined ? undefined : Buffer.from(v, "base64").toString("utf8");
};

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(path.join(tmpdir(), "provision-test-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const X509_TOML = [
  "# Written by the iotedge-provision Run Command (lib/edge/hostProvisioning.ts); applied with `iotedge config apply`.",
  "",
  "[provisioning]",
  'source = "manual"',
  `iothub_hostname = "${HUB}"`,
  `device_id = "${DEVICE}"`,
  "",
  "[provisioning.authentication]",
  'method = "x509"',
  `identity_cert = "file://${IDENTITY_CERT_PATH}"`,
  `identity_pk = "file://${IDENTITY_KEY_PATH}"`,
  "",
].join("\n");

describe("renderHostProvisioning (the Run Command's inputs)", () => {
  test("x509: the non-secret parameters, in a fixed order, with the certificate's thumbprint", () => {
    const p = renderHostProvisioning(X509_CASE);
    assert.deepEqual(p.parameters.map((x) => x.name), ["EDGE_UBUNTU_VERSION", "EDGE_IOTEDGE_VERSION", "EDGE_AUTH_MODE", "EDGE_PROVISIONING", "EDGE_SECURITY_AGENT", "EDGE_DEVICE_ID", "EDGE_APT_PIN_B64", "EDGE_IDENTITY_THUMBPRINT"]);
    assert.equal(param(p.parameters, "EDGE_UBUNTU_VERSION"), "22.04");
    assert.equal(param(p.parameters, "EDGE_IOTEDGE_VERSION"), "1.6");
    assert.equal(param(p.parameters, "EDGE_AUTH_MODE"), "x509");
    assert.equal(param(p.parameters, "EDGE_PROVISIONING"), "manual");
    assert.equal(param(p.parameters, "EDGE_SECURITY_AGENT"), "micro-agent");
    assert.equal(param(p.parameters, "EDGE_DEVICE_ID"), DEVICE);
    assert.equal(param(p.parameters, "EDGE_IDENTITY_THUMBPRINT"), sha256Thumbprint(TEST_CERT_PEM));
    assert.equal(p.identityThumbprint, sha256Thumbprint(TEST_CERT_PEM));
  });

  test("x509: config.toml, certificate and key travel only as protected parameters; config.toml compared whole", () => {
    const p = renderHostProvisioning(X509_CASE);
    assert.deepEqual(p.protectedParameters.map((x) => x.name), ["EDGE_CONFIG_TOML_B64", "EDGE_IDENTITY_CERT_B64", "EDGE_IDENTITY_KEY_B64"]);
    assert.equal(p.configToml, X509_TOML);
    assert.equal(decoded(p.protectedParameters, "EDGE_CONFIG_TOML_B64"), X509_TOML);
    assert.equal(decoded(p.protectedParameters, "EDGE_IDENTITY_CERT_B64"), TEST_CERT_PEM);
    assert.equal(decoded(p.protectedParameters, "EDGE_IDENTITY_KEY_B64"), TEST_KEY_PEM);
    const open = JSON.stringify(p.parameters) + p.script;
    const openDecoded = p.parameters.map((x) => Buffer.from(x.value, "base64").toString("utf8")).join("\n");
    for (const secret of [KEY_LINE, CERT_LINE]) {
      assert.ok(!open.includes(secret) && !openDecoded.includes(secret), "a secret in the plain parameters or the script");
    }
  });

  test("connection string: only config.toml is protected, it carries the connection string, and there is no thumbprint", () => {
    const p = renderHostProvisioning(SAS_CASE);
    assert.deepEqual(p.protectedParameters.map((x) => x.name), ["EDGE_CONFIG_TOML_B64"]);
    assert.equal(decoded(p.protectedParameters, "EDGE_CONFIG_TOML_B64"), [
      "# Written by the iotedge-provision Run Command (lib/edge/hostProvisioning.ts); applied with `iotedge config apply`.",
      "",
      "[provisioning]",
      'source = "manual"',
      `connection_string = "${CONNECTION_STRING}"`,
      "",
    ].join("\n"));
    assert.equal(param(p.parameters, "EDGE_IDENTITY_THUMBPRINT"), undefined);
    assert.equal(p.identityThumbprint, undefined);
    assert.ok(!JSON.stringify(p.parameters).includes(SAS_KEY) && !p.script.includes(SAS_KEY));
  });

  test("the apt pin parameter keeps aziot-edge on the configured line (above 1000, so a move to an older line downgrades) and forbids every other version", () => {
    for (const input of Object.values(CASES)) {
      const pin = String(decoded(renderHostProvisioning(input).parameters, "EDGE_APT_PIN_B64"));
      const records = pin.trim().split(/\n\n/);
      assert.match(records[0], new RegExp(`^Package: aziot-edge\\nPin: version ${input.iotEdgeVersion.replace(".", "\\.")}\\.\\*\\nPin-Priority: 1001$`, "m"));
      assert.match(records[1], /^Package: aziot-edge\nPin: version \*\nPin-Priority: -1$/m);
    }
  });

  test("is deterministic: the same input, even with its keys in another order, gives the same parameters", () => {
    const reordered: HostProvisioningInput = {
      securityAgent: X509_CASE.securityAgent,
      auth: { privateKeyPem: TEST_KEY_PEM, certificatePem: TEST_CERT_PEM, mode: "x509" },
      deviceId: X509_CASE.deviceId,
      hubHostName: X509_CASE.hubHostName,
      iotEdgeVersion: X509_CASE.iotEdgeVersion,
      ubuntuVersion: X509_CASE.ubuntuVersion,
    };
    assert.deepEqual(renderHostProvisioning(reordered), renderHostProvisioning(X509_CASE));
  });

  test("the script is provision.sh as stored, and the same for every input", () => {
    const script = readFileSync(path.join(repoRoot, "lib", "edge", "provision.sh"), "utf8");
    for (const input of Object.values(CASES)) assert.equal(renderHostProvisioning(input).script, script);
  });

  test("provisioningSection renders each source on its own (the one place a dps source would be added)", () => {
    assert.equal(provisioningSection({ source: "manual-connection-string", connectionString: "HostName=h;DeviceId=d;SharedAccessKey=k" }),
      '[provisioning]\nsource = "manual"\nconnection_string = "HostName=h;DeviceId=d;SharedAccessKey=k"\n');
    assert.equal(renderConfigToml({ source: "manual-x509", hubHostName: HUB, deviceId: DEVICE, identityCertPath: IDENTITY_CERT_PATH, identityKeyPath: IDENTITY_KEY_PATH }), X509_TOML);
  });

  test("config.toml parses as TOML to the documented manual provisioning tables", (t) => {
    assertTomlParses(t, renderHostProvisioning(X509_CASE).configToml, { provisioning: { source: "manual", iothub_hostname: HUB, device_id: DEVICE, authentication: { method: "x509", identity_cert: `file://${IDENTITY_CERT_PATH}`, identity_pk: `file://${IDENTITY_KEY_PATH}` } } });
    assertTomlParses(t, renderHostProvisioning(SAS_CASE).configToml, { provisioning: { source: "manual", connection_string: CONNECTION_STRING } });
  });
});

describe("input validation", () => {
  const rejects: [string, HostProvisioningInput, RegExp][] = [
    ["a device id with a space", { ...X509_CASE, deviceId: "edge 01" }, /deviceId "edge 01" does not match/],
    ["a device id longer than 128 characters", { ...SAS_CASE, deviceId: "d".repeat(129) }, /deviceId .* does not match/],
    ["a host name outside azure-devices.net", { ...SAS_CASE, hubHostName: "iot-x.example.com" }, /hubHostName "iot-x\.example\.com" is not <hub name>\.azure-devices\.net/],
    ["a hub name ending in a hyphen", { ...SAS_CASE, hubHostName: "iot-x-.azure-devices.net" }, /hubHostName/],
    ["an unsupported Ubuntu version", { ...SAS_CASE, ubuntuVersion: "20.04" as HostProvisioningInput["ubuntuVersion"] }, /ubuntuVersion "20\.04" is not one of 22\.04, 24\.04/],
    ["an unsupported IoT Edge version", { ...SAS_CASE, iotEdgeVersion: "1.4" as HostProvisioningInput["iotEdgeVersion"] }, /iotEdgeVersion "1\.4" is not one of/],
    ["an unknown security agent mode", { ...SAS_CASE, securityAgent: "classic" as HostProvisioningInput["securityAgent"] }, /securityAgent "classic" is not one of/],
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
      assert.throws(() => renderHostProvisioning(input), (err: unknown) => {
        assert.ok(err instanceof HostProvisioningInputError);
        assert.match(err.message, message);
        return true;
      });
    });
  }

  test("lists every problem at once", () => {
    assert.throws(() => renderHostProvisioning({ ...SAS_CASE, deviceId: "a b", hubHostName: "nope" }), (err: unknown) => {
      assert.ok(err instanceof HostProvisioningInputError);
      assert.ok(err.problems.length >= 3, err.message);
      return true;
    });
  });

  test("error messages never quote the secrets", () => {
    const leaky: HostProvisioningInput[] = [
      { ...SAS_CASE, hubHostName: "iot-other.azure-devices.net" },
      { ...SAS_CASE, auth: { mode: "connectionString", connectionString: `${CONNECTION_STRING}!` } },
      { ...X509_CASE, auth: { ...x509, privateKeyPem: OTHER_KEY_PEM } },
      { ...X509_CASE, auth: { ...x509, privateKeyPem: `${TEST_KEY_PEM}junk` } },
    ];
    for (const input of leaky) {
      try {
        renderHostProvisioning(input);
        assert.fail("expected a validation error");
      } catch (err) {
        assert.ok(err instanceof HostProvisioningInputError);
        for (const secret of [SAS_KEY, KEY_LINE, "aEumgiHk", "GHUREtacp1tXTsAv"]) assert.ok(!err.message.includes(secret), err.message);
      }
    }
  });
});

function assertTomlParses(t: TestContext, toml: string, expected: unknown): void {
  if (!requireValidator(t, pythonHas("tomllib"), "python3 >= 3.11 (tomllib) to parse config.toml")) return;
  const r = spawnSync(python3() ?? "python3", ["-c", "import sys, json, tomllib; print(json.dumps(tomllib.loads(sys.stdin.read())))"], { input: toml, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), expected);
}


// The runs are independent (a folder each) and mostly wait on processes, so three go at a time.
describe("provisioning script (stubbed system commands)", { concurrency: 3 }, () => {
  const script = renderHostProvisioning(X509_CASE).script;

  test("runs the documented steps, and only micro_agent is optional", () => {
    const list = (name: string) => script.match(new RegExp(`^${name}=\\(([^)]*)\\)$`, "m"))?.[1].split(" ");
    assert.deepEqual(list("STEPS"), PROVISIONING_STEPS.map((s) => s.name));
    assert.deepEqual(list("OPTIONAL_STEPS"), PROVISIONING_STEPS.filter((s) => !s.required).map((s) => s.name));
  });

  test("defaults to the status and log paths and the micro agent package the module documents", () => {
    assert.match(script, new RegExp(`^MICRO_AGENT_PACKAGE=${MICRO_AGENT_PACKAGE}$`, "m"));
    assert.match(script, new RegExp(`^STATUS_FILE="\\$\\{IOTEDGE_PROVISION_STATUS:-${STATUS_FILE}\\}"$`, "m"));
    assert.match(script, new RegExp(`^LOG_FILE="\\$\\{IOTEDGE_PROVISION_LOG:-${LOG_FILE}\\}"$`, "m"));
  });

  test("passes shellcheck, which does flag an unquoted variable", (t) => {
    if (!requireValidator(t, hasCommand("shellcheck"), "shellcheck (apt-get install -y shellcheck)")) return;
    const dir = tempDir(t);
    const file = path.join(dir, "provision.sh");
    writeFileSync(file, script);
    const r = spawnSync("shellcheck", [file], { encoding: "utf8" });
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
    const bad = path.join(dir, "bad.sh");
    writeFileSync(bad, '#!/usr/bin/env bash\nset -euo pipefail\ntarget="$1"\nrm -rf $target/cache\n');
    const b = spawnSync("shellcheck", [bad], { encoding: "utf8" });
    assert.notEqual(b.status, 0);
    assert.match(b.stdout, /SC2086/);
  });

  interface Run {
    status: number | null;
    stdout: string;
    statusFile: string;
    steps: Record<string, string>;
    calls: string[];
    log: string;
    root: string;
    syslogConf: string;
    ms: number;
  }

  interface RunOptions {
    osVersion?: string;
    stubs?: Record<string, string>;
    /** Extra environment (e.g. time scale); EDGE_* parameters come from the rendered provisioning. */
    env?: Record<string, string>;
    /** Run as a manual re-run: no EDGE_* parameters, the settings file as given. */
    manualSettings?: string;
    /** Reuse a directory of an earlier run (a second Run Command on the same host). */
    dir?: string;
  }

  function envOf(p: HostProvisioning): Record<string, string> {
    return Object.fromEntries([...p.parameters, ...p.protectedParameters].map((x) => [x.name, x.value]));
  }

  // The stubs name bash by its path: `#!/usr/bin/env bash` would search PATH on every call.
  const BASH = spawnSync("sh", ["-c", "command -v bash"], { encoding: "utf8" }).stdout.trim();

  // Runs the script as the Run Command would, every system command stubbed; stub bodies are bash
  // that may read $N, the number of earlier calls to the same command with the same arguments.
  async function runScript(t: TestContext, input: HostProvisioningInput, opts: RunOptions = {}): Promise<Run> {
    const dir = opts.dir ?? tempDir(t);
    const root = path.join(dir, "root");
    const bin = path.join(dir, "bin");
    mkdirSync(bin, { recursive: true });
    mkdirSync(path.dirname(path.join(root, AUDISP_SYSLOG_CONF)), { recursive: true });
    if (!existsSync(path.join(root, AUDISP_SYSLOG_CONF))) {
      writeFileSync(path.join(root, AUDISP_SYSLOG_CONF), "active = no\ndirection = out\npath = /sbin/audisp-syslog\ntype = always\nargs = LOG_INFO\nformat = string\n");
    }
    if (opts.manualSettings !== undefined) writeFileSync(path.join(dir, "settings"), opts.manualSettings);
    writeFileSync(path.join(dir, "os-release"), `NAME="Ubuntu"\nVERSION_ID="${opts.osVersion ?? input.ubuntuVersion}"\n`);
    const daemon = path.join(root, DOCKER_DAEMON_JSON);
    const defaults: Record<string, string> = {
      // As on the image: apt refuses moby-engine unless daemon.json already names the local driver.
      "apt-get": `[[ "$*" == *"install moby-engine" ]] && ! grep -q '"log-driver": "local"' "${daemon}" 2>/dev/null && exit 99; exit 0`,
      "apt-cache": "exit 0",
      curl: "exit 0",
      dpkg: "exit 0",
      "dpkg-query": `echo ${input.iotEdgeVersion}.1-1`,
      systemctl: "exit 0",
      iotedge: '[[ "$1" == list ]] && printf "NAME STATUS DESCRIPTION CONFIG\\nedgeAgent running Up 1 minute mcr\\nedgeHub running Up 1 minute mcr\\n"; exit 0',
      auditctl: "echo '-w /etc/aziot -p wa -k iotedge-aziot'",
      chown: "exit 0",
    };
    const calls = path.join(dir, "calls");
    writeFileSync(calls, "");
    for (const [cmd, body] of Object.entries({ ...defaults, ...opts.stubs })) {
      const stub = path.join(bin, cmd);
      // Counted with bash alone: a stub is called some 30 times a run, and forks are what cost.
      writeFileSync(stub, `#!${BASH}\nN=0; while IFS= read -r l; do [[ "$l" == "${cmd} $*" ]] && N=$((N + 1)); done <"${calls}"\nprintf '%s\\n' "${cmd} $*" >>"${calls}"\n${body}\n`);
      chmodSync(stub, 0o755);
    }
    const scriptFile = path.join(dir, "script.sh");
    writeFileSync(scriptFile, script);
    const statusPath = path.join(dir, "status");
    const started = Date.now();
    const child = spawn("bash", [scriptFile], {
      env: {
        PATH: `${bin}:${process.env.PATH ?? ""}`,
        IOTEDGE_PROVISION_ROOT: root,
        IOTEDGE_PROVISION_SETTINGS: path.join(dir, "settings"),
        IOTEDGE_PROVISION_STATUS: statusPath,
        IOTEDGE_PROVISION_LOG: path.join(dir, "provision.log"),
        IOTEDGE_PROVISION_OS_RELEASE: path.join(dir, "os-release"),
        IOTEDGE_PROVISION_RETRY_ATTEMPTS: "3",
        IOTEDGE_PROVISION_RETRY_PAUSE: "0",
        IOTEDGE_PROVISION_IDENTITY_ATTEMPTS: "4",
        IOTEDGE_PROVISION_IDENTITY_PAUSE: "0",
        ...(opts.manualSettings === undefined ? envOf(renderHostProvisioning(input)) : {}),
        ...opts.env,
      },
    });
    let stdout = "";
    child.stdout.on("data", (d: Buffer) => { stdout += d.toString(); });
    const status = await new Promise<number | null>((resolve) => child.on("close", resolve));
    const ms = Date.now() - started;
    const statusFile = readFileSync(statusPath, "utf8");
    const steps: Record<string, string> = {};
    for (const line of statusFile.split("\n")) {
      const m = /^(\w+) +(\w+)(?: +(.*))?$/.exec(line);
      if (m) steps[m[1]] = m[3] ? `${m[2]}: ${m[3]}` : m[2];
    }
    return {
      status, stdout, statusFile, steps, root, ms,
      calls: readFileSync(calls, "utf8").split("\n").filter(Boolean),
      log: readFileSync(path.join(dir, "provision.log"), "utf8"),
      syslogConf: readFileSync(path.join(root, AUDISP_SYSLOG_CONF), "utf8"),
    };
  }

  // The clean runs of the two cases (no stub changed) are made once and read by several tests,
  // in a folder kept until the end of the file; nothing writes to them after the run.
  const cleanDir = mkdtempSync(path.join(tmpdir(), "provision-test-clean-"));
  after(() => rmSync(cleanDir, { recursive: true, force: true }));
  const cleanRuns = new Map<HostProvisioningInput, Promise<Run>>();
  function cleanRun(t: TestContext, input: HostProvisioningInput): Promise<Run> {
    let run = cleanRuns.get(input);
    if (run === undefined) {
      run = runScript(t, input, { dir: mkdtempSync(path.join(cleanDir, "run-")) });
      cleanRuns.set(input, run);
    }
    return run;
  }

  const bashReady = (t: TestContext) => requireValidator(t, hasCommand("bash"), "bash");
  const state = (run: Run, step: string) => run.steps[step]?.split(":")[0] as StepState | OverallState | undefined;
  const mode = (file: string) => (statSync(file).mode & 0o777).toString(8);

  test("a clean x509 run records every step ok, writes the identity files 0600 from the protected parameters and exits 0", async (t) => {
    if (!bashReady(t)) return;
    const run = await cleanRun(t, X509_CASE);
    assert.equal(run.status, 0, run.log);
    for (const step of [...PROVISIONING_STEPS.map((s) => s.name), "overall"]) assert.equal(state(run, step), "ok", run.statusFile);
    assert.equal(readFileSync(path.join(run.root, CONFIG_TOML_PATH), "utf8"), X509_TOML);
    assert.equal(readFileSync(path.join(run.root, IDENTITY_CERT_PATH), "utf8"), TEST_CERT_PEM);
    assert.equal(readFileSync(path.join(run.root, IDENTITY_KEY_PATH), "utf8"), TEST_KEY_PEM);
    for (const f of [CONFIG_TOML_PATH, IDENTITY_CERT_PATH, IDENTITY_KEY_PATH]) assert.equal(mode(path.join(run.root, f)), "600", f);
    assert.match(run.syslogConf, /^active = yes$/m);
    assert.ok(run.calls.includes("systemctl restart auditd"));
    assert.match(run.stdout, /^overall +ok$/m, "the Run Command's output shows the status");
  });

  test("secrets never reach the log or the Run Command's output", async (t) => {
    if (!bashReady(t)) return;
    for (const input of [X509_CASE, SAS_CASE]) {
      const run = await cleanRun(t, input);
      for (const secret of [KEY_LINE, CERT_LINE, SAS_KEY]) {
        assert.ok(!run.log.includes(secret) && !run.stdout.includes(secret) && !run.statusFile.includes(secret), secret);
      }
    }
  });

  test("writes /etc/docker/daemon.json with the local log driver before moby-engine is installed", async (t) => {
    if (!bashReady(t)) return;
    // The default apt-get stub refuses moby-engine (exit 99) unless daemon.json is already there with the local driver.
    const run = await cleanRun(t, SAS_CASE);
    assert.ok(run.calls.some((c) => c.startsWith("apt-get ") && c.endsWith(" install moby-engine")), run.calls.join("\n"));
    assert.equal(state(run, "moby_engine"), "ok", run.statusFile);
    assert.equal(readFileSync(path.join(run.root, DOCKER_DAEMON_JSON), "utf8"), DOCKER_DAEMON_SETTINGS);
  });

  test("installs the Microsoft repository package through apt (lock wait, retries), never dpkg -i, and curl has connect and total timeouts", async (t) => {
    if (!bashReady(t)) return;
    const run = await cleanRun(t, SAS_CASE);
    const curl = run.calls.filter((c) => c.startsWith("curl "));
    assert.equal(curl.length, 1);
    assert.match(curl[0], /--connect-timeout 20 --max-time 300 /);
    assert.ok(curl[0].endsWith(" https://packages.microsoft.com/config/ubuntu/24.04/packages-microsoft-prod.deb"), curl[0]);
    assert.ok(run.calls.some((c) => /^apt-get .*-o DPkg::Lock::Timeout=300 .*install \/.*\.deb$/.test(c)), run.calls.join("\n"));
    assert.ok(!run.calls.some((c) => c.startsWith("dpkg -i")));
  });

  // dpkg's lock is taken (by the Azure Monitor Agent's install, say) when the script first calls
  // apt and held for `seconds`; apt-get fails like apt does while it is held. Pauses are scaled
  // by 1/20 (60 s of lock take 3 s), so the script really waits the lock out.
  async function withLockHeld(t: TestContext, seconds: number): Promise<{ run: Run; verdicts: string[] }> {
    const dir = tempDir(t);
    const start = path.join(dir, "lock-start");
    const verdicts = path.join(dir, "lock-verdicts");
    const heldMs = seconds * 50;
    const apt = [
      `[[ -f "${start}" ]] || date +%s%3N >"${start}"`,
      `elapsed=$(( $(date +%s%3N) - $(cat "${start}") ))`,
      `if (( elapsed < ${heldMs} )); then echo "held $elapsed" >>"${verdicts}"; echo "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 4242 (apt-get)" >&2; exit 100; fi`,
      `echo "free $elapsed" >>"${verdicts}"; exit 0`,
    ].join("\n");
    const run = await runScript(t, SAS_CASE, {
      dir,
      stubs: { "apt-get": apt },
      env: { IOTEDGE_PROVISION_TIME_SCALE: "0.05", IOTEDGE_PROVISION_RETRY_ATTEMPTS: "5", IOTEDGE_PROVISION_RETRY_PAUSE: "20" },
    });
    return { run, verdicts: readFileSync(verdicts, "utf8").trim().split("\n") };
  }

  test("a dpkg lock held for 60 s (the monitor agent installing) does not fail provisioning: the script waits it out", async (t) => {
    if (!bashReady(t)) return;
    const { run, verdicts } = await withLockHeld(t, 60);
    assert.equal(run.status, 0, run.log);
    assert.equal(state(run, "microsoft_repo"), "ok", run.statusFile);
    assert.equal(run.steps.overall, "ok");
    assert.match(verdicts[0], /^held /, "the first apt call found the lock held");
    const firstFree = verdicts.find((v) => v.startsWith("free "));
    assert.ok(firstFree && Number(firstFree.split(" ")[1]) >= 3000, `apt got the lock only after it was released: ${verdicts.join(", ")}`);
    assert.match(run.log, /attempt 1\/5 failed, retrying in 20s: apt-get .*install \/.*\.deb/);
  });

  test("a dpkg lock held far longer than the retries allow (200 s) fails microsoft_repo with a clear reason", async (t) => {
    if (!bashReady(t)) return;
    const { run, verdicts } = await withLockHeld(t, 200);
    assert.equal(run.status, 1);
    assert.deepEqual(verdicts.slice(0, 5).map((v) => v.split(" ")[0]), ["held", "held", "held", "held", "held"]);
    assert.equal(run.calls.filter((c) => /^apt-get .*install \/.*\.deb$/.test(c)).length, 5);
    assert.match(run.steps.microsoft_repo, /^failed: apt-get install packages-microsoft-prod\.deb failed 5 times \(dpkg lock held\?\)/);
  });

  test("an image of another Ubuntu version fails microsoft_repo naming both versions, before downloading anything", async (t) => {
    if (!bashReady(t)) return;
    const run = await runScript(t, X509_CASE, { osVersion: "24.04" });
    assert.equal(run.status, 1);
    assert.match(run.steps.microsoft_repo, /^failed: this image is Ubuntu 24\.04, but the settings say 22\.04/);
    assert.ok(!run.calls.some((c) => c.startsWith("curl ")));
  });

  test("hands the x509 identity files to aziotcs and aziotks before iotedge config apply", async (t) => {
    if (!bashReady(t)) return;
    const run = await cleanRun(t, X509_CASE);
    const certChown = run.calls.findIndex((c) => c.startsWith("chown aziotcs:aziotcs ") && c.endsWith(IDENTITY_CERT_PATH));
    const keyChown = run.calls.findIndex((c) => c.startsWith("chown aziotks:aziotks ") && c.endsWith(IDENTITY_KEY_PATH));
    const apply = run.calls.indexOf("iotedge config apply");
    assert.ok(certChown >= 0 && keyChown >= 0 && apply > Math.max(certChown, keyChown), run.calls.join("\n"));
  });

  test("an x509 host waits for the hub to accept its identity: edgeHub appears on the third check, the step is ok", async (t) => {
    if (!bashReady(t)) return;
    const run = await runScript(t, X509_CASE, { stubs: { iotedge: '[[ "$1" == list && $N -ge 2 ]] && echo "edgeHub running Up 1 minute mcr"; exit 0' } });
    assert.equal(run.calls.filter((c) => c === "iotedge list").length, 3);
    assert.match(run.steps.hub_identity, /^ok: +edgeHub is running: the hub accepts edge-test-01 \(certificate [0-9A-F]{64}\)/);
    assert.equal(run.status, 0);
  });

  test("an x509 host whose identity the hub never accepts fails hub_identity after the bounded number of checks", async (t) => {
    if (!bashReady(t)) return;
    const run = await runScript(t, X509_CASE, { stubs: { iotedge: '[[ "$1" == list ]] && echo "edgeAgent running Up 1 minute mcr"; exit 0' } });
    assert.equal(run.calls.filter((c) => c === "iotedge list").length, 4);
    assert.match(run.steps.hub_identity, /^failed: the hub has not accepted edge-test-01 after 4 checks/);
    assert.equal(run.status, 1);
  });

  test("a connection-string host skips the identity wait", async (t) => {
    if (!bashReady(t)) return;
    const run = await cleanRun(t, SAS_CASE);
    assert.equal(run.steps.hub_identity, "skipped: auth=connectionString");
    assert.ok(!run.calls.includes("iotedge list"));
  });

  test("a second Run Command switching x509 to a connection string rewrites config.toml and removes the old key", async (t) => {
    if (!bashReady(t)) return;
    // The host of the clean x509 run, copied: the first Run Command's files are all there.
    const dir = tempDir(t);
    const first = await cleanRun(t, X509_CASE);
    cpSync(path.dirname(first.root), dir, { recursive: true });
    assert.ok(existsSync(path.join(dir, "root", IDENTITY_KEY_PATH)), "the x509 run left its key");
    const run = await runScript(t, { ...SAS_CASE, ubuntuVersion: "22.04" }, { dir });
    assert.equal(run.status, 0, run.log);
    assert.ok(readFileSync(path.join(run.root, CONFIG_TOML_PATH), "utf8").includes("connection_string = "));
    assert.ok(!existsSync(path.join(run.root, IDENTITY_KEY_PATH)));
    assert.ok(!existsSync(path.join(run.root, IDENTITY_CERT_PATH)));
  });

  test("a transient apt failure is retried and the step then succeeds", async (t) => {
    if (!bashReady(t)) return;
    const run = await runScript(t, SAS_CASE, { stubs: { "apt-get": '[[ "$*" == *"install moby-engine" && $N -lt 2 ]] && exit 100; exit 0' } });
    assert.equal(state(run, "moby_engine"), "ok", run.statusFile);
    assert.equal(run.calls.filter((c) => c.startsWith("apt-get ") && c.endsWith("install moby-engine")).length, 3);
    assert.match(run.log, /attempt 2\/3 failed, retrying/);
    assert.equal(run.status, 0);
  });

  test("a persistent aziot-edge failure is retried a bounded number of times, skips what needs it, still sets up auditd and exits 1", async (t) => {
    if (!bashReady(t)) return;
    const run = await runScript(t, X509_CASE, { stubs: { "apt-get": '[[ "$*" == *"install --allow-downgrades aziot-edge" ]] && exit 100; exit 0' } });
    assert.equal(run.status, 1);
    assert.equal(run.calls.filter((c) => c.endsWith("install --allow-downgrades aziot-edge")).length, 3);
    assert.match(run.steps.aziot_edge, /^failed: apt-get install aziot-edge \(1\.6\.\* only\) failed 3 times; see /);
    assert.equal(run.steps.iotedge_config, "skipped: needs aziot_edge (failed)");
    assert.equal(run.steps.hub_identity, "skipped: needs iotedge_config (skipped)");
    assert.equal(run.steps.micro_agent, "skipped: needs iotedge_config (skipped)");
    assert.equal(state(run, "auditd"), "ok");
    assert.equal(run.steps.overall, "failed: required step(s) failed: aziot_edge");
    assert.ok(!run.calls.some((c) => c.startsWith("iotedge ")));
  });

  test("aziot-edge from another version line fails the step instead of running it", async (t) => {
    if (!bashReady(t)) return;
    const run = await runScript(t, X509_CASE, { stubs: { "dpkg-query": "echo 1.5.21-1" } });
    assert.match(run.steps.aziot_edge, /^failed: aziot-edge 1\.5\.21-1 is not on the 1\.6 line/);
    assert.equal(run.status, 1);
  });

  test("a micro agent package missing for this Ubuntu release is recorded as failed while IoT Edge provisioning completes (degraded, exit 0)", async (t) => {
    if (!bashReady(t)) return;
    const run = await runScript(t, X509_CASE, { stubs: { "apt-cache": '[[ "$*" == "show defender-iot-micro-agent-edge" ]] && exit 100; exit 0' } });
    assert.equal(run.status, 0, run.log);
    assert.equal(state(run, "iotedge_config"), "ok");
    assert.match(run.steps.micro_agent, /^failed: defender-iot-micro-agent-edge is not published for Ubuntu 22\.04; IoT Edge runs without it/);
    assert.equal(run.steps.overall, "degraded: optional step(s) failed: micro_agent");
  });

  test("classic-module and none skip the micro agent without asking apt for it", async (t) => {
    if (!bashReady(t)) return;
    const run = await cleanRun(t, SAS_CASE);
    assert.equal(run.steps.micro_agent, "skipped: security_agent=classic-module");
    assert.equal(run.steps.overall, "ok");
    assert.ok(!run.calls.some((c) => c.includes("defender-iot-micro-agent")));
  });

  test("a manual re-run whose settings file has an unknown key fails at once, runs no step and says why", async (t) => {
    if (!bashReady(t)) return;
    const run = await runScript(t, SAS_CASE, { manualSettings: "UBUNTU_VERSION=24.04\nCURL_ARGS=--insecure\n" });
    assert.equal(run.status, 1);
    assert.match(run.steps.overall, /^failed: unknown setting CURL_ARGS in /);
    assert.equal(state(run, "microsoft_repo"), "pending");
    assert.deepEqual(run.calls, []);
  });

  test("a parameter with shell or settings syntax in it is refused before anything is written", async (t) => {
    if (!bashReady(t)) return;
    const run = await runScript(t, SAS_CASE, { env: { EDGE_DEVICE_ID: "edge\nCONFIG_TOML=/etc/passwd" } });
    assert.equal(run.status, 1);
    assert.match(run.steps.overall, /^failed: parameter EDGE_DEVICE_ID has characters other than/);
    assert.deepEqual(run.calls, []);
  });
});

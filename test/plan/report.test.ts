/**
 * The offline plan (`npm run plan`): run as a user would, as a child process with the stack's
 * own config under the Pulumi mock engine, plus its pure report functions. Like `npm run plan`,
 * it runs the esbuild output (tools/build.mjs, built once here) in plain Node.
 */
import { describe, test, before, after } from "node:test";
import * as assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { benchVerdicts, median, throttledFleetLine, throttledFleetVerdicts, type BenchRow } from "../../lib/plan/bench";
import { maskCloudInit, resourcesMermaid, resourcesPerComponent } from "../../lib/plan/report";
import { MOCK_OWNER_KEY, type DeclaredResource } from "../../lib/plan/mockEngine";
import { compileDraft04, repoRoot, schemaPath } from "../helpers/validators";
import { renderCloudInit } from "../../lib/edge/cloudinit";

describe("the offline plan and the benchmark (one work folder for the file)", () => {
  const work = mkdtempSync(path.join(tmpdir(), "plan-test-"));
  after(() => rmSync(work, { recursive: true, force: true }));
  before(() => {
    const built = spawnSync(process.execPath, [path.join(repoRoot, "tools", "build.mjs")], { cwd: repoRoot, encoding: "utf8" });
    assert.equal(built.status, 0, built.stderr);
  });

  interface PlanRun { status: number | null; stdout: string; stderr: string }
  const planRun = (out: string, ...extra: string[]) => new Promise<PlanRun>((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repoRoot, "build", "tools", "plan.js"), "--out", out, ...extra], { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
  // Every run of the file starts as soon as the build is done, side by side (each is a process of
  // its own, with its own output folder); a test waits for the one it reads.
  const RUNS = {
    dev: ["--stack", "dev"],
    "dev-again": ["--stack", "dev"],
    bad: ["--stack", "dev", "--set", "hubSku=B1", "--set", "adminUsername=root"],
    // One run for two tests: the classic module's routes, and the list form of --set.
    settings: ["--stack", "dev", "--set", "securityAgent=classic-module", "--set", "echoModule=true", "--set", "alertEmails[0]=secops@example.com"],
    none: ["--stack", "nosuchstack"],
  } satisfies Record<string, string[]>;
  const runs = new Map<keyof typeof RUNS, Promise<PlanRun>>();
  before(() => {
    for (const [name, args] of Object.entries(RUNS)) runs.set(name as keyof typeof RUNS, planRun(path.join(work, name), ...args));
  });
  const plan = (name: keyof typeof RUNS): Promise<PlanRun> => runs.get(name) ?? Promise.reject(new Error(`no plan run ${name}`));
  const read = (dir: string, f: string) => readFileSync(path.join(dir, f), "utf8");

  describe("npm run plan -- --stack dev (mock engine: what the program declares)", () => {
    const out = path.join(work, "dev");
    let run: PlanRun;
    before(async () => {
      run = await plan("dev");
    });

    test("warns that alertEmails is empty, with a hint that works for pulumi config set and for --set", () => {
      assert.match(run.stdout, /alertEmails = \[\]: alerts fire but notify nobody .*pulumi config set --path 'alertEmails\[0\]' you@example\.com \(offline plan: npm run plan -- --stack <stack> --set 'alertEmails\[0\]=you@example\.com'\)/);
    });

    test("exits 0 and prints resources per component, cost, and messages against the quota", () => {
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /Plan for stack "dev" \(Pulumi mock engine/);
      assert.match(run.stdout, /Resources: \d+\n(\s+\d+\s+\S+\n)+/);
      assert.match(run.stdout, /EdgeFleet::fleet/);
      assert.match(run.stdout, /Cost: \$\d+\.\d\d a month, \$\d+\.\d\d a day/);
      // defender-for-servers (dev's agent) reports to Defender for Cloud, not through the hub.
      assert.match(run.stdout, /Messages: 0 metered a day, 0\.0 % of the hub's daily quota of 400,000/);
    });

    test("writes all six files", () => {
      for (const f of ["plan.json", "deployment.json", "cloud-init.yaml", "routes.mmd", "resources.mmd", "cost.md"]) assert.ok(existsSync(path.join(out, f)), f);
    });

    test("plan.json lists every resource with type, name, parent and inputs, and no secret value", () => {
      const text = read(out, "plan.json");
      const doc = JSON.parse(text) as { resources: { type: string; name: string; parent?: string; inputs: Record<string, unknown> }[] };
      const types = new Set(doc.resources.map((r) => r.type));
      for (const t of ["azure-native:iothub:IotHubResource", "azure-native:security:IotSecuritySolution", "azure-native:compute:VirtualMachine", "pulumi-nodejs:dynamic:Resource"]) assert.ok(types.has(t), t);
      const vm = doc.resources.find((r) => r.type === "azure-native:compute:VirtualMachine");
      assert.equal(vm?.parent, "secure-iot-edge:index:EdgeHost::edge-001");
      assert.ok(text.includes('"[secret]"'), "secrets are replaced by the marker");
      assert.ok(!text.includes(MOCK_OWNER_KEY), "the hub key does not appear");
      assert.ok(!text.includes("PRIVATE KEY"), "no private key appears");
    });

    test("deployment.json is the edge manifest and validates against the IoT Edge deployment schema", () => {
      const schema = schemaPath("iot-edge/azure-iot-edge-deployment-2.0.json");
      const validate = compileDraft04([schema as string]);
      const doc = JSON.parse(read(out, "deployment.json")) as unknown;
      assert.ok(validate(doc), JSON.stringify(validate.errors));
    });

    test("cloud-init.yaml is the VM's customData: the constant bootstrap, with nothing to mask", () => {
      const text = read(out, "cloud-init.yaml");
      assert.equal(text, renderCloudInit());
      assert.doesNotMatch(text, /-----BEGIN|\[secret\]/);
    });

    test("routes.mmd and resources.mmd are Mermaid flowcharts", () => {
      assert.match(read(out, "routes.mmd"), /^flowchart LR\n[\s\S]*upstream --> defender/);
      assert.doesNotMatch(read(out, "routes.mmd"), /microagent/, "dev runs no micro agent");
      assert.match(read(out, "resources.mmd"), /^flowchart LR\n[\s\S]*VirtualMachine<br\/>edge-001/);
    });

    test("cost.md has a total and the message budget", () => {
      const text = read(out, "cost.md");
      assert.match(text, /\| \*\*total\*\* \| \| \*\*\$\d+\.\d\d\*\* \|/);
      assert.match(text, /All devices: \*\*0\*\* metered messages a day/);
    });

    test("the same config writes byte-identical plan files", async () => {
      const again = path.join(work, "dev-again");
      assert.equal((await plan("dev-again")).status, 0);
      for (const f of ["plan.json", "deployment.json", "cloud-init.yaml", "routes.mmd", "resources.mmd", "cost.md"]) assert.equal(read(again, f), read(out, f), f);
    });
  });

  describe("npm run plan with other settings", () => {
    test("a config error prints the program's message, exits non-zero and writes nothing", async () => {
      const out = path.join(work, "bad");
      const r = await plan("bad");
      assert.equal(r.status, 1);
      assert.match(r.stderr, /2 configuration errors; nothing was declared:[\s\S]*secure-iot-edge:hubSku = "B1"[\s\S]*secure-iot-edge:adminUsername = "root"/);
      assert.ok(!existsSync(out));
    });

    test("the classic module with the echo module draws both of the blog's routes", async () => {
      const out = path.join(work, "settings");
      const r = await plan("settings");
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /Microsoft ended support for securityAgent classic-module on 2022-03-01/);
      const routes = read(out, "routes.mmd");
      assert.match(routes, /n_azureiotsecurity -- "securityToUpstream" --> edgeHub/);
      assert.match(routes, /edgeHub -- "securityToUpstream" --> upstream/);
      assert.match(routes, /edgeHub -- "securityToEcho" --> n_echo/);
      assert.match(read(out, "deployment.json"), /mcr\.microsoft\.com\/ascforiot\/azureiotsecurity:1\.0\.2/);
    });

    test("an unknown stack is a usage error that lists the stacks and how to start one", async () => {
      const r = await plan("none");
      assert.equal(r.status, 2);
      assert.match(r.stderr, /^plan: no stack file Pulumi\.nosuchstack\.yaml\. Stacks with a file: dev, prod, trial\.\nTo start a stack named nosuchstack: copy/);
    });

    test("--set 'alertEmails[0]=...' (the form the plan's hint prints) sets the list, and the warning about it is gone", async () => {
      const out = path.join(work, "settings");
      const r = await plan("settings");
      assert.equal(r.status, 0, r.stderr);
      assert.doesNotMatch(r.stdout, /alertEmails = \[\]/);
      const declared = JSON.parse(read(out, "plan.json")) as { resources: { type: string }[] };
      assert.ok(declared.resources.some((x) => x.type === "azure-native:monitor:ActionGroup"), "an action group is declared for the e-mail");
    });
  });

  describe("plan report functions", () => {
    const res = (type: string, name: string, parent?: string, custom = true): DeclaredResource => ({ type, name, parent, inputs: {}, custom });

    test("maskCloudInit hides PEM blocks and shared access keys", () => {
      const text = "a: |\n  -----BEGIN EC PRIVATE KEY-----\n  abc\n  -----END EC PRIVATE KEY-----\nb: HostName=h;DeviceId=d;SharedAccessKey=c2VjcmV0\n";
      const masked = maskCloudInit(text);
      assert.equal(masked, "a: |\n  [secret]\nb: HostName=h;DeviceId=d;SharedAccessKey=[secret]\n");
    });

    test("resourcesMermaid folds a component's many resources of one type into a count", () => {
      const rs = [res("x:index:Fleet", "fleet", undefined, false), ...Array.from({ length: 8 }, (_, i) => res("t:m:Device", `d${i}`, "x:index:Fleet::fleet"))];
      const text = resourcesMermaid(rs);
      assert.match(text, /Device x 8/);
      assert.doesNotMatch(text, /d7/);
      assert.match(resourcesMermaid(rs.slice(0, 3)), /Device<br\/>d1/);
    });

    test("resourcesPerComponent counts custom resources by their component", () => {
      const rs = [res("pulumi:pulumi:Stack", "s", undefined, false), res("c:index:A", "a", undefined, false), res("t:m:R", "r1", "c:index:A::a"), res("t:m:R", "r2", "c:index:A::a")];
      assert.deepEqual(resourcesPerComponent(rs), [["c:index:A::a", 2]]);
    });
  });

  describe("benchmark arithmetic", () => {
    const row = (scenario: string, devices: number, medianSeconds: number, medianRssMb = 200): BenchRow => ({ scenario, devices, resources: devices * 3, runs: 3, medianSeconds, medianRssMb });

    test("median of odd and even counts", () => {
      assert.equal(median([3, 1, 2]), 2);
      assert.equal(median([4, 1, 3, 2]), 2.5);
      assert.throws(() => median([]));
    });

    test("passes linear fleets within the targets and fails quadratic, slow or large ones", () => {
      const linear = [row("dev stack", 1, 1.5), row("f", 10, 1.6), row("f", 100, 2.5), row("f", 1000, 11)];
      assert.ok(benchVerdicts(linear).every((v) => v.ok));
      const quadratic = [row("dev stack", 1, 1.5), row("f", 10, 1.6), row("f", 100, 2), row("f", 1000, 14)];
      assert.equal(benchVerdicts(quadratic).find((v) => v.target.startsWith("time grows"))?.ok, false);
      const slowDev = benchVerdicts([row("dev stack", 1, 3.2)]);
      assert.equal(slowDev[0].ok, false);
      const big = benchVerdicts([row("f", 10, 1), row("f", 100, 2), row("f", 1000, 10, 1500)]);
      assert.equal(big.find((v) => v.target.includes("MB"))?.ok, false);
    });
  });

  describe("the throttled-fleet bench line and its targets", () => {
    test("the line has exactly the issue's shape", () => {
      assert.equal(
        throttledFleetLine({ devices: 1000, floorSeconds: 20, tookSeconds: 21.456, failures: 0 }),
        "throttled fleet: 1000 devices, floor 20.0 s, took 21.5 s, ratio 1.07, failures 0",
      );
    });

    test("ratio 1.2 passes and 1.21 fails; one failure fails", () => {
      const ok = (took: number, failures = 0) => throttledFleetVerdicts({ devices: 1000, floorSeconds: 20, tookSeconds: took, failures }).map((v) => v.ok);
      assert.deepEqual(ok(24), [true, true]);
      assert.deepEqual(ok(24.2), [false, true]);
      assert.deepEqual(ok(20, 1), [true, false]);
    });
  });
});

/**
 * Trial expiry: the pure sorting of stacks into expired and running (tested directly), and
 * `npm run expired` run as a child process on stack files in a temporary folder.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { findExpired, isCalendarDate, renderReport, stackNameFromFile, teardownCommands, type StackFile } from "../../tools/lib/expiry";
import { nodeModuleCommand, repoRoot } from "../helpers/validators";

const trial = (stack: string, expiresOn: unknown, extra: Record<string, unknown> = {}): StackFile => ({
  stack,
  config: { "secure-iot-edge:expiresOn": expiresOn, ...extra },
});

describe("findExpired", () => {
  test("lists a stack from the day after its expiresOn, not on the day itself", () => {
    const files = [trial("demo", "2026-03-31")];
    assert.equal(findExpired(files, "2026-03-31").expired.length, 0);
    assert.deepEqual(findExpired(files, "2026-03-31").running, [{ stack: "demo", expiresOn: "2026-03-31" }]);
    assert.deepEqual(findExpired(files, "2026-04-01").expired, [
      { stack: "demo", expiresOn: "2026-03-31", locked: false, commands: ["pulumi destroy --stack demo"] },
    ]);
  });

  test("ignores stacks without expiresOn: they are not trials", () => {
    const r = findExpired([{ stack: "prod", config: { "secure-iot-edge:hubSku": "S1" } }, trial("dev", "")], "2030-01-01");
    assert.deepEqual(r, { expired: [], running: [], problems: [] });
  });

  test("removes the resource group lock through the program before destroying a locked stack", () => {
    for (const lock of [true, "true"]) {
      const [e] = findExpired([trial("pilot", "2026-01-15", { "secure-iot-edge:resourceGroupLock": lock })], "2026-02-01").expired;
      assert.equal(e.locked, true);
      assert.deepEqual(e.commands, [
        "pulumi config set secure-iot-edge:resourceGroupLock false --stack pilot && pulumi up --stack pilot",
        "pulumi destroy --stack pilot",
      ]);
    }
  });

  test("treats resourceGroupLock false as unlocked", () => {
    const [e] = findExpired([trial("pilot", "2026-01-15", { "secure-iot-edge:resourceGroupLock": false })], "2026-02-01").expired;
    assert.deepEqual(e.commands, ["pulumi destroy --stack pilot"]);
  });

  test("reads keys written without the project namespace too", () => {
    const r = findExpired([{ stack: "lab", config: { expiresOn: "2026-01-01", resourceGroupLock: true } }], "2026-06-01");
    assert.equal(r.expired[0]?.locked, true);
  });

  test("reports an expiresOn that is not a date instead of guessing", () => {
    const r = findExpired([trial("a", "2026-02-30"), trial("b", 20260101), trial("c", "soon")], "2026-06-01");
    assert.deepEqual(r.expired, []);
    assert.equal(r.problems.length, 3);
    assert.match(r.problems[0], /^a: secure-iot-edge:expiresOn = "2026-02-30" is not a date/);
  });

  test("orders stacks by name whatever the input order", () => {
    const r = findExpired([trial("zeta", "2026-01-01"), trial("alpha", "2026-01-02")], "2026-02-01");
    assert.deepEqual(r.expired.map((e) => e.stack), ["alpha", "zeta"]);
  });

  test("refuses a today that is not a calendar date", () => {
    assert.throws(() => findExpired([], "2026-1-1"), RangeError);
    assert.throws(() => findExpired([], "2026-02-29"), RangeError);
  });
});

describe("helpers", () => {
  test("stackNameFromFile reads Pulumi.<stack>.yaml and skips the project file and others", () => {
    assert.equal(stackNameFromFile("Pulumi.dev.yaml"), "dev");
    assert.equal(stackNameFromFile("Pulumi.team.trial-1.yaml"), "team.trial-1");
    assert.equal(stackNameFromFile("Pulumi.yaml"), undefined);
    assert.equal(stackNameFromFile("Pulumi.dev.yml"), undefined);
    assert.equal(stackNameFromFile("Pulumi.$(rm -rf ~).yaml"), undefined);
  });

  test("isCalendarDate accepts only real dates", () => {
    assert.ok(isCalendarDate("2028-02-29"));
    assert.ok(!isCalendarDate("2027-02-29"));
    assert.ok(!isCalendarDate("2027-2-28"));
  });

  test("teardownCommands destroys an unlocked stack in one command", () => {
    assert.deepEqual(teardownCommands("dev", false), ["pulumi destroy --stack dev"]);
  });

  test("renderReport prints each expired stack's commands and says nothing was destroyed", () => {
    const report = findExpired([trial("a", "2026-01-01", { "secure-iot-edge:resourceGroupLock": true }), trial("b", "2026-12-31")], "2026-06-01");
    assert.equal(renderReport(report, "2026-06-01"), [
      "a: trial ended 2026-01-01 (resource group locked: remove the lock first)",
      "  pulumi config set secure-iot-edge:resourceGroupLock false --stack a && pulumi up --stack a",
      "  pulumi destroy --stack a",
      "1 expired trial stack(s) as of 2026-06-01; still running: b until 2026-12-31. Nothing was destroyed.",
      "",
    ].join("\n"));
  });
});

describe("npm run expired (child process on a temporary folder)", () => {
  const run = (...args: string[]) => spawnSync(process.execPath, [...nodeModuleCommand("tools/expired.ts"), ...args], { encoding: "utf8", cwd: repoRoot });
  let dir: string;

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), "expired-"));
    writeFileSync(path.join(dir, "Pulumi.yaml"), "name: secure-iot-edge\nruntime: nodejs\n");
    writeFileSync(path.join(dir, "Pulumi.trial.yaml"), "config:\n  secure-iot-edge:expiresOn: \"2026-05-31\"\n  secure-iot-edge:resourceGroupLock: true\n");
    writeFileSync(path.join(dir, "Pulumi.demo.yaml"), "config:\n  secure-iot-edge:expiresOn: 2026-07-01\n");
    writeFileSync(path.join(dir, "Pulumi.prod.yaml"), "config:\n  secure-iot-edge:hubSku: S1\n");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("--help prints the usage on stdout and exits 0; an unknown option prints it on stderr and exits 2", () => {
    const help = run("--help");
    assert.equal(help.status, 0);
    assert.match(help.stdout, /^usage: npm run expired -- \[--today YYYY-MM-DD\] \[--dir <folder with Pulumi\.<stack>\.yaml files>\]\nLists the stacks whose expiresOn date has passed/);
    assert.equal(help.stderr, "");
    const bad = run("--nope");
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /usage: npm run expired/);
  });

  test("prints the teardown commands of the expired stacks only and exits 0", () => {
    const r = run("--dir", dir, "--today", "2026-06-01");
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, [
      "trial: trial ended 2026-05-31 (resource group locked: remove the lock first)",
      "  pulumi config set secure-iot-edge:resourceGroupLock false --stack trial && pulumi up --stack trial",
      "  pulumi destroy --stack trial",
      "1 expired trial stack(s) as of 2026-06-01; still running: demo until 2026-07-01. Nothing was destroyed.",
      "",
    ].join("\n"));
    assert.equal(r.stderr, "");
  });

  test("exits 0 with nothing to destroy before any trial ends", () => {
    const r = run("--dir", dir, "--today", "2026-01-01");
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^0 expired trial stack\(s\) as of 2026-01-01/);
  });

  test("exits 1 and names the file when a stack file cannot be parsed", () => {
    const broken = mkdtempSync(path.join(tmpdir(), "expired-broken-"));
    try {
      writeFileSync(path.join(broken, "Pulumi.bad.yaml"), "config: [unclosed\n");
      writeFileSync(path.join(broken, "Pulumi.old.yaml"), "config:\n  secure-iot-edge:expiresOn: \"2026-01-01\"\n");
      const r = run("--dir", broken, "--today", "2026-06-01");
      assert.equal(r.status, 1);
      assert.match(r.stderr, /warning: Pulumi\.bad\.yaml: /);
      assert.match(r.stdout, /pulumi destroy --stack old/);
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  });

  test("exits 2 on a --today that is not a date", () => {
    const r = run("--dir", dir, "--today", "tomorrow");
    assert.equal(r.status, 2);
    assert.match(r.stderr, /allowed: a calendar date YYYY-MM-DD/);
  });
});

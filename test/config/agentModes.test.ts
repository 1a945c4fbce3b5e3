/**
 * The agent-mode table and what validateConfig does with it: which mode is the default, which
 * image/mode pairs are refused, and the end-of-support warnings on both sides of the one-year
 * window (dates injected, so these tests never depend on the day they run).
 */
import { describe, test } from "node:test";
import * as assert from "node:assert/strict";
import { AGENT_MODES, END_OF_SUPPORT_WARNING_DAYS, endOfSupportWarning, undocumentedInstall } from "../../lib/config/agentModes";
import { CONFIG_SPEC, SECURITY_AGENT_MODES, VM_IMAGES, validateConfig } from "../../lib/config/config";
import { securityStreams } from "../../lib/edge/agentStreams";

const agent = (mode: string, image = "ubuntu-22.04") => ({ "secure-iot-edge:securityAgent": mode, "secure-iot-edge:vmImage": image, "secure-iot-edge:alertEmails": '["secops@example.com"]' });

describe("agent modes", () => {
  test("the default mode is defender-for-servers, documented for the default image and for every offered image", () => {
    assert.equal(CONFIG_SPEC.securityAgent.default, "defender-for-servers");
    for (const image of VM_IMAGES) assert.equal(undocumentedInstall("defender-for-servers", image), undefined, image);
    assert.equal(undocumentedInstall("defender-for-servers", CONFIG_SPEC.vmImage.default as (typeof VM_IMAGES)[number]), undefined);
  });

  test("retirement dates: micro agent 2027-06-01, classic module 2022-03-01, none announced for the others", () => {
    assert.equal(AGENT_MODES["micro-agent"].endOfSupport, "2027-06-01");
    assert.equal(AGENT_MODES["classic-module"].endOfSupport, "2022-03-01");
    assert.equal(AGENT_MODES["defender-for-servers"].endOfSupport, undefined);
    assert.equal(AGENT_MODES.none.endOfSupport, undefined);
  });

  test("only the micro agent and the classic module send through the hub; the budget counts nothing for the others", () => {
    const base = { classicImageTag: "1.0.2", highPriorityMessageFrequency: "PT7M", lowPriorityMessageFrequency: "PT5H", snapshotFrequency: "PT13H", maxMessageSizeInBytes: 204800, maxLocalCacheSizeInBytes: 2560000, eventPriorities: {}, microAgentIntervalsMinutes: { high: 30, medium: 120, low: 1440 }, microAgentMessageSizeBytes: 204800, debugLogging: false, echoModule: false };
    for (const mode of SECURITY_AGENT_MODES) {
      const streams = securityStreams({ ...base, mode });
      assert.equal(streams.length > 0, AGENT_MODES[mode].sendsHubMessages, mode);
    }
  });

  test("defender-for-servers and none install nothing through the provisioning script", () => {
    assert.equal(AGENT_MODES["defender-for-servers"].hostInstall, "none");
    assert.equal(AGENT_MODES.none.hostInstall, "none");
    assert.equal(AGENT_MODES["micro-agent"].hostInstall, "micro-agent");
    assert.equal(AGENT_MODES["classic-module"].hostInstall, "classic-module");
  });
});

describe("end-of-support warnings (injected date)", () => {
  test("the micro agent warns from one year before 2027-06-01, not a day earlier", () => {
    assert.equal(END_OF_SUPPORT_WARNING_DAYS, 365);
    assert.equal(endOfSupportWarning("micro-agent", "2026-05-31"), undefined, "366 days before");
    assert.match(endOfSupportWarning("micro-agent", "2026-06-01") ?? "", /ends support for securityAgent micro-agent on 2027-06-01, within a year \(365 days from 2026-06-01\)/);
    assert.match(endOfSupportWarning("micro-agent", "2027-05-31") ?? "", /\(1 days from 2027-05-31\)/);
  });

  test("on and after the end date the warning says support has ended", () => {
    assert.equal(endOfSupportWarning("micro-agent", "2027-06-01"), "Microsoft ended support for securityAgent micro-agent on 2027-06-01; prefer defender-for-servers");
    assert.match(endOfSupportWarning("classic-module", "2026-11-29") ?? "", /ended support for securityAgent classic-module on 2022-03-01/);
  });

  test("modes without an announced end never warn", () => {
    for (const today of ["2026-11-29", "2040-01-01"]) {
      assert.equal(endOfSupportWarning("defender-for-servers", today), undefined);
      assert.equal(endOfSupportWarning("none", today), undefined);
    }
  });

  test("the warning depends on the injected date only, and the validated config does not", () => {
    const early = validateConfig(agent("classic-module"), "dev", { today: "2020-01-01" });
    const late = validateConfig(agent("classic-module"), "dev", { today: "2026-11-29" });
    assert.ok(early.ok && late.ok);
    assert.deepEqual(early.warnings, []);
    assert.equal(late.warnings.length, 1);
    assert.deepEqual(early.config, late.config);
  });
});

describe("micro-agent on an image without a documented package (config error)", () => {
  for (const image of VM_IMAGES) {
    test(`micro-agent on ${image} is an error naming the key, the value, the evidence and the allowed modes`, () => {
      const r = validateConfig(agent("micro-agent", image), "dev", { today: "2026-11-29" });
      assert.equal(r.ok, false);
      if (r.ok) return;
      assert.equal(r.errors.length, 1, r.errors.join("\n"));
      assert.match(r.errors[0], new RegExp(`^secure-iot-edge:securityAgent = "micro-agent": no install of this agent is documented for vmImage ${image.replace(".", "\\.")}: `));
      assert.match(r.errors[0], /only on Ubuntu 20\.04 and Debian/);
      assert.match(r.errors[0], /December 2022 to January 2023/);
      assert.match(r.errors[0], /allowed: defender-for-servers \(the default\), none, or classic-module$/);
    });
  }

  test("the error is collected with the other config errors", () => {
    const r = validateConfig({ ...agent("micro-agent"), "secure-iot-edge:hubSku": "B1" }, "dev", { today: "2026-11-29" });
    assert.equal(r.ok, false);
    if (!r.ok) assert.deepEqual(r.errors.map((e) => e.split(" = ")[0]), ["secure-iot-edge:hubSku", "secure-iot-edge:securityAgent"]);
  });

  test("every other mode is accepted on every image", () => {
    for (const mode of ["defender-for-servers", "none", "classic-module"]) {
      for (const image of VM_IMAGES) assert.ok(validateConfig(agent(mode, image), "dev", { today: "2026-11-29" }).ok, `${mode} on ${image}`);
    }
  });
});

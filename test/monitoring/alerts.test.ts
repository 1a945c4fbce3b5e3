/**
 * The alert queries (pure functions, tested directly) and the SecurityAlerts component, declared
 * under the Pulumi mock engine in a minimal program: these prove what the component declares, not
 * what Azure Monitor does with it.
 */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import fc from "fast-check";
import * as pulumi from "@pulumi/pulumi";
import {
  DEFENDER_IOT_PRODUCT_NAMES,
  defenderAlertsQuery,
  frequencyMinutes,
  LONG_LOOKBACK,
  MIN_SILENCE_MINUTES,
  silenceMinutes,
  silentDevicesQuery,
  SSH_FAILURE_PATTERNS,
  sshFailuresQuery,
} from "../../lib/monitoring/alertQueries";
import { ALERT_FREQUENCIES } from "../../lib/config/config";
import { declareUnderMocks, MOCK_SUBSCRIPTION, MOCK_SUFFIX, type DeclaredResource, type DeclaredStack } from "../../lib/plan/mockEngine";
import { resourceNames } from "../../lib/config/naming";
import { emailReceivers, SecurityAlerts, type SecurityAlertsArgs } from "../../components/alerts";

const RG = "rg-iotedge-test-a1b2c3";
const WORKSPACE_ID = `/subscriptions/${MOCK_SUBSCRIPTION}/resourceGroups/${RG}/providers/Microsoft.OperationalInsights/workspaces/log-iotedge-test-a1b2c3`;
const vmId = (name: string) => `/subscriptions/${MOCK_SUBSCRIPTION}/resourceGroups/${RG}/providers/Microsoft.Compute/virtualMachines/${name}`;
const VM_IDS = [vmId("vm-edge-001-test"), vmId("vm-edge-002-test")];

const T = { group: "azure-native:monitor:ActionGroup", rule: "azure-native:monitor:ScheduledQueryRule" };
type Props = Record<string, unknown>;

describe("alert queries", () => {
  test("frequencyMinutes reads every allowed evaluation frequency and refuses others", () => {
    assert.deepEqual(ALERT_FREQUENCIES.map(frequencyMinutes), [5, 10, 15, 30, 60]);
    assert.throws(() => frequencyMinutes("PT1M"), /allowed: PT5M/);
    assert.throws(() => frequencyMinutes("15"), RangeError);
  });

  test("the SSH query puts the threshold after >= and changes nothing else", () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 1000 }), (a, b) => {
      const qa = sshFailuresQuery(a);
      assert.ok(qa.endsWith(`| where Failures >= ${a}`));
      assert.equal(qa.replace(/>= \d+$/, ""), sshFailuresQuery(b).replace(/>= \d+$/, ""));
    }));
  });

  test("the SSH query counts sshd messages per host on the auth facilities for every failure pattern", () => {
    const q = sshFailuresQuery(10);
    assert.match(q, /^Syslog\n/);
    assert.match(q, /\| where Facility in \("auth", "authpriv"\)/);
    assert.match(q, /ProcessName startswith "sshd"/);
    for (const p of SSH_FAILURE_PATTERNS) assert.ok(q.includes(`SyslogMessage contains "${p}"`), p);
    assert.match(q, /summarize Failures = count\(\) by Computer/);
  });

  test("the SSH query refuses thresholds that are not whole numbers from 1 to 1000", () => {
    for (const bad of [0, -1, 1001, 2.5, Number.NaN]) assert.throws(() => sshFailuresQuery(bad), RangeError, String(bad));
  });

  test("the Defender query selects IoT alerts ingested within the window", () => {
    const q = defenderAlertsQuery(15);
    assert.match(q, /^SecurityAlert\n/);
    assert.match(q, /ingestion_time\(\) > ago\(15m\)/);
    for (const p of DEFENDER_IOT_PRODUCT_NAMES) assert.ok(q.includes(`"${p}"`), p);
    assert.match(q, /ResourceId contains "\/providers\/Microsoft\.Devices\/IotHubs\/"/);
    assert.equal(q, defenderAlertsQuery(15));
    assert.throws(() => defenderAlertsQuery(0), RangeError);
  });

  test("the silent-device query lists each VM once, in lower case and sorted, with the silence", () => {
    const q = silentDevicesQuery([VM_IDS[1], VM_IDS[0], VM_IDS[0].toUpperCase()], 20);
    const ids = VM_IDS.map((id) => `"${id.toLowerCase()}"`).join(", ");
    assert.ok(q.startsWith(`let expected = datatable(ResourceId: string) [${ids}];\n`), q);
    assert.match(q, /LastHeartbeat < ago\(20m\)/);
    assert.match(q, /isnull\(LastHeartbeat\)/);
  });

  test("the silent-device query refuses anything but virtual machine ids, so no text can break out of its string", () => {
    assert.throws(() => silentDevicesQuery([], 15), /at least one/);
    assert.throws(() => silentDevicesQuery([`${VM_IDS[0]}"] | union (SecurityAlert) //`], 15), /not a virtual machine resource id/);
    assert.throws(() => silentDevicesQuery([WORKSPACE_ID], 15), /not a virtual machine resource id/);
    fc.assert(fc.property(fc.string(), fc.constantFrom('"', "\\", "\n", "'", "]", ";"), (s, bad) => {
      assert.throws(() => silentDevicesQuery([`${VM_IDS[0]}${bad}${s}`], 15), RangeError);
    }));
  });

  test("a device counts as silent after the evaluation frequency, but never sooner than 15 minutes", () => {
    assert.equal(MIN_SILENCE_MINUTES, 15);
    assert.deepEqual(ALERT_FREQUENCIES.map(silenceMinutes), [15, 15, 15, 30, 60]);
  });

  test("emailReceivers names one receiver per address with the common alert schema", () => {
    assert.deepEqual(emailReceivers(["a@example.com", "b@example.com"]), [
      { name: "email-1", emailAddress: "a@example.com", useCommonAlertSchema: true },
      { name: "email-2", emailAddress: "b@example.com", useCommonAlertSchema: true },
    ]);
  });
});

function declareAlerts(overrides: Partial<SecurityAlertsArgs> = {}): Promise<DeclaredStack> {
  return declareUnderMocks(() => {
    const alerts = new SecurityAlerts("alerts", {
      resourceGroupName: RG,
      location: "westeurope",
      workspaceId: WORKSPACE_ID,
      names: pulumi.output(resourceNames("test", MOCK_SUFFIX)),
      emails: ["secops@example.com", "oncall@example.com"],
      severity: 1,
      evaluationFrequency: "PT5M",
      sshFailureThreshold: 7,
      vmIds: VM_IDS,
      tags: { stage: "test" },
      ...overrides,
    });
    return { ruleIds: alerts.ruleIds };
  }, "test", {});
}

const inputs = (r: DeclaredResource): Props => r.inputs as Props;
const rules = (s: DeclaredStack) => s.resources.filter((r) => r.type === T.rule);
const rule = (s: DeclaredStack, purpose: string): Props => {
  const found = rules(s).filter((r) => r.name === `alerts-${purpose}`);
  assert.equal(found.length, 1, `one ${purpose} rule`);
  return inputs(found[0]);
};
const condition = (r: Props): Props => ((r.criteria as Props).allOf as Props[])[0];

describe("SecurityAlerts (mock engine: what the component declares)", () => {
  let s: DeclaredStack;
  before(async () => {
    s = await declareAlerts();
  });

  test("declares one enabled global action group with an e-mail receiver per address", () => {
    const groups = s.resources.filter((r) => r.type === T.group);
    assert.equal(groups.length, 1);
    const g = inputs(groups[0]);
    assert.equal(g.location, "Global");
    assert.equal(g.enabled, true);
    assert.equal(g.actionGroupName, "ag-iotedge-test-security");
    assert.equal(g.groupShortName, "iotsectest");
    assert.deepEqual(g.emailReceivers, emailReceivers(["secops@example.com", "oncall@example.com"]));
    assert.equal(groups[0].parent, "secure-iot-edge:index:SecurityAlerts::alerts");
  });

  test("declares three log alert rules scoped to the workspace with the configured severity and frequency", () => {
    assert.deepEqual(rules(s).map((r) => r.name).sort(), ["alerts-defender-alerts", "alerts-silent-devices", "alerts-ssh-failures"]);
    for (const r of rules(s)) {
      const p = inputs(r);
      assert.equal(p.kind, "LogAlert", r.name);
      assert.deepEqual(p.scopes, [WORKSPACE_ID], r.name);
      assert.equal(p.severity, 1, r.name);
      assert.equal(p.evaluationFrequency, "PT5M", r.name);
      assert.equal(p.windowSize, "PT5M", r.name);
      assert.equal(p.location, "westeurope", r.name);
      assert.equal(r.parent, "secure-iot-edge:index:SecurityAlerts::alerts", r.name);
    }
  });

  test("declares every rule to notify the action group", () => {
    const groupId = `/subscriptions/${MOCK_SUBSCRIPTION}/resourceGroups/${RG}/providers/Microsoft.Insights/actionGroups/ag-iotedge-test-security`;
    for (const r of rules(s)) assert.deepEqual(inputs(r).actions, { actionGroups: [groupId] }, r.name);
  });

  test("declares rule names from the stage's naming scheme", () => {
    assert.equal(rule(s, "ssh-failures").ruleName, "alert-iotedge-test-ssh-failures");
    assert.equal(rule(s, "defender-alerts").ruleName, "alert-iotedge-test-defender-alerts");
    assert.equal(rule(s, "silent-devices").ruleName, "alert-iotedge-test-silent-devices");
  });

  test("declares the SSH rule with the configured threshold, split per host, as an event", () => {
    const r = rule(s, "ssh-failures");
    const c = condition(r);
    assert.equal(c.query, sshFailuresQuery(7));
    assert.match(String(c.query), />= 7$/);
    assert.equal(c.timeAggregation, "Count");
    assert.equal(c.operator, "GreaterThan");
    assert.equal(c.threshold, 0);
    assert.deepEqual(c.dimensions, [{ name: "Computer", operator: "Include", values: ["*"] }]);
    assert.equal(r.autoMitigate, false);
  });

  test("declares every rule with query validation skipped (tables appear only with their first record)", () => {
    for (const r of rules(s)) assert.equal((r.inputs as { skipQueryValidation?: boolean }).skipQueryValidation, true, r.name);
  });

  test("declares the Defender rule over a day of ingestion", () => {
    const r = rule(s, "defender-alerts");
    assert.equal(condition(r).query, defenderAlertsQuery(5));
    assert.equal(r.overrideQueryTimeRange, LONG_LOOKBACK);
    assert.equal(r.skipQueryValidation, true);
    assert.equal(r.autoMitigate, false);
  });

  test("declares the silent-device rule over the given VMs, resolving itself when they report again", () => {
    const r = rule(s, "silent-devices");
    assert.equal(condition(r).query, silentDevicesQuery(VM_IDS, 15));
    assert.equal(r.overrideQueryTimeRange, LONG_LOOKBACK);
    assert.equal(r.autoMitigate, true);
    assert.equal(r.enabled, true);
  });
});

describe("SecurityAlerts without e-mail addresses or VMs (mock engine)", () => {
  test("declares no action group and rules without actions when no address is given", async () => {
    const s = await declareAlerts({ emails: [] });
    assert.equal(s.resources.filter((r) => r.type === T.group).length, 0);
    assert.equal(rules(s).length, 3);
    for (const r of rules(s)) assert.equal(inputs(r).actions, undefined, r.name);
  });

  test("declares no silent-device rule when there are no VMs to watch", async () => {
    const s = await declareAlerts({ vmIds: [] });
    assert.deepEqual(rules(s).map((r) => r.name).sort(), ["alerts-defender-alerts", "alerts-ssh-failures"]);
  });

  test("declares the silent-device rule disabled when asked (daily auto-shutdown)", async () => {
    const s = await declareAlerts({ silentDeviceAlertEnabled: false, evaluationFrequency: "PT30M" });
    const r = rule(s, "silent-devices");
    assert.equal(r.enabled, false);
    assert.equal(condition(r).query, silentDevicesQuery(VM_IDS, 30));
    assert.equal(r.windowSize, "PT30M");
  });
});

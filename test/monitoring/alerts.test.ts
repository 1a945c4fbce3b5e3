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
  DEFENDER_IOT_PROVIDER,
  defenderAlertsQuery,
  HOST_LOG_FACILITIES,
  SSH_FACILITIES,
  SSH_FAILURE_REGEX,
  SSH_SOURCE_REGEX,
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
const HUB_ID = `/subscriptions/${MOCK_SUBSCRIPTION}/resourceGroups/${RG}/providers/Microsoft.Devices/IotHubs/iot-iotedge-test-a1b2c3`;

const T = { group: "azure-native:monitor:ActionGroup", rule: "azure-native:monitor:ScheduledQueryRule" };
type Props = Record<string, unknown>;

describe("alert queries", () => {
  test("frequencyMinutes reads every allowed evaluation frequency and refuses others", () => {
    assert.deepEqual(ALERT_FREQUENCIES.map(frequencyMinutes), [5, 10, 15, 30, 60]);
    assert.throws(() => frequencyMinutes("PT1M"), /allowed: PT5M/);
    assert.throws(() => frequencyMinutes("15"), RangeError);
  });

  test("the SSH query matches every failure kind case-insensitively, counts distinct client address and port per host, and applies no threshold", () => {
    assert.equal(sshFailuresQuery(), [
      `union isfuzzy=true (datatable(TimeGenerated: datetime, Computer: string, Facility: string, ProcessName: string, SyslogMessage: string, _ResourceId: string) []), (Syslog)`,
      `| where Facility in ("auth", "authpriv")`,
      `| where ProcessName startswith "sshd"`,
      `| where SyslogMessage matches regex @"(?i)(Failed [a-z-]+(/[a-z]+)? for )|(Invalid user )|((Connection closed by|Disconnected from|Connection reset by) (authenticating|invalid) user )|(maximum authentication attempts exceeded)|(Too many authentication failures)"`,
      `| extend Source = extract(@"([0-9A-Fa-f:.]+) port ([0-9]+)", 0, SyslogMessage)`,
      "| where isnotempty(Source)",
      "| summarize by Computer, Source",
      "| summarize Failures = count() by Computer",
    ].join("\n"));
    for (const p of SSH_FAILURE_PATTERNS) assert.ok(SSH_FAILURE_REGEX.includes(`(${p})`), p);
  });

  test("the SSH patterns stay in the RE2/JavaScript common subset: no lookaround, backreference, named group or quote", () => {
    for (const re of [SSH_FAILURE_REGEX, SSH_SOURCE_REGEX]) {
      assert.doesNotMatch(re, /\(\?[=!<]|\\[1-9]|\(\?P?<|"/, re);
      assert.doesNotThrow(() => new RegExp(re, "i"));
    }
  });

  test("the Defender query selects IoTSecurity and the documented products, only this stack's hub and VMs, once per SystemAlertId", () => {
    const q = defenderAlertsQuery(15, [HUB_ID, VM_IDS[1], VM_IDS[0]]);
    const ids = [HUB_ID, ...VM_IDS].map((id) => id.toLowerCase()).sort();
    assert.equal(q, [
      `let stackResources = dynamic([${ids.map((id) => JSON.stringify(id)).join(", ")}]);`,
      "union isfuzzy=true (datatable(TimeGenerated: datetime, SystemAlertId: string, ProviderName: string, ProductName: string, DisplayName: string, AlertSeverity: string, ResourceId: string, CompromisedEntity: string, ExtendedProperties: string) []), (SecurityAlert)",
      `| where ProviderName == "IoTSecurity" or ProductName in~ ("Azure Security Center for IoT", "Azure Defender for IoT", "Azure Security Center", "Microsoft Defender for Cloud")`,
      "| extend Resource = tolower(ResourceId)",
      `| where Resource in (stackResources) or ${ids.map((id) => `Resource startswith "${id}/"`).join(" or ")}`,
      "| extend Ingested = ingestion_time()",
      "| summarize FirstIngested = min(Ingested), arg_max(Ingested, DisplayName, AlertSeverity, ResourceId, CompromisedEntity, ExtendedProperties) by SystemAlertId",
      "| where FirstIngested > ago(15m)",
      "| extend DeviceId = tostring(parse_json(ExtendedProperties).DeviceId)",
      "| project FirstIngested, SystemAlertId, DisplayName, AlertSeverity, CompromisedEntity, DeviceId, ResourceId",
    ].join("\n"));
    assert.ok(!q.includes("Microsoft Defender for IoT"), "the undocumented product name is gone");
    assert.equal(DEFENDER_IOT_PRODUCT_NAMES.length, 2);
  });

  test("the Defender query refuses windows outside 1-1440 minutes, no resources, and anything but hub and VM ids", () => {
    assert.doesNotThrow(() => defenderAlertsQuery(1, [HUB_ID]));
    assert.doesNotThrow(() => defenderAlertsQuery(1440, [HUB_ID]));
    for (const bad of [0, 1441, 2.5]) assert.throws(() => defenderAlertsQuery(bad, [HUB_ID]), RangeError, String(bad));
    assert.throws(() => defenderAlertsQuery(15, []), /at least one resource id/);
    assert.throws(() => defenderAlertsQuery(15, [WORKSPACE_ID]), /not an IoT hub or virtual machine resource id/);
    assert.throws(() => defenderAlertsQuery(15, [`${HUB_ID}"]); SecurityAlert //`]), RangeError);
  });

  test("the Defender query, whole, for the hub alone and for the hub with VMs given twice in other cases, at both ends of the window", () => {
    const hub = `/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/rg-iotedge-test-a1b2c3/providers/microsoft.devices/iothubs/iot-iotedge-test-a1b2c3`;
    const vm1 = `/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/rg-iotedge-test-a1b2c3/providers/microsoft.compute/virtualmachines/vm-edge-001-test`;
    const vm2 = `/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/rg-iotedge-test-a1b2c3/providers/microsoft.compute/virtualmachines/vm-edge-002-test`;
    const expected = (resources: string, scope: string, minutes: number) => [
      `let stackResources = dynamic([${resources}]);`,
      "union isfuzzy=true (datatable(TimeGenerated: datetime, SystemAlertId: string, ProviderName: string, ProductName: string, DisplayName: string, AlertSeverity: string, ResourceId: string, CompromisedEntity: string, ExtendedProperties: string) []), (SecurityAlert)",
      `| where ProviderName == "IoTSecurity" or ProductName in~ ("Azure Security Center for IoT", "Azure Defender for IoT", "Azure Security Center", "Microsoft Defender for Cloud")`,
      "| extend Resource = tolower(ResourceId)",
      `| where Resource in (stackResources) or ${scope}`,
      "| extend Ingested = ingestion_time()",
      "| summarize FirstIngested = min(Ingested), arg_max(Ingested, DisplayName, AlertSeverity, ResourceId, CompromisedEntity, ExtendedProperties) by SystemAlertId",
      `| where FirstIngested > ago(${minutes}m)`,
      "| extend DeviceId = tostring(parse_json(ExtendedProperties).DeviceId)",
      "| project FirstIngested, SystemAlertId, DisplayName, AlertSeverity, CompromisedEntity, DeviceId, ResourceId",
    ].join("\n");
    assert.equal(defenderAlertsQuery(1, [HUB_ID]), expected(`"${hub}"`, `Resource startswith "${hub}/"`, 1));
    assert.equal(
      defenderAlertsQuery(1440, [VM_IDS[1], HUB_ID.toUpperCase(), VM_IDS[0], HUB_ID, VM_IDS[1].toLowerCase()]),
      // Sorted: ".../microsoft.compute/..." before ".../microsoft.devices/...".
      expected(`"${vm1}", "${vm2}", "${hub}"`, `Resource startswith "${vm1}/" or Resource startswith "${vm2}/" or Resource startswith "${hub}/"`, 1440),
    );
  });

  test("the Defender query refuses a window outside 1-1440 whole minutes and an empty id list, with messages naming the problem", () => {
    for (const bad of [0, -5, 1441, 2.5, Number.NaN]) {
      assert.throws(() => defenderAlertsQuery(bad, [HUB_ID]), { name: "RangeError", message: `window in minutes ${bad}: allowed: a whole number from 1 to 1440` }, String(bad));
    }
    assert.throws(() => defenderAlertsQuery(15, []), { name: "RangeError", message: "Defender alert query: at least one resource id (the hub) is needed" });
    // Every id is checked, not only the first.
    assert.throws(() => defenderAlertsQuery(15, [HUB_ID, WORKSPACE_ID]), { name: "RangeError", message: `"${WORKSPACE_ID}" is not an IoT hub or virtual machine resource id` });
  });

  test("frequencyMinutes names the refused value and the allowed frequencies", () => {
    assert.throws(() => frequencyMinutes("PT1M"), { name: "RangeError", message: 'evaluation frequency "PT1M": allowed: PT5M, PT10M, PT15M, PT30M, PT1H' });
    assert.throws(() => frequencyMinutes("PT2H"), { name: "RangeError", message: 'evaluation frequency "PT2H": allowed: PT5M, PT10M, PT15M, PT30M, PT1H' });
    assert.throws(() => silenceMinutes("PT1M"), RangeError);
  });

  test("the host collects sshd/PAM's facilities and auditd's, and the Defender rules look back a day", () => {
    assert.deepEqual([...SSH_FACILITIES], ["auth", "authpriv"]);
    assert.deepEqual([...HOST_LOG_FACILITIES], ["auth", "authpriv", "local6"]);
    assert.equal(LONG_LOOKBACK, "P1D");
    assert.equal(DEFENDER_IOT_PROVIDER, "IoTSecurity");
  });

  test("every query survives a workspace without its table: each reads it through union isfuzzy with a typed empty datatable", () => {
    for (const q of [sshFailuresQuery(), defenderAlertsQuery(15, [HUB_ID]), silentDevicesQuery(VM_IDS, 15)]) {
      assert.match(q, /union isfuzzy=true \(datatable\([^)]+\) \[\]\), \((Syslog|SecurityAlert|Heartbeat)\)/);
    }
  });

  test("the silent-device query lists each VM once, in lower case and sorted, with the silence", () => {
    const q = silentDevicesQuery([VM_IDS[1], VM_IDS[0], VM_IDS[0].toUpperCase()], 20);
    const ids = VM_IDS.map((id) => `"${id.toLowerCase()}"`).join(", ");
    assert.ok(q.startsWith(`let expected = datatable(ResourceId: string) [${ids}];\n`), q);
    assert.match(q, /LastHeartbeat < ago\(20m\)/);
    assert.match(q, /\(Heartbeat\)\n {4}\| where Category == "Azure Monitor Agent"\n {4}\| summarize LastHeartbeat/);
    assert.match(q, /isnull\(LastHeartbeat\)/);
  });

  test("the silent-device query, whole: a VM is reported when it never sent a heartbeat OR its last one is older than the silence", () => {
    const sub = "00000000-0000-0000-0000-000000000000";
    const vm1 = `/subscriptions/${sub}/resourcegroups/rg-iotedge-test-a1b2c3/providers/microsoft.compute/virtualmachines/vm-edge-001-test`;
    const vm2 = `/subscriptions/${sub}/resourcegroups/rg-iotedge-test-a1b2c3/providers/microsoft.compute/virtualmachines/vm-edge-002-test`;
    const expected = (ids: string, minutes: number) => [
      `let expected = datatable(ResourceId: string) [${ids}];`,
      "let lastSeen = union isfuzzy=true (datatable(TimeGenerated: datetime, Category: string, _ResourceId: string) []), (Heartbeat)",
      "    | where Category == \"Azure Monitor Agent\"",
      "    | summarize LastHeartbeat = max(TimeGenerated) by ResourceId = tolower(_ResourceId);",
      "expected",
      "| join kind=leftouter lastSeen on ResourceId",
      `| where isnull(LastHeartbeat) or LastHeartbeat < ago(${minutes}m)`,
      "| project ResourceId, LastHeartbeat",
    ].join("\n");
    // The default the component uses (the 15-minute floor), one VM.
    assert.equal(silentDevicesQuery([VM_IDS[0]], MIN_SILENCE_MINUTES), expected(`"${vm1}"`, 15));
    // Two VMs given out of order and one twice in another case: each once, lower case, sorted.
    assert.equal(silentDevicesQuery([VM_IDS[1], VM_IDS[0].toUpperCase(), VM_IDS[0]], 60), expected(`"${vm1}", "${vm2}"`, 60));
    // The silence is the only number in the query: the limits of its range reach the text as given.
    assert.equal(silentDevicesQuery([VM_IDS[0]], 1), expected(`"${vm1}"`, 1));
    assert.equal(silentDevicesQuery([VM_IDS[0]], 1440), expected(`"${vm1}"`, 1440));
  });

  test("the silent-device query refuses a silence outside 1-1440 whole minutes, naming the value and the range", () => {
    assert.doesNotThrow(() => silentDevicesQuery(VM_IDS, 1));
    assert.doesNotThrow(() => silentDevicesQuery(VM_IDS, 1440));
    for (const bad of [0, -1, 1441, 2.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
      assert.throws(() => silentDevicesQuery(VM_IDS, bad), { name: "RangeError", message: `silence in minutes ${bad}: allowed: a whole number from 1 to 1440` }, String(bad));
    }
  });

  test("the silent-device query refuses no VMs and non-VM ids with messages naming the problem", () => {
    assert.throws(() => silentDevicesQuery([], 15), { name: "RangeError", message: "silent-device query: at least one VM id is needed" });
    assert.throws(() => silentDevicesQuery([HUB_ID], 15), { name: "RangeError", message: `"${HUB_ID}" is not a virtual machine resource id` });
    // Every id is checked, not only the first.
    assert.throws(() => silentDevicesQuery([VM_IDS[0], HUB_ID], 15), { name: "RangeError", message: `"${HUB_ID}" is not a virtual machine resource id` });
  });

  test("resource ids: every part of the id pattern, both sides of each length limit, for the Defender (hub or VM) and silent-device (VM only) queries", () => {
    const SUB = "0123abcd-0123-4567-89ab-0123456789ef";
    const id = (o: { sub?: string; rg?: string; provider?: string; name?: string; prefix?: string; suffix?: string } = {}) =>
      `${o.prefix ?? ""}/subscriptions/${o.sub ?? SUB}/resourceGroups/${o.rg ?? "rg-1"}/providers/${o.provider ?? "Microsoft.Compute/virtualMachines"}/${o.name ?? "vm-1"}${o.suffix ?? ""}`;
    const hub = (o: Parameters<typeof id>[0] = {}) => id({ provider: "Microsoft.Devices/IotHubs", ...o });
    const vmOk = [
      id(),
      id({ sub: SUB.toUpperCase() }),
      id({ rg: "r" }),
      id({ rg: "a".repeat(90) }),
      id({ rg: "Rg_A-b.c(1)" }),
      id({ name: "v" }),
      id({ name: "9" }),
      // Both ends of each range of the name's first and further characters.
      id({ name: "0" }),
      id({ name: "z" }),
      id({ name: "za09-z" }),
      id({ name: `v${"-".repeat(61)}9` }),
      id({ name: "a".repeat(63) }),
      id({ name: "VM-EDGE-001" }),
      id({ provider: "microsoft.compute/VIRTUALMACHINES" }),
      id().replace("/resourceGroups/", "/resourcegroups/"),
    ];
    const hubOk = [hub(), hub({ name: "a".repeat(63) }), hub({ provider: "MICROSOFT.DEVICES/iothubs" })];
    const bad = [
      "",
      id({ sub: SUB.slice(1) }),
      id({ sub: `${SUB}0` }),
      id({ sub: SUB.replace("a", "g") }),
      id({ rg: "" }),
      id({ rg: "a".repeat(91) }),
      id({ rg: "rg 1" }),
      id({ rg: "rg/1" }),
      id({ name: "" }),
      id({ name: "a".repeat(64) }),
      id({ name: "-vm" }),
      id({ name: "vm_1" }),
      id({ name: "vm.1" }),
      id({ provider: "MicrosoftXCompute/virtualMachines" }),
      id({ provider: "Microsoft.Compute/virtualMachineScaleSets" }),
      id({ provider: "Microsoft.Devices/IotHubsX" }),
      id({ provider: "Microsoft.Storage/storageAccounts" }),
      id({ prefix: "x" }),
      id({ prefix: "/" }),
      id({ suffix: "/extensions/AzureMonitorLinuxAgent" }),
      id({ suffix: "\n" }),
      id({ suffix: "\"" }),
      id().replace("/subscriptions/", "/subscription/"),
      id().replace("/providers/", "/provider/"),
      id().replace("/resourceGroups/", "/resourceGroup/"),
    ];
    for (const ok of vmOk) {
      assert.doesNotThrow(() => defenderAlertsQuery(15, [ok]), ok);
      assert.doesNotThrow(() => silentDevicesQuery([ok], 15), ok);
    }
    for (const ok of hubOk) {
      assert.doesNotThrow(() => defenderAlertsQuery(15, [ok]), ok);
      assert.throws(() => silentDevicesQuery([ok], 15), { name: "RangeError", message: `${JSON.stringify(ok)} is not a virtual machine resource id` }, ok);
    }
    for (const b of [...bad, ...bad.map((x) => x.replace("Microsoft.Compute/virtualMachines", "Microsoft.Devices/IotHubs"))]) {
      assert.throws(() => defenderAlertsQuery(15, [b]), { name: "RangeError", message: `${JSON.stringify(b)} is not an IoT hub or virtual machine resource id` }, b);
      assert.throws(() => silentDevicesQuery([b], 15), RangeError, b);
    }
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
      hubId: HUB_ID,
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

  test("declares the SSH rule measuring Failures (Total) against the configured threshold, split per host, as an event", () => {
    const r = rule(s, "ssh-failures");
    const c = condition(r);
    assert.equal(c.query, sshFailuresQuery());
    assert.equal(c.metricMeasureColumn, "Failures");
    assert.equal(c.timeAggregation, "Total");
    assert.equal(c.operator, "GreaterThanOrEqual");
    assert.equal(c.threshold, 7);
    assert.deepEqual(c.dimensions, [{ name: "Computer", operator: "Include", values: ["*"] }]);
    assert.equal(r.autoMitigate, false);
  });

  test("declares the Defender and silent-device rules counting rows (Count > 0), without a measure column", () => {
    for (const purpose of ["defender-alerts", "silent-devices"]) {
      const c = condition(rule(s, purpose));
      assert.equal(c.metricMeasureColumn, undefined, purpose);
      assert.equal(c.timeAggregation, "Count", purpose);
      assert.equal(c.operator, "GreaterThan", purpose);
      assert.equal(c.threshold, 0, purpose);
    }
  });

  test("declares every rule with query validation skipped (tables appear only with their first record)", () => {
    for (const r of rules(s)) assert.equal((r.inputs as { skipQueryValidation?: boolean }).skipQueryValidation, true, r.name);
  });

  test("declares the Defender rule over a day of ingestion, for the hub and the VMs, one alert per SystemAlertId", () => {
    const r = rule(s, "defender-alerts");
    assert.equal(condition(r).query, defenderAlertsQuery(5, [HUB_ID, ...VM_IDS]));
    assert.deepEqual(condition(r).dimensions, [{ name: "SystemAlertId", operator: "Include", values: ["*"] }]);
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

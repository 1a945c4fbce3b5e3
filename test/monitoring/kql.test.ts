/**
 * The alert queries compiled with Microsoft's Kusto parser and semantic analyser
 * (`@kusto/language-service-next`) against the documented columns of the tables they read
 * (test/fixtures/kusto-tables.json). Proves the queries every stage declares (mock engine) are
 * valid KQL over those columns; not that the workspace holds matching data.
 */
import { describe, test } from "node:test";
import type { TestContext } from "node:test";
import * as assert from "node:assert/strict";
import { declareStack, ofType, stackNames } from "../helpers/stacks";
import { kqlDiagnostics, kustoAvailable, tableSchemas } from "../helpers/kusto";
import { requireValidator } from "../helpers/validators";
import {
  HEARTBEAT_COLUMNS,
  SECURITY_ALERT_COLUMNS,
  SYSLOG_COLUMNS,
  defenderAlertsQuery,
  silentDevicesQuery,
  sshFailuresQuery,
} from "../../lib/monitoring/alertQueries";

type Props = Record<string, unknown>;
const available = kustoAvailable();
const ready = (t: TestContext) => requireValidator(t, available, "@kusto/language-service-next (npm ci)");
const HUB = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-iotedge-dev-a1b2c3/providers/Microsoft.Devices/IotHubs/iot-iotedge-dev-a1b2c3";
const VM = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-iotedge-dev-a1b2c3/providers/Microsoft.Compute/virtualMachines/vm-edge-001-dev";

describe("the table schema file", () => {
  test("lists Syslog, SecurityAlert and Heartbeat, each with a Microsoft Learn source", () => {
    const tables = tableSchemas();
    assert.deepEqual(Object.keys(tables).sort(), ["Heartbeat", "SecurityAlert", "Syslog"]);
    for (const [name, t] of Object.entries(tables)) {
      assert.equal(t.source, `https://learn.microsoft.com/azure/azure-monitor/reference/tables/${name.toLowerCase()}`, name);
      assert.ok(Object.keys(t.columns).length > 5, name);
    }
  });

  test("each empty stand-in table of the queries has exactly the documented type of every column it declares", () => {
    const tables = tableSchemas();
    for (const [table, columns] of [["Syslog", SYSLOG_COLUMNS], ["SecurityAlert", SECURITY_ALERT_COLUMNS], ["Heartbeat", HEARTBEAT_COLUMNS]] as const) {
      for (const [column, type] of Object.entries(columns)) assert.equal(tables[table].columns[column], type, `${table}.${column}`);
    }
  });
});

describe("every alert query of every stage compiles without diagnostics (mock engine: what the program declares)", () => {
  for (const stage of stackNames()) {
    test(`${stage}: each scheduled query rule's query`, async (t) => {
      if (!ready(t)) return;
      const s = await declareStack(stage);
      const rules = ofType(s.resources, "azure-native:monitor:ScheduledQueryRule");
      assert.ok(rules.length >= 3, `${stage} declares the SSH, Defender and silent-device rules`);
      for (const r of rules) {
        const allOf = ((r.inputs as Props).criteria as Props).allOf as Props[];
        for (const c of allOf) assert.deepEqual(kqlDiagnostics(String(c.query)), [], `${stage} ${r.name}:\n${String(c.query)}`);
      }
    });
  }
});

describe("the analyser rejects broken queries (the check can fail)", () => {
  const cases: [string, string, RegExp][] = [
    ["a misspelt column in the SSH query", sshFailuresQuery().replace("| where ProcessName", "| where ProcesName"), /KS142.*ProcesName/],
    ["a misspelt column in the Defender query", defenderAlertsQuery(15, [HUB, VM]).replace("by SystemAlertId", "by SystemAlertID"), /SystemAlertID/],
    ["a column the table does not have", silentDevicesQuery([VM], 15).replace("where Category ==", "where AgentCategory =="), /KS142.*AgentCategory/],
    ["a syntax error (a missing pipe)", sshFailuresQuery().replace("| summarize by Computer", "summarize by Computer"), /KS/],
    ["a syntax error (an unclosed datatable)", silentDevicesQuery([VM], 15).replace('"];', '";'), /KS/],
  ];
  for (const [what, query, expected] of cases) {
    test(`${what} gives an error diagnostic`, (t) => {
      if (!ready(t)) return;
      const errors = kqlDiagnostics(query).filter((d) => d.severity === "Error");
      assert.ok(errors.length > 0, `no error for:\n${query}`);
      assert.match(errors.map((d) => `${d.code} ${d.message}`).join("\n"), expected);
    });
  }

  test("a table missing from the schema is an error when read directly, and only a warning through union isfuzzy", (t) => {
    if (!ready(t)) return;
    const withoutSyslog = Object.fromEntries(Object.entries(tableSchemas()).filter(([name]) => name !== "Syslog"));
    assert.ok(kqlDiagnostics("Syslog | take 1", withoutSyslog).some((d) => d.severity === "Error"));
    const fuzzy = kqlDiagnostics(sshFailuresQuery(), withoutSyslog);
    assert.deepEqual(fuzzy.map((d) => d.severity), ["Warning"], JSON.stringify(fuzzy));
  });
});

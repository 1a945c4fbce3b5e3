/**
 * GIVEN each stack file in the repository, WHEN the program is declared under the Pulumi mock
 * engine and every policy of the pack is run over what it declares, THEN nothing is reported.
 * (Mock engine: this checks what the program declares against the pack's rules.)
 */
import { describe, test, before } from "node:test";
import * as assert from "node:assert/strict";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { policies } from "../../policy/policies";
import { mockState, revealSecrets, type DeclaredStack } from "../../lib/plan/mockEngine";
import { declareStack } from "../helpers/stacks";
import { runResourcePolicy, runStackPolicy } from "../helpers/policyHarness";

const resourcePolicies = policies.filter((p): p is ResourceValidationPolicy => "validateResource" in p);
const stackPolicies = policies.filter((p): p is StackValidationPolicy => "validateStack" in p);

/** Props as the engine would report them after an update: inputs plus the resource's id. */
function props(r: DeclaredStack["resources"][number]): Record<string, unknown> {
  const plain = revealSecrets(r.inputs) as Record<string, unknown>;
  return { ...plain, id: mockState(r.type, r.name, r.inputs).id };
}

async function violations(s: DeclaredStack): Promise<string[]> {
  const found: string[] = [];
  const custom = s.resources.filter((r) => r.custom && r.type !== "pulumi:pulumi:Stack");
  for (const r of custom) {
    for (const p of resourcePolicies) {
      for (const m of await runResourcePolicy(p, r.type, r.name, props(r))) found.push(`${p.name} on ${r.name}: ${m}`);
    }
  }
  const entries = custom.map((r) => ({ type: r.type, name: r.name, props: props(r) }));
  for (const p of stackPolicies) for (const v of await runStackPolicy(p, entries)) found.push(`${p.name}: ${v.message}`);
  return found;
}

for (const stage of ["dev", "prod", "trial"]) {
  describe(`the ${stage} stack against the policy pack`, () => {
    let s: DeclaredStack;
    before(async () => {
      s = await declareStack(stage);
    });

    if (stage === "prod") {
      // Pulumi.prod.yaml leaves alertEmails empty on purpose: the user must name a recipient.
      test("as committed, reports only the missing alert recipients; with alertEmails set, nothing", async () => {
        const found = await violations(s);
        assert.equal(found.length, 1);
        assert.match(found[0], /^prod-alert-recipients: The production stack .* has no enabled action group with an e-mail receiver/);
        assert.deepEqual(await violations(await declareStack(stage, { alertEmails: ["secops@example.com"] })), []);
      });
    } else {
      test("declares nothing that a mandatory or advisory policy reports", async () => {
        assert.deepEqual(await violations(s), []);
      });
    }

    test("control: the same check reports an NSG rule opened to the internet", async () => {
      const nsg = s.resources.find((r) => r.type === "azure-native:network:NetworkSecurityGroup");
      assert.ok(nsg);
      const opened = structuredClone(nsg.inputs) as { securityRules: Record<string, unknown>[] };
      opened.securityRules[0] = { ...opened.securityRules[0], sourceAddressPrefix: "Internet" };
      const baseline = await violations(s);
      const found = (await violations({ ...s, resources: s.resources.map((r) => (r === nsg ? { ...nsg, inputs: opened } : r)) })).filter((v) => !baseline.includes(v));
      assert.equal(found.length, 1);
      assert.match(found[0], /^nsg-no-internet-inbound on network-nsg: .*allows inbound traffic from the internet/);
    });

    test("control: the same check reports the NSG without its deny of SSH from the virtual network", async () => {
      const nsg = s.resources.find((r) => r.type === "azure-native:network:NetworkSecurityGroup");
      assert.ok(nsg);
      const opened = structuredClone(nsg.inputs) as { securityRules: Record<string, unknown>[] };
      opened.securityRules = opened.securityRules.filter((r) => r.name !== "deny-ssh-from-vnet");
      const baseline = await violations(s);
      const found = (await violations({ ...s, resources: s.resources.map((r) => (r === nsg ? { ...nsg, inputs: opened } : r)) })).filter((v) => !baseline.includes(v));
      assert.equal(found.length, 1);
      assert.match(found[0], /^nsg-ssh-only-from-bastion on network-nsg: .*no inbound rule denying it from 'VirtualNetwork'/);
    });
  });
}

describe("the trial stack", () => {
  test("declares expiresOn on its resources, a workspace cap and a VM auto-shutdown (mock engine)", async () => {
    const s = await declareStack("trial");
    const ws = s.resources.find((r) => r.type === "azure-native:operationalinsights:Workspace");
    const plain = revealSecrets(ws?.inputs) as { workspaceCapping?: { dailyQuotaGb: number }; tags: Record<string, string> };
    assert.deepEqual(plain.workspaceCapping, { dailyQuotaGb: 0.5 });
    assert.equal(plain.tags.expiresOn, "2026-12-12");
    const schedule = s.resources.find((r) => r.type === "azure-native:devtestlab:GlobalSchedule");
    assert.equal((revealSecrets(schedule?.inputs) as { dailyRecurrence: { time: string } }).dailyRecurrence.time, "1800");
  });
});

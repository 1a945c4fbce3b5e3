/**
 * GIVEN the dev and prod stacks in sas and entra mode, WHEN the real program runs under the Pulumi
 * mock engine, THEN the hub declares its built-in policies plus the program's least-privilege
 * policy (sas), the data-plane resources carry that policy's key and never iothubowner's, and in
 * entra mode no resource carries any hub key and prod's hub switches local auth off.
 * (Mock engine: this proves what the program declares, not what Azure does with it.)
 */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { declareStack, ofType, one } from "../helpers/stacks";
import { MOCK_DATAPLANE_KEY, MOCK_OWNER_KEY, revealSecrets, type DeclaredStack } from "../../lib/plan/mockEngine";
import { hubLocalAuthDisabled } from "../../lib/iothub/access";

const HUB = "azure-native:iothub:IotHubResource";
const DYNAMIC = "pulumi-nodejs:dynamic:Resource";
type Props = Record<string, unknown>;
const hubProps = (s: DeclaredStack) => (revealSecrets(one(s.resources, HUB).inputs) as Props).properties as Props;

const BUILT_INS = [
  { keyName: "iothubowner", rights: "RegistryWrite, ServiceConnect, DeviceConnect" },
  { keyName: "service", rights: "ServiceConnect" },
  { keyName: "device", rights: "DeviceConnect" },
  { keyName: "registryRead", rights: "RegistryRead" },
  { keyName: "registryReadWrite", rights: "RegistryWrite" },
];

describe("data-plane access, sas mode (mock engine: what the program declares)", () => {
  let s: DeclaredStack;
  before(async () => {
    s = await declareStack("dev");
  });

  test("the hub keeps the five built-in policies and adds pulumi-dataplane with RegistryRead, RegistryWrite, ServiceConnect only", () => {
    assert.deepEqual(hubProps(s).authorizationPolicies, [...BUILT_INS, { keyName: "pulumi-dataplane", rights: "RegistryRead, RegistryWrite, ServiceConnect" }]);
    assert.equal(hubProps(s).disableLocalAuth, false);
  });

  test("every data-plane resource signs with pulumi-dataplane's key, as a secret, and no iothubowner key is anywhere in the declared state", () => {
    const dynamics = ofType(s.resources, DYNAMIC);
    assert.ok(dynamics.length >= 2);
    for (const d of dynamics) {
      const inputs = revealSecrets(d.inputs) as Props;
      assert.equal(inputs.keyName, "pulumi-dataplane", d.name);
      assert.equal(inputs.hubKey, MOCK_DATAPLANE_KEY, d.name);
    }
    assert.ok(!JSON.stringify(s.resources.map((r) => revealSecrets(r.inputs))).includes(MOCK_OWNER_KEY));
  });
});

for (const stage of ["dev", "prod"]) {
  describe(`data-plane access, entra mode, ${stage} (mock engine: what the program declares)`, () => {
    let s: DeclaredStack;
    before(async () => {
      s = await declareStack(stage, { dataPlaneAuth: "entra" });
    });

    test("no data-plane resource carries a hub key or policy name; each says entra", () => {
      const dynamics = ofType(s.resources, DYNAMIC);
      assert.ok(dynamics.length >= 2);
      for (const d of dynamics) {
        const inputs = revealSecrets(d.inputs) as Props;
        assert.equal(inputs.dataPlaneAuth, "entra", d.name);
        assert.equal(inputs.hubKey, undefined, d.name);
        assert.equal(inputs.keyName, undefined, d.name);
      }
      const all = JSON.stringify(s.resources.map((r) => revealSecrets(r.inputs)));
      assert.ok(!all.includes(MOCK_OWNER_KEY) && !all.includes(MOCK_DATAPLANE_KEY));
    });

    test(`the hub declares only the built-in policies and ${stage === "prod" ? "switches local auth off" : "keeps local auth (not prod)"}`, () => {
      assert.deepEqual(hubProps(s).authorizationPolicies, BUILT_INS);
      assert.equal(hubProps(s).disableLocalAuth, stage === "prod");
    });
  });
}

test("local auth goes off only in prod, only with entra, and never when something else needs it (e.g. a DPS link)", () => {
  assert.equal(hubLocalAuthDisabled({ stage: "prod", mode: "entra", localAuthNeeded: false }), true);
  assert.equal(hubLocalAuthDisabled({ stage: "prod", mode: "entra", localAuthNeeded: true }), false);
  assert.equal(hubLocalAuthDisabled({ stage: "prod", mode: "sas", localAuthNeeded: false }), false);
  assert.equal(hubLocalAuthDisabled({ stage: "dev", mode: "entra", localAuthNeeded: false }), false);
});

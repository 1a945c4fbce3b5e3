import { describe, test } from "node:test";
import * as assert from "node:assert/strict";
import * as fc from "fast-check";
import { contains, overlaps, parseCidr, type Cidr } from "../../lib/network/cidr";
import { edgeNsgRules, internetInboundAllows, isInternetSource, SSH_VNET_DENY_PRIORITY } from "../../lib/network/nsgRules";
import { nsgSshFromVnetViolations } from "../../policy/rules";

const cidr = (t: string): Cidr => {
  const c = parseCidr(t);
  if (typeof c === "string") throw new Error(c);
  return c;
};

describe("CIDR arithmetic", () => {
  test("parses networks and rejects host bits, bad octets and prefixes", () => {
    assert.equal(cidr("10.50.0.0/16").prefix, 16);
    assert.match(String(parseCidr("10.50.0.1/16")), /host bits are set \(the network address is 10.50.0.0\/16\)/);
    assert.match(String(parseCidr("10.256.0.0/16")), /octet is above 255/);
    assert.match(String(parseCidr("10.0.0.0/40")), /not an IPv4 CIDR|prefix length/);
    assert.match(String(parseCidr("fe80::/10")), /not an IPv4 CIDR/);
  });

  test("containment and overlap", () => {
    assert.ok(contains(cidr("10.50.0.0/16"), cidr("10.50.255.0/26")));
    assert.ok(!contains(cidr("10.50.0.0/16"), cidr("10.51.0.0/24")));
    assert.ok(!contains(cidr("10.50.1.0/24"), cidr("10.50.0.0/16")));
    assert.ok(overlaps(cidr("10.50.1.0/24"), cidr("10.50.1.128/25")));
    assert.ok(!overlaps(cidr("10.50.1.0/24"), cidr("10.50.2.0/24")));
  });

  test("a subnet contained in a network always overlaps it (property)", () => {
    fc.assert(fc.property(fc.integer({ min: 8, max: 24 }), fc.integer({ min: 0, max: 8 }), fc.nat(), (p, extra, n) => {
      const outer = cidr(`10.0.0.0/${p}`);
      const innerPrefix = p + extra;
      const count = 2 ** extra;
      const index = n % count;
      const start = outer.start + index * 2 ** (32 - innerPrefix);
      const text = `${[24, 16, 8, 0].map((s) => (start >>> s) & 255).join(".")}/${innerPrefix}`;
      const inner = cidr(text);
      assert.ok(contains(outer, inner));
      assert.ok(overlaps(outer, inner));
    }));
  });
});

describe("edge NSG rules", () => {
  test("Developer allows SSH only from the Azure platform address", () => {
    const rules = edgeNsgRules({ bastionSku: "Developer", edgeSubnetPrefix: "10.50.1.0/24" });
    const allows = rules.filter((r) => r.access === "Allow");
    assert.deepEqual(allows.map((r) => [r.sourceAddressPrefix, r.destinationPortRange]), [["168.63.129.16", "22"]]);
  });

  test("Basic and above allow SSH only from AzureBastionSubnet", () => {
    const rules = edgeNsgRules({ bastionSku: "Standard", bastionSubnetPrefix: "10.50.255.0/26", edgeSubnetPrefix: "10.50.1.0/24" });
    assert.deepEqual(rules.filter((r) => r.access === "Allow").map((r) => r.sourceAddressPrefix), ["10.50.255.0/26"]);
    assert.throws(() => edgeNsgRules({ bastionSku: "Basic", edgeSubnetPrefix: "10.50.1.0/24" }), /needs the AzureBastionSubnet prefix/);
  });

  for (const [sku, subnet] of [["Developer", undefined], ["Basic", "10.50.255.0/26"], ["Standard", "10.50.255.0/26"], ["Premium", "10.50.255.0/26"]] as const) {
    test(`${sku}: SSH from the rest of the VNet is denied just below the Bastion allow, above AllowVnetInBound`, () => {
      const rules = edgeNsgRules({ bastionSku: sku, bastionSubnetPrefix: subnet, edgeSubnetPrefix: "10.50.1.0/24" });
      const allow = rules.find((r) => r.name === "allow-ssh-from-bastion");
      const deny = rules.find((r) => r.name === "deny-ssh-from-vnet");
      assert.ok(allow && deny);
      assert.deepEqual(
        { access: deny.access, direction: deny.direction, protocol: deny.protocol, source: deny.sourceAddressPrefix, port: deny.destinationPortRange },
        { access: "Deny", direction: "Inbound", protocol: "Tcp", source: "VirtualNetwork", port: "22" },
      );
      assert.equal(deny.priority, SSH_VNET_DENY_PRIORITY);
      assert.ok(allow.priority < deny.priority, "the Bastion allow is evaluated first");
      assert.ok(deny.priority < 65000, "before Azure's AllowVnetInBound");
      assert.deepEqual(nsgSshFromVnetViolations("nsg", { securityRules: rules }), []);
    });
  }

  test("end with an explicit deny of internet inbound and allow nothing from it", () => {
    const rules = edgeNsgRules({ bastionSku: "Developer", edgeSubnetPrefix: "10.50.1.0/24" });
    assert.ok(rules.some((r) => r.access === "Deny" && r.sourceAddressPrefix === "Internet"));
    assert.deepEqual(internetInboundAllows(rules), []);
  });

  test("the internet-source check catches every spelling of anywhere", () => {
    for (const p of ["*", "Internet", "ANY", "0.0.0.0/0", " ::/0 "]) assert.ok(isInternetSource(p), p);
    assert.ok(!isInternetSource("10.0.0.0/8"));
    const bad = [{ direction: "Inbound", access: "Allow", sourceAddressPrefixes: ["10.0.0.0/8", "Internet"] }];
    assert.equal(internetInboundAllows(bad).length, 1);
    assert.equal(internetInboundAllows([{ direction: "Outbound", access: "Allow", sourceAddressPrefix: "*" }]).length, 0);
  });
});

import { describe, test } from "node:test";
import * as assert from "node:assert/strict";
import * as fc from "fast-check";
import { contains, formatAddress, overlaps, parseCidr, size, type Cidr } from "../../lib/network/cidr";
import { AZURE_PLATFORM_IP, edgeNsgRules, internetInboundAllows, isInternetSource, SSH_VNET_DENY_PRIORITY, type NsgRule } from "../../lib/network/nsgRules";
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

  test("accepts the extremes of every field: 1- to 3-digit octets, 255, prefixes 0 and 32", () => {
    assert.deepEqual(parseCidr("0.0.0.0/0"), { text: "0.0.0.0/0", start: 0, prefix: 0 });
    assert.deepEqual(parseCidr("255.255.255.255/32"), { text: "255.255.255.255/32", start: 0xffffffff, prefix: 32 });
    assert.deepEqual(parseCidr("1.2.3.4/32"), { text: "1.2.3.4/32", start: 0x01020304, prefix: 32 });
    assert.deepEqual(parseCidr("10.50.0.0/16"), { text: "10.50.0.0/16", start: 0x0a320000, prefix: 16 });
    assert.deepEqual(parseCidr("192.168.128.0/17"), { text: "192.168.128.0/17", start: 0xc0a88000, prefix: 17 });
    assert.deepEqual(parseCidr("128.0.0.0/1"), { text: "128.0.0.0/1", start: 0x80000000, prefix: 1 });
    assert.deepEqual(parseCidr("10.0.0.0/8"), { text: "10.0.0.0/8", start: 0x0a000000, prefix: 8 });
  });

  test("rejects text that is not exactly an IPv4 CIDR, with the same message", () => {
    for (const bad of [
      "",
      "10.50.0.0",
      "10.50.0.0/",
      "10.50.0.0/100",
      "10.50.0/16",
      "10.50.0.0.0/16",
      "1000.0.0.0/8",
      "10..0.0/16",
      "10.50.0.0/16 ",
      " 10.50.0.0/16",
      "x10.50.0.0/16",
      "10.50.0.0/16x",
      "10.50.0.0/1x",
      "10a50.0.0/16",
      "10.50b0.0/16",
      "10.50.0c0/16",
      "10.50.0.0d16",
      "a.b.c.d/16",
      "10.50.0.0/ab",
      "fe80::/10",
    ]) {
      assert.equal(parseCidr(bad), "not an IPv4 CIDR such as 10.50.0.0/16", JSON.stringify(bad));
    }
  });

  test("an octet of 255 passes and 256 fails, in every position", () => {
    for (const [ok, bad] of [
      ["255.0.0.0/8", "256.0.0.0/8"],
      ["10.255.0.0/16", "10.256.0.0/16"],
      ["10.0.255.0/24", "10.0.256.0/24"],
      ["10.0.0.255/32", "10.0.0.256/32"],
    ]) {
      assert.equal(typeof parseCidr(ok), "object", ok);
      assert.equal(parseCidr(bad), "an octet is above 255", bad);
    }
    assert.equal(parseCidr("999.999.999.999/32"), "an octet is above 255");
  });

  test("prefix 32 passes and 33 fails", () => {
    assert.equal(typeof parseCidr("10.0.0.0/32"), "object");
    assert.equal(parseCidr("10.0.0.0/33"), "the prefix length is above 32");
    assert.equal(parseCidr("10.0.0.0/99"), "the prefix length is above 32");
  });

  test("host bits are refused at every prefix length, naming the network address", () => {
    assert.equal(parseCidr("10.50.0.1/16"), "host bits are set (the network address is 10.50.0.0/16)");
    assert.equal(parseCidr("1.0.0.0/0"), "host bits are set (the network address is 0.0.0.0/0)");
    assert.equal(parseCidr("255.255.255.255/0"), "host bits are set (the network address is 0.0.0.0/0)");
    assert.equal(parseCidr("192.0.0.0/1"), "host bits are set (the network address is 128.0.0.0/1)");
    assert.equal(parseCidr("10.50.1.128/24"), "host bits are set (the network address is 10.50.1.0/24)");
    assert.equal(parseCidr("10.50.1.1/31"), "host bits are set (the network address is 10.50.1.0/31)");
    assert.deepEqual(parseCidr("255.255.255.254/31"), { text: "255.255.255.254/31", start: 0xfffffffe, prefix: 31 });
    assert.equal(parseCidr("255.255.255.255/31"), "host bits are set (the network address is 255.255.255.254/31)");
  });

  test("size and address formatting", () => {
    assert.equal(size(cidr("0.0.0.0/0")), 2 ** 32);
    assert.equal(size(cidr("10.0.0.0/8")), 2 ** 24);
    assert.equal(size(cidr("10.50.1.0/24")), 256);
    assert.equal(size(cidr("10.50.1.0/31")), 2);
    assert.equal(size(cidr("10.50.1.7/32")), 1);
    assert.equal(formatAddress(0), "0.0.0.0");
    assert.equal(formatAddress(0xffffffff), "255.255.255.255");
    assert.equal(formatAddress(0x0a320180), "10.50.1.128");
  });

  test("containment at both ends of the outer network", () => {
    const outer = cidr("10.50.1.0/24");
    assert.ok(contains(outer, outer), "a network contains itself");
    assert.ok(contains(outer, cidr("10.50.1.0/32")), "its first address");
    assert.ok(contains(outer, cidr("10.50.1.255/32")), "its last address");
    assert.ok(contains(outer, cidr("10.50.1.192/26")), "its last /26");
    assert.ok(!contains(outer, cidr("10.50.0.255/32")), "the address before it");
    assert.ok(!contains(outer, cidr("10.50.2.0/32")), "the address after it");
    assert.ok(!contains(outer, cidr("10.50.0.0/23")), "a larger network that starts before it");
    assert.ok(!contains(outer, cidr("10.50.0.0/16")), "a larger network around it");
    assert.ok(contains(cidr("0.0.0.0/0"), cidr("255.255.255.255/32")));
    assert.ok(contains(cidr("0.0.0.0/0"), cidr("0.0.0.0/0")));
  });

  test("overlap at the first and the last address, and none for neighbours", () => {
    const a = cidr("10.50.1.0/24");
    for (const [b, expected] of [
      ["10.50.1.0/32", true],
      ["10.50.1.255/32", true],
      ["10.50.0.255/32", false],
      ["10.50.2.0/32", false],
      ["10.50.0.0/24", false],
      ["10.50.2.0/24", false],
      ["10.50.0.0/23", true],
      ["10.50.1.0/24", true],
      ["10.0.0.0/8", true],
    ] as const) {
      assert.equal(overlaps(a, cidr(b)), expected, `10.50.1.0/24 and ${b}`);
      assert.equal(overlaps(cidr(b), a), expected, `${b} and 10.50.1.0/24`);
    }
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

  const vnetDeny: NsgRule = {
    name: "deny-ssh-from-vnet",
    priority: 110,
    direction: "Inbound",
    access: "Deny",
    protocol: "Tcp",
    sourceAddressPrefix: "VirtualNetwork",
    sourcePortRange: "*",
    destinationAddressPrefix: "*",
    destinationPortRange: "22",
    description: "SSH from any other host in the virtual network is refused: Bastion (the rule above) is the only way in",
  };
  const internetDeny: NsgRule = {
    name: "deny-internet-inbound",
    priority: 4000,
    direction: "Inbound",
    access: "Deny",
    protocol: "*",
    sourceAddressPrefix: "Internet",
    sourcePortRange: "*",
    destinationAddressPrefix: "*",
    destinationPortRange: "*",
    description: "Nothing from the internet reaches the edge subnet; Bastion is the only way in",
  };

  test("Developer: the three rules in full, SSH from the Azure platform address", () => {
    assert.equal(AZURE_PLATFORM_IP, "168.63.129.16");
    assert.equal(SSH_VNET_DENY_PRIORITY, 110);
    assert.deepEqual(edgeNsgRules({ bastionSku: "Developer", bastionSubnetPrefix: "10.50.255.0/26", edgeSubnetPrefix: "10.50.1.0/24" }), [
      {
        name: "allow-ssh-from-bastion",
        priority: 100,
        direction: "Inbound",
        access: "Allow",
        protocol: "Tcp",
        sourceAddressPrefix: "168.63.129.16",
        sourcePortRange: "*",
        destinationAddressPrefix: "10.50.1.0/24",
        destinationPortRange: "22",
        description: "SSH from Bastion Developer's shared pool (via the Azure platform address)",
      },
      vnetDeny,
      internetDeny,
    ]);
  });

  for (const sku of ["Basic", "Standard", "Premium"] as const) {
    test(`${sku}: the three rules in full, SSH from AzureBastionSubnet`, () => {
      assert.deepEqual(edgeNsgRules({ bastionSku: sku, bastionSubnetPrefix: "10.60.255.0/26", edgeSubnetPrefix: "10.60.2.0/24" }), [
        {
          name: "allow-ssh-from-bastion",
          priority: 100,
          direction: "Inbound",
          access: "Allow",
          protocol: "Tcp",
          sourceAddressPrefix: "10.60.255.0/26",
          sourcePortRange: "*",
          destinationAddressPrefix: "10.60.2.0/24",
          destinationPortRange: "22",
          description: "SSH from AzureBastionSubnet only",
        },
        vnetDeny,
        internetDeny,
      ]);
    });
  }

  test("a subnet-based SKU without the AzureBastionSubnet prefix is refused with the whole message", () => {
    assert.throws(() => edgeNsgRules({ bastionSku: "Premium", edgeSubnetPrefix: "10.50.1.0/24" }), {
      message: "Bastion Premium needs the AzureBastionSubnet prefix to allow SSH from it",
    });
    assert.throws(() => edgeNsgRules({ bastionSku: "Standard", bastionSubnetPrefix: "", edgeSubnetPrefix: "10.50.1.0/24" }), {
      message: "Bastion Standard needs the AzureBastionSubnet prefix to allow SSH from it",
    });
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
  test("every listed spelling of anywhere is an internet source, and nothing narrower is", () => {
    for (const p of ["*", "internet", "Internet", "INTERNET", "any", "Any", "0.0.0.0/0", "::/0", "0.0.0.0/1", "128.0.0.0/1", "\t0.0.0.0/1 ", " 128.0.0.0/1"]) {
      assert.equal(isInternetSource(p), true, p);
    }
    for (const p of ["", "VirtualNetwork", "AzureLoadBalancer", "10.0.0.0/8", "0.0.0.0/2", "128.0.0.0/2", "168.63.129.16", "**", "internet2"]) {
      assert.equal(isInternetSource(p), false, p);
    }
  });

  test("internetInboundAllows keeps exactly the inbound allows with an internet source, in any letter case", () => {
    const hit1 = { direction: "Inbound", access: "Allow", sourceAddressPrefix: "*" };
    const hit2 = { direction: "INBOUND", access: "ALLOW", sourceAddressPrefix: "10.0.0.0/8", sourceAddressPrefixes: ["10.1.0.0/16", "0.0.0.0/0"] };
    const hit3 = { direction: "inbound", access: "allow", sourceAddressPrefixes: ["Internet"] };
    const rules = [
      hit1,
      { direction: "Inbound", access: "Deny", sourceAddressPrefix: "*" },
      { direction: "Outbound", access: "Allow", sourceAddressPrefix: "Internet" },
      { access: "Allow", sourceAddressPrefix: "*" },
      { direction: "Inbound", sourceAddressPrefix: "*" },
      hit2,
      { direction: "Inbound", access: "Allow" },
      { direction: "Inbound", access: "Allow", sourceAddressPrefix: "10.0.0.0/8" },
      { direction: "Inbound", access: "Allow", sourceAddressPrefixes: ["10.0.0.0/8", "VirtualNetwork"] },
      hit3,
    ];
    const found = internetInboundAllows(rules);
    assert.equal(found.length, 3);
    assert.equal(found[0], hit1);
    assert.equal(found[1], hit2);
    assert.equal(found[2], hit3);
    assert.deepEqual(internetInboundAllows([]), []);
  });
});

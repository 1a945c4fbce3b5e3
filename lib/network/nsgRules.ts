/**
 * The edge subnet's NSG rules, as data. Pure, so the security invariants (nothing inbound from
 * the internet, SSH only from Bastion) are tested without Azure.
 */
import type { BastionSku } from "../config/types";

/**
 * Azure's platform address; Bastion Developer reaches VMs from its shared pool through it, so
 * that SKU needs SSH from here rather than from a subnet of ours.
 */
export const AZURE_PLATFORM_IP = "168.63.129.16";

/** Source prefixes that mean "anywhere on the internet" in an NSG rule. */
export const INTERNET_SOURCES = ["*", "internet", "any", "0.0.0.0/0", "::/0", "0.0.0.0/1", "128.0.0.0/1"];

export interface NsgRule {
  name: string;
  priority: number;
  direction: "Inbound" | "Outbound";
  access: "Allow" | "Deny";
  protocol: "Tcp" | "Udp" | "*";
  sourceAddressPrefix: string;
  sourcePortRange: string;
  destinationAddressPrefix: string;
  destinationPortRange: string;
  description: string;
}

export function isInternetSource(prefix: string): boolean {
  return INTERNET_SOURCES.includes(prefix.trim().toLowerCase());
}

/** SSH from Bastion only, then an explicit deny of everything from the internet. */
export function edgeNsgRules(args: { bastionSku: BastionSku; bastionSubnetPrefix?: string; edgeSubnetPrefix: string }): NsgRule[] {
  const sshSource = args.bastionSku === "Developer" ? AZURE_PLATFORM_IP : args.bastionSubnetPrefix;
  if (!sshSource) throw new Error(`Bastion ${args.bastionSku} needs the AzureBastionSubnet prefix to allow SSH from it`);
  return [
    {
      name: "allow-ssh-from-bastion",
      priority: 100,
      direction: "Inbound",
      access: "Allow",
      protocol: "Tcp",
      sourceAddressPrefix: sshSource,
      sourcePortRange: "*",
      destinationAddressPrefix: args.edgeSubnetPrefix,
      destinationPortRange: "22",
      description: args.bastionSku === "Developer" ? "SSH from Bastion Developer's shared pool (via the Azure platform address)" : "SSH from AzureBastionSubnet only",
    },
    {
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
    },
  ];
}

/** The rules that would let internet traffic in; the tests and the policy pack expect none. */
export function internetInboundAllows(rules: { direction?: string; access?: string; sourceAddressPrefix?: string; sourceAddressPrefixes?: string[] }[]): typeof rules {
  return rules.filter(
    (r) =>
      (r.direction ?? "").toLowerCase() === "inbound" &&
      (r.access ?? "").toLowerCase() === "allow" &&
      [r.sourceAddressPrefix ?? "", ...(r.sourceAddressPrefixes ?? [])].some(isInternetSource),
  );
}

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

/** Just below the allow-from-Bastion rule (100), far above Azure's AllowVnetInBound (65000). */
export const SSH_VNET_DENY_PRIORITY = 110;

/**
 * SSH from Bastion only, then an explicit deny of SSH from the rest of the virtual network, then
 * an explicit deny of everything from the internet.
 */
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
      // Azure's default AllowVnetInBound (priority 65000) lets every other host in the VNet (and
      // peered networks) reach port 22; this rule, below the Bastion allow, closes that path.
      name: "deny-ssh-from-vnet",
      priority: SSH_VNET_DENY_PRIORITY,
      direction: "Inbound",
      access: "Deny",
      protocol: "Tcp",
      sourceAddressPrefix: "VirtualNetwork",
      sourcePortRange: "*",
      destinationAddressPrefix: "*",
      destinationPortRange: "22",
      description: "SSH from any other host in the virtual network is refused: Bastion (the rule above) is the only way in",
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

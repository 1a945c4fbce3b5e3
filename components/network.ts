import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import type { BastionSku } from "../lib/config/config";
import type { Names } from "../lib/config/naming";
import { edgeNsgRules } from "../lib/network/nsgRules";
import { withoutFalseFeatureFlags } from "../lib/network/bastion";

export interface EdgeNetworkArgs {
  resourceGroupName: pulumi.Input<string>;
  location: string;
  names: pulumi.Output<Names>;
  /** VNet address space, e.g. 10.50.0.0/16. */
  addressSpace: string;
  /** Edge VM subnet inside the space. */
  edgeSubnetPrefix: string;
  /** AzureBastionSubnet (/26 or larger); required for Basic and above, unused by Developer. */
  bastionSubnetPrefix?: string;
  /** Bastion SKU; Developer is free and has no public IP, Standard/Premium add native-client tunneling. */
  bastionSku: BastionSku;
  /** Scale units for Standard and Premium (2-50). Default: 2. */
  bastionScaleUnits?: number;
  /**
   * The Bastion moves between Developer and a dedicated SKU, which Azure does not do in place
   * ("delete and recreate"): replace it, delete first. Basic, Standard and Premium change in place.
   */
  replaceBastion?: boolean;
  tags: Record<string, string>;
}

/**
 * The VNet, the edge subnet behind an NSG that admits SSH from Bastion only, and Azure Bastion:
 * the one way in. Only Bastion Basic and above have a public IP, and it belongs to Bastion.
 */
export class EdgeNetwork extends pulumi.ComponentResource {
  readonly vnetId: pulumi.Output<string>;
  readonly edgeSubnetId: pulumi.Output<string>;
  readonly nsgId: pulumi.Output<string>;
  readonly bastionName: pulumi.Output<string>;
  readonly bastionId: pulumi.Output<string>;

  constructor(name: string, args: EdgeNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("secure-iot-edge:index:EdgeNetwork", name, {}, opts);
    const child = { parent: this };

    const vnet = new network.VirtualNetwork(`${name}-vnet`, {
      resourceGroupName: args.resourceGroupName,
      virtualNetworkName: args.names.vnet,
      location: args.location,
      addressSpace: { addressPrefixes: [args.addressSpace] },
      tags: args.tags,
    }, child);

    const nsg = new network.NetworkSecurityGroup(`${name}-nsg`, {
      resourceGroupName: args.resourceGroupName,
      networkSecurityGroupName: args.names.nsg,
      location: args.location,
      securityRules: edgeNsgRules({
        bastionSku: args.bastionSku,
        bastionSubnetPrefix: args.bastionSubnetPrefix,
        edgeSubnetPrefix: args.edgeSubnetPrefix,
      }),
      tags: args.tags,
    }, child);

    const edgeSubnet = new network.Subnet(`${name}-edge-subnet`, {
      resourceGroupName: args.resourceGroupName,
      virtualNetworkName: vnet.name,
      subnetName: args.names.edgeSubnet,
      addressPrefix: args.edgeSubnetPrefix,
      networkSecurityGroup: { id: nsg.id },
      // The VM has no public IP but must reach packages.microsoft.com, mcr.microsoft.com and the
      // hub. Azure is retiring default outbound access for new subnets, so we ask for it
      // explicitly; a NAT gateway is the long-term replacement (see the README's known limits).
      defaultOutboundAccess: true,
    }, child);

    let bastion: network.BastionHost;
    const bastionOpts: pulumi.CustomResourceOptions = args.replaceBastion ? { ...child, replaceOnChanges: ["sku"] } : child;
    if (args.bastionSku === "Developer") {
      // Developer runs in a shared pool: no AzureBastionSubnet, no public IP, one VM at a time.
      bastion = new network.BastionHost(`${name}-bastion`, {
        resourceGroupName: args.resourceGroupName,
        bastionHostName: args.names.bastion,
        location: args.location,
        sku: { name: "Developer" },
        virtualNetwork: { id: vnet.id },
        tags: args.tags,
      }, {
        ...bastionOpts,
        // The SDK sends eight feature flags as false even for Developer, which supports none of
        // them (see lib/network/bastion.ts). `transformations` runs in the program, after the
        // SDK's defaults and before the request is registered, so the mock engine sees exactly
        // what is sent; `transforms` runs in the engine, which the SDK's mock monitor does not do.
        transformations: [(a) => ({ props: withoutFalseFeatureFlags(a.props), opts: a.opts })],
      });
    } else {
      if (!args.bastionSubnetPrefix) throw new Error(`Bastion ${args.bastionSku} needs bastionSubnetPrefix`);
      const bastionSubnet = new network.Subnet(`${name}-bastion-subnet`, {
        resourceGroupName: args.resourceGroupName,
        virtualNetworkName: vnet.name,
        subnetName: "AzureBastionSubnet",
        addressPrefix: args.bastionSubnetPrefix,
        // Azure serialises subnet changes within a VNet; creating both at once can fail.
      }, { parent: this, dependsOn: [edgeSubnet] });
      // Basic-SKU public IPs were retired on 2025-09-30: Bastion needs a Standard static one.
      const publicIp = new network.PublicIPAddress(`${name}-bastion-pip`, {
        resourceGroupName: args.resourceGroupName,
        publicIpAddressName: args.names.bastionPublicIp,
        location: args.location,
        sku: { name: "Standard", tier: "Regional" },
        publicIPAllocationMethod: "Static",
        publicIPAddressVersion: "IPv4",
        tags: args.tags,
      }, child);
      const nativeClient = args.bastionSku === "Standard" || args.bastionSku === "Premium";
      bastion = new network.BastionHost(`${name}-bastion`, {
        resourceGroupName: args.resourceGroupName,
        bastionHostName: args.names.bastion,
        location: args.location,
        sku: { name: args.bastionSku },
        ipConfigurations: [{
          name: "bastion-ipconfig",
          subnet: { id: bastionSubnet.id },
          publicIPAddress: { id: publicIp.id },
          privateIPAllocationMethod: "Dynamic",
        }],
        // Tunneling is what `az network bastion ssh` (the native client) needs.
        enableTunneling: nativeClient ? true : undefined,
        scaleUnits: nativeClient ? args.bastionScaleUnits ?? 2 : undefined,
        tags: args.tags,
      }, bastionOpts);
    }

    this.vnetId = vnet.id;
    this.edgeSubnetId = edgeSubnet.id;
    this.nsgId = nsg.id;
    this.bastionName = bastion.name;
    this.bastionId = bastion.id;
    this.registerOutputs({ vnetId: this.vnetId, edgeSubnetId: this.edgeSubnetId, bastionName: this.bastionName });
  }
}

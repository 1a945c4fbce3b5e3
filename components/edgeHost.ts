import * as pulumi from "@pulumi/pulumi";
import * as compute from "@pulumi/azure-native/compute";
import * as network from "@pulumi/azure-native/network";
import * as devtestlab from "@pulumi/azure-native/devtestlab";
import * as tls from "@pulumi/tls";
import { renderCloudInit, type CloudInitInput } from "../lib/edge/cloudinit";
import type { ImageReference } from "../lib/edge/vmImage";

export interface EdgeHostArgs {
  resourceGroupName: pulumi.Input<string>;
  location: string;
  /** VM, NIC and OS disk names (vm-/nic-/osdisk-<device>-<stage>). */
  vmName: pulumi.Input<string>;
  nicName: pulumi.Input<string>;
  osDiskName: pulumi.Input<string>;
  /** Edge subnet; the NIC gets a private address only. */
  subnetId: pulumi.Input<string>;
  /** VM size, e.g. Standard_B2s. */
  size: string;
  /** Gen2 Ubuntu image (Trusted Launch needs Gen2). */
  image: ImageReference;
  /** Admin user; SSH key only. */
  adminUsername: string;
  /**
   * What cloud-init provisions (IoT Edge, its identity, auditd, the security agent). It carries
   * the device's credentials: the rendered document is a secret from here to the VM's custom data.
   */
  provisioning: pulumi.Input<CloudInitInput>;
  /** Daily shutdown (HHMM and Windows time zone id). Default: none. */
  autoShutdown?: { time: string; timeZone: string };
  tags: Record<string, string>;
}

/**
 * One Ubuntu IoT Edge VM: private NIC only, SSH keys only (its own RSA 4096 pair, which Bastion
 * accepts), Trusted Launch, managed boot diagnostics, a system-assigned identity (for the Azure
 * Monitor Agent), and disk and NIC deleted with the VM.
 */
export class EdgeHost extends pulumi.ComponentResource {
  readonly vmId: pulumi.Output<string>;
  readonly vmName: pulumi.Output<string>;
  readonly privateIp: pulumi.Output<string>;
  /** The admin user's private key (OpenSSH format), a secret: `pulumi stack output --show-secrets`. */
  readonly sshPrivateKey: pulumi.Output<string>;

  constructor(name: string, args: EdgeHostArgs, opts?: pulumi.ComponentResourceOptions) {
    super("secure-iot-edge:index:EdgeHost", name, {}, opts);

    const sshKey = new tls.PrivateKey(`${name}-ssh`, { algorithm: "RSA", rsaBits: 4096 }, { parent: this });
    const customData = pulumi.secret(pulumi.output(args.provisioning).apply((p) => Buffer.from(renderCloudInit(p), "utf8").toString("base64")));

    const nic = new network.NetworkInterface(`${name}-nic`, {
      resourceGroupName: args.resourceGroupName,
      networkInterfaceName: args.nicName,
      location: args.location,
      ipConfigurations: [{ name: "ipconfig1", subnet: { id: args.subnetId }, privateIPAllocationMethod: "Dynamic" }],
      tags: args.tags,
    }, { parent: this });

    const vm = new compute.VirtualMachine(name, {
      resourceGroupName: args.resourceGroupName,
      vmName: args.vmName,
      location: args.location,
      hardwareProfile: { vmSize: args.size },
      storageProfile: {
        imageReference: args.image,
        osDisk: {
          name: args.osDiskName,
          createOption: "FromImage",
          deleteOption: "Delete",
          diskSizeGB: 30,
          managedDisk: { storageAccountType: "StandardSSD_LRS" },
        },
      },
      osProfile: {
        computerName: args.vmName,
        adminUsername: args.adminUsername,
        customData,
        linuxConfiguration: {
          disablePasswordAuthentication: true,
          provisionVMAgent: true,
          ssh: { publicKeys: [{ path: `/home/${args.adminUsername}/.ssh/authorized_keys`, keyData: sshKey.publicKeyOpenssh }] },
        },
      },
      networkProfile: { networkInterfaces: [{ id: nic.id, primary: true, deleteOption: "Delete" }] },
      securityProfile: { securityType: "TrustedLaunch", uefiSettings: { secureBootEnabled: true, vTpmEnabled: true } },
      // No storageUri: Azure keeps the boot diagnostics in a managed storage account.
      diagnosticsProfile: { bootDiagnostics: { enabled: true } },
      identity: { type: "SystemAssigned" },
      tags: args.tags,
    }, { parent: this });

    if (args.autoShutdown) {
      new devtestlab.GlobalSchedule(`${name}-shutdown`, {
        resourceGroupName: args.resourceGroupName,
        // Azure only accepts this exact name for a VM's auto-shutdown schedule.
        name: pulumi.interpolate`shutdown-computevm-${args.vmName}`,
        location: args.location,
        status: "Enabled",
        taskType: "ComputeVmShutdownTask",
        dailyRecurrence: { time: args.autoShutdown.time },
        timeZoneId: args.autoShutdown.timeZone,
        targetResourceId: vm.id,
        notificationSettings: { status: "Disabled" },
        tags: args.tags,
      }, { parent: this });
    }

    this.vmId = vm.id;
    this.vmName = vm.name;
    this.privateIp = nic.ipConfigurations.apply((c) => c?.[0]?.privateIPAddress ?? "");
    this.sshPrivateKey = pulumi.secret(sshKey.privateKeyOpenssh);
    this.registerOutputs({ vmId: this.vmId, vmName: this.vmName });
  }
}

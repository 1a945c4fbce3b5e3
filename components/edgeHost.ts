import * as pulumi from "@pulumi/pulumi";
import * as compute from "@pulumi/azure-native/compute";
import * as network from "@pulumi/azure-native/network";
import * as devtestlab from "@pulumi/azure-native/devtestlab";
import * as tls from "@pulumi/tls";
import { renderCloudInit } from "../lib/edge/cloudinit";
import { renderHostProvisioning, RUN_COMMAND_TIMEOUT_SECONDS, type HostProvisioningInput } from "../lib/edge/hostProvisioning";
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
   * What the host's Run Command provisions (IoT Edge, its identity, auditd, the security agent).
   * It carries the device's credentials: they reach Azure only as secret protected parameters.
   */
  provisioning: pulumi.Input<HostProvisioningInput>;
  /** Resources the Run Command must follow, e.g. the device identity it provisions. */
  provisioningDependsOn?: pulumi.Resource[];
  /** Daily shutdown (HHMM and Windows time zone id). Default: none. */
  autoShutdown?: { time: string; timeZone: string };
  tags: Record<string, string>;
}

/** Inputs Azure cannot change on an existing VM: a change rebuilds it (delete first, same NIC). */
export const VM_REPLACE_ON_CHANGES = ["storageProfile.imageReference", "osProfile.adminUsername"];

/**
 * One Ubuntu IoT Edge VM: private NIC only, SSH keys only (its own RSA 4096 pair, which Bastion
 * accepts), Trusted Launch, managed boot diagnostics, a system-assigned identity (for the Azure
 * Monitor Agent), the OS disk deleted with the VM and the NIC kept (Pulumi owns it). Its
 * customData is the constant bootstrap; provisioning is its managed Run Command, which Azure
 * updates in place and runs again whenever its inputs change.
 */
export class EdgeHost extends pulumi.ComponentResource {
  readonly vmId: pulumi.Output<string>;
  readonly vmName: pulumi.Output<string>;
  readonly privateIp: pulumi.Output<string>;
  /** The admin user's private key (OpenSSH format), a secret: `pulumi stack output --show-secrets`. */
  readonly sshPrivateKey: pulumi.Output<string>;
  /** x509 only: the certificate thumbprint the host runs, known once its Run Command succeeded. */
  readonly hostThumbprint: pulumi.Output<string | undefined>;

  constructor(name: string, args: EdgeHostArgs, opts?: pulumi.ComponentResourceOptions) {
    super("secure-iot-edge:index:EdgeHost", name, {}, opts);

    const sshKey = new tls.PrivateKey(`${name}-ssh`, { algorithm: "RSA", rsaBits: 4096 }, { parent: this });
    // Constant and secret-free: Azure never lets it change, so nothing that changes may be in it.
    const customData = Buffer.from(renderCloudInit(), "utf8").toString("base64");
    const rendered = pulumi.output(args.provisioning).apply(renderHostProvisioning);

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
      // Detach: a rebuilt VM (VM_REPLACE_ON_CHANGES) finds its NIC still there, as Pulumi expects.
      networkProfile: { networkInterfaces: [{ id: nic.id, primary: true, deleteOption: "Detach" }] },
      securityProfile: { securityType: "TrustedLaunch", uefiSettings: { secureBootEnabled: true, vTpmEnabled: true } },
      // No storageUri: Azure keeps the boot diagnostics in a managed storage account.
      diagnosticsProfile: { bootDiagnostics: { enabled: true } },
      identity: { type: "SystemAssigned" },
      tags: args.tags,
    }, {
      parent: this,
      replaceOnChanges: VM_REPLACE_ON_CHANGES,
      // A VM created by an earlier version of this program carries that version's cloud-init
      // (with the device's credentials) as custom data. Azure refuses any change to it
      // (PropertyChangeNotAllowed), so an existing VM keeps what it has, and the Run Command
      // below provisions it from now on. A new or rebuilt VM gets the constant bootstrap.
      ignoreChanges: ["osProfile.customData"],
    });

    // The settings are parameters; the credentials and config.toml only protected parameters,
    // which Azure does not return (Run Command docs). On Linux each reaches the script as an
    // environment variable of its name (Microsoft's managed Run Command docs; not run here).
    const runCommand = new compute.VirtualMachineRunCommandByVirtualMachine(`${name}-provision`, {
      resourceGroupName: args.resourceGroupName,
      vmName: vm.name,
      runCommandName: "iotedge-provision",
      location: args.location,
      // The rendering is secret because its input holds the credentials; the script and the plain
      // parameters hold none (tested), so they stay readable in previews and diffs.
      source: { script: pulumi.unsecret(rendered.apply((r) => r.script)) },
      parameters: pulumi.unsecret(rendered.apply((r) => r.parameters)),
      protectedParameters: pulumi.secret(rendered.apply((r) => r.protectedParameters)),
      asyncExecution: false,
      treatFailureAsDeploymentFailure: true,
      timeoutInSeconds: RUN_COMMAND_TIMEOUT_SECONDS,
      tags: args.tags,
    }, { parent: this, dependsOn: [vm, ...(args.provisioningDependsOn ?? [])] });

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
    // Resolves only after the Run Command succeeded, so a failed delivery records nothing new.
    this.hostThumbprint = pulumi.unsecret(pulumi.all([runCommand.id, rendered]).apply(([, r]) => r.identityThumbprint));
    this.registerOutputs({ vmId: this.vmId, vmName: this.vmName });
  }
}

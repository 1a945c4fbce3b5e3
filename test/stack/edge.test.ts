/**
 * GIVEN the dev and prod stack files (plus overrides), WHEN the real program runs under the Pulumi
 * mock engine, THEN each simulated edge device gets a locked-down VM: private NIC only, SSH keys
 * only, Trusted Launch, the constant bootstrap cloud-init, a Run Command that provisions that
 * device with its secrets as protected parameters, and (in dev) a daily shutdown. (Mock engine: this proves what the program declares, not what Azure does with it.)
 */
import { describe, test, before } from "node:test";
import * as assert from "node:assert/strict";
import { declareStack, ofType, one } from "../helpers/stacks";
import {
  isSecret,
  maskedOutputs,
  mockState,
  revealSecrets,
  SECRET_MARKER,
  type DeclaredResource,
  type DeclaredStack,
} from "../../lib/plan/mockEngine";
import { mockPrivateKeyPem, mockSelfSignedCertPem } from "../../lib/plan/mockCert";
import { renderCloudInit } from "../../lib/edge/cloudinit";
import { RUN_COMMAND_TIMEOUT_SECONDS } from "../../lib/edge/hostProvisioning";
import { sha256Thumbprint } from "../../lib/edge/x509";

const T = {
  vm: "azure-native:compute:VirtualMachine",
  rc: "azure-native:compute:VirtualMachineRunCommandByVirtualMachine",
  nic: "azure-native:network:NetworkInterface",
  pip: "azure-native:network:PublicIPAddress",
  schedule: "azure-native:devtestlab:GlobalSchedule",
  ama: "azure-native:compute:VirtualMachineExtension",
  dcra: "azure-native:monitor:DataCollectionRuleAssociation",
  key: "tls:index/privateKey:PrivateKey",
  cert: "tls:index/selfSignedCert:SelfSignedCert",
  dynamic: "pulumi-nodejs:dynamic:Resource",
};

type Props = Record<string, unknown>;
type Param = { name: string; value: string };

const inputs = (r: DeclaredResource): Props => revealSecrets(r.inputs) as Props;
const hubHost = (stage: string) => `iot-iotedge-${stage}-a1b2c3.azure-devices.net`;

function named(resources: DeclaredResource[], type: string, name: string): DeclaredResource {
  const found = resources.filter((r) => r.type === type && r.name === name);
  assert.equal(found.length, 1, `exactly one ${type} named ${name}`);
  return found[0];
}

/** The state the mock engine gave a resource: what its outputs resolve to in this run. */
const mockOutputs = (r: DeclaredResource) => mockState(r.type, r.name, r.inputs);

/** The VM's cloud-init, base64-decoded from its custom data. */
function cloudInit(vm: DeclaredResource): string {
  const os = inputs(vm).osProfile as Props;
  return Buffer.from(String(os.customData), "base64").toString("utf8");
}

/** The Run Command that provisions `deviceId`'s host. */
function runCommandFor(s: DeclaredStack, deviceId: string): DeclaredResource {
  return named(s.resources, T.rc, `${deviceId}-provision`);
}

/** A Run Command parameter's value (protected ones base64-decoded when `decode`). */
function param(rc: DeclaredResource, list: "parameters" | "protectedParameters", name: string, decode = false): string | undefined {
  const v = ((inputs(rc)[list] as Param[] | undefined) ?? []).find((p) => p.name === name)?.value;
  return v !== undefined && decode ? Buffer.from(v, "base64").toString("utf8") : v;
}

/** The certificate the mock engine produced for `fleet-<device>-cert`. */
function deviceCertPem(s: DeclaredStack, deviceId: string): string {
  return String(mockOutputs(named(s.resources, T.cert, `fleet-${deviceId}-cert`)).state.certPem);
}

function vmFor(s: DeclaredStack, deviceId: string): DeclaredResource {
  return named(s.resources, T.vm, deviceId);
}

for (const stage of ["dev", "prod"] as const) {
  describe(`${stage} edge VM (mock engine: what the program declares)`, () => {
    let s: DeclaredStack;
    before(async () => {
      s = await declareStack(stage);
    });

    test("the VM's only NIC has no public IP and sits in the edge subnet", () => {
      const vm = inputs(one(s.resources, T.vm));
      const nicRes = one(s.resources, T.nic);
      const nic = inputs(nicRes);
      const refs = (vm.networkProfile as Props).networkInterfaces as Props[];
      assert.equal(refs.length, 1);
      assert.equal(refs[0].id, mockOutputs(nicRes).id, "the VM references the declared NIC");
      const ipConfigs = nic.ipConfigurations as Props[];
      assert.equal(ipConfigs.length, 1);
      assert.equal(ipConfigs[0].publicIPAddress, undefined);
      assert.equal(ipConfigs[0].privateIPAllocationMethod, "Dynamic");
      assert.match(String((ipConfigs[0].subnet as Props).id), new RegExp(`/subnets/snet-edge-${stage}$`));
      assert.equal(nic.networkInterfaceName, `nic-edge-001-${stage}`);
    });

    test("allows SSH keys only: password auth off, no password, one key at the admin's authorized_keys equal to the tls key", () => {
      const os = inputs(one(s.resources, T.vm)).osProfile as Props;
      assert.equal(os.adminUsername, "edgeadmin");
      assert.equal(os.adminPassword, undefined);
      const linux = os.linuxConfiguration as Props;
      assert.equal(linux.disablePasswordAuthentication, true);
      const keys = (linux.ssh as Props).publicKeys as Props[];
      assert.equal(keys.length, 1);
      assert.equal(keys[0].path, "/home/edgeadmin/.ssh/authorized_keys");
      const sshKey = named(s.resources, T.key, "edge-001-ssh");
      const expected = mockOutputs(sshKey).state.publicKeyOpenssh;
      assert.equal(typeof expected, "string");
      assert.equal(keys[0].keyData, expected);
    });

    test("the SSH key pair is RSA 4096 (what Bastion accepts)", () => {
      const key = inputs(named(s.resources, T.key, "edge-001-ssh"));
      assert.equal(key.algorithm, "RSA");
      assert.equal(key.rsaBits, 4096);
    });

    test("customData is the constant bootstrap; the Run Command provisions this device and hub, its certificate and key secret", () => {
      const vm = one(s.resources, T.vm);
      assert.equal(cloudInit(vm), renderCloudInit());
      const rc = runCommandFor(s, "edge-001");
      assert.ok(isSecret(rc.inputs.protectedParameters), "protectedParameters reach the engine as a secret");
      assert.ok(!isSecret(rc.inputs.parameters), "control: the plain parameters are not secret");
      const toml = String(param(rc, "protectedParameters", "EDGE_CONFIG_TOML_B64", true));
      assert.ok(toml.includes(`device_id = "edge-001"`), "config.toml names the device");
      assert.ok(toml.includes(`iothub_hostname = "${hubHost(stage)}"`), "config.toml names the hub");
      const cert = deviceCertPem(s, "edge-001");
      assert.equal(cert, mockSelfSignedCertPem("edge-001"), "the fleet's cert for edge-001");
      assert.equal(param(rc, "protectedParameters", "EDGE_IDENTITY_CERT_B64", true), cert);
      assert.equal(param(rc, "protectedParameters", "EDGE_IDENTITY_KEY_B64", true), mockPrivateKeyPem());
      assert.equal(param(rc, "parameters", "EDGE_IDENTITY_THUMBPRINT"), sha256Thumbprint(cert));
    });

    test("the Run Command runs the provisioning script as root, synchronously, and a failure fails the deployment", () => {
      const rc = inputs(runCommandFor(s, "edge-001"));
      assert.equal(rc.vmName, `vm-edge-001-${stage}`);
      assert.equal(rc.runCommandName, "iotedge-provision");
      assert.ok(String((rc.source as Props).script).startsWith("#!/usr/bin/env bash\n"));
      assert.equal(rc.asyncExecution, false);
      assert.equal(rc.treatFailureAsDeploymentFailure, true);
      assert.equal(rc.timeoutInSeconds, RUN_COMMAND_TIMEOUT_SECONDS);
      assert.equal(rc.runAsUser, undefined);
      assert.deepEqual(runCommandFor(s, "edge-001").options?.dependsOn, ["azure-native:compute:VirtualMachine::edge-001", "pulumi-nodejs:dynamic:Resource::fleet-edge-001"]);
    });

    test("uses Trusted Launch, managed boot diagnostics, a system identity, deletes the disk and keeps (detaches) the NIC with the VM", () => {
      const vm = inputs(one(s.resources, T.vm));
      assert.deepEqual(vm.securityProfile, { securityType: "TrustedLaunch", uefiSettings: { secureBootEnabled: true, vTpmEnabled: true } });
      assert.deepEqual(vm.diagnosticsProfile, { bootDiagnostics: { enabled: true } });
      assert.equal(((vm.diagnosticsProfile as Props).bootDiagnostics as Props).storageUri, undefined);
      assert.deepEqual(vm.identity, { type: "SystemAssigned" });
      const storage = vm.storageProfile as Props;
      assert.equal((storage.osDisk as Props).deleteOption, "Delete");
      assert.equal((storage.osDisk as Props).name, `osdisk-edge-001-${stage}`);
      assert.equal(((vm.networkProfile as Props).networkInterfaces as Props[])[0].deleteOption, "Detach");
      assert.deepEqual(one(s.resources, T.vm).options?.replaceOnChanges, ["storageProfile.imageReference", "osProfile.adminUsername"]);
      // An existing VM keeps the custom data an earlier version gave it: Azure refuses to change it.
      assert.deepEqual(one(s.resources, T.vm).options?.ignoreChanges, ["osProfile.customData"]);
      assert.equal(vm.vmName, `vm-edge-001-${stage}`);
    });

    test("boots the Gen2 Ubuntu 22.04 image and tells the Run Command it is 22.04", () => {
      const vm = inputs(one(s.resources, T.vm));
      assert.deepEqual((vm.storageProfile as Props).imageReference, {
        publisher: "Canonical", offer: "0001-com-ubuntu-server-jammy", sku: "22_04-lts-gen2", version: "latest",
      });
      assert.equal(param(runCommandFor(s, "edge-001"), "parameters", "EDGE_UBUNTU_VERSION"), "22.04");
    });

    test("exports sshPrivateKeys as a secret holding the VM's private key, hidden by maskedOutputs", () => {
      assert.ok(s.secretOutputs.includes("sshPrivateKeys"));
      const keys = s.outputs.sshPrivateKeys as Record<string, string>;
      assert.equal(keys["edge-001"], mockOutputs(named(s.resources, T.key, "edge-001-ssh")).state.privateKeyOpenssh);
      const masked = maskedOutputs(s);
      assert.equal(masked.sshPrivateKeys, SECRET_MARKER);
      assert.ok(!JSON.stringify(masked).includes(keys["edge-001"].split("\n")[1]), "no line of the key survives masking");
    });

    if (stage === "dev") {
      test("declares no public IP address at all", () => {
        assert.equal(ofType(s.resources, T.pip).length, 0);
      });

      test("declares the VM's daily 19:00 UTC shutdown under the name Azure requires, targeting the VM", () => {
        const schedule = inputs(one(s.resources, T.schedule));
        assert.equal(schedule.name, "shutdown-computevm-vm-edge-001-dev");
        assert.deepEqual(schedule.dailyRecurrence, { time: "1900" });
        assert.equal(schedule.timeZoneId, "UTC");
        assert.equal(schedule.status, "Enabled");
        assert.equal(schedule.taskType, "ComputeVmShutdownTask");
        const vm = one(s.resources, T.vm);
        assert.equal(schedule.targetResourceId, mockOutputs(vm).id);
        assert.match(String(schedule.targetResourceId), /\/virtualMachines\/vm-edge-001-dev$/);
      });
    } else {
      test("declares no shutdown schedule (autoShutdownTime off)", () => {
        assert.equal(ofType(s.resources, T.schedule).length, 0);
        assert.equal(ofType(s.resources, T.vm).length, 1);
      });

      test("any public IP is Bastion's, never attached to the edge NIC", () => {
        for (const p of ofType(s.resources, T.pip)) assert.match(String(inputs(p).publicIpAddressName), /^pip-bas-/);
        assert.ok(!JSON.stringify(inputs(one(s.resources, T.nic))).includes("publicIPAddress"));
      });
    }
  });
}

describe("edge VM variants (mock engine: what the program declares)", () => {
  test("vmImage ubuntu-24.04 boots ubuntu-24_04-lts/server and the Run Command uses Ubuntu 24.04's Microsoft repository", async () => {
    const s = await declareStack("dev", { vmImage: "ubuntu-24.04" });
    const vm = one(s.resources, T.vm);
    assert.deepEqual((inputs(vm).storageProfile as Props).imageReference, {
      publisher: "Canonical", offer: "ubuntu-24_04-lts", sku: "server", version: "latest",
    });
    const rc = runCommandFor(s, "edge-001");
    assert.equal(param(rc, "parameters", "EDGE_UBUNTU_VERSION"), "24.04");
    // provision.sh downloads packages-microsoft-prod.deb for the settings' UBUNTU_VERSION.
    assert.ok(String((inputs(rc).source as Props).script).includes("https://packages.microsoft.com/config/ubuntu/${UBUNTU_VERSION}/packages-microsoft-prod.deb"));
  });

  test("simulatedDevices=0 declares no VM, NIC, shutdown schedule, SSH key, monitor agent or rule association", async () => {
    const s = await declareStack("dev", { simulatedDevices: 0 });
    for (const type of [T.vm, T.rc, T.nic, T.schedule, T.ama, T.dcra]) assert.equal(ofType(s.resources, type).length, 0, type);
    assert.ok(!ofType(s.resources, T.key).some((k) => k.name.endsWith("-ssh")), "no SSH key pair");
    assert.equal(ofType(s.resources, T.dynamic).filter((r) => r.name === "fleet-edge-001").length, 1, "the device identity is still declared");
    assert.deepEqual(s.outputs.edgeVms, {});
    assert.deepEqual(s.outputs.sshPrivateKeys, {});
  });

  test("simulatedDevices=2 of 3 devices declares exactly two VMs, each provisioned as its own device", async () => {
    const s = await declareStack("dev", { simulatedDevices: 2, edgeDeviceCount: 3 });
    const vms = ofType(s.resources, T.vm);
    assert.deepEqual(vms.map((v) => inputs(v).vmName).sort(), ["vm-edge-001-dev", "vm-edge-002-dev"]);
    assert.equal(ofType(s.resources, T.nic).length, 2);
    assert.equal(ofType(s.resources, T.schedule).length, 2);
    assert.equal(ofType(s.resources, T.ama).length, 2);
    assert.equal(ofType(s.resources, T.dcra).length, 2);
    for (const deviceId of ["edge-001", "edge-002"]) {
      assert.equal(cloudInit(vmFor(s, deviceId)), renderCloudInit());
      const rc = runCommandFor(s, deviceId);
      assert.equal(inputs(rc).vmName, `vm-${deviceId}-dev`);
      assert.ok(String(param(rc, "protectedParameters", "EDGE_CONFIG_TOML_B64", true)).includes(`device_id = "${deviceId}"`), deviceId);
      assert.equal(param(rc, "protectedParameters", "EDGE_IDENTITY_CERT_B64", true), deviceCertPem(s, deviceId), `${deviceId} gets its own certificate`);
    }
    assert.deepEqual(Object.keys(s.outputs.sshPrivateKeys as Props).sort(), ["edge-001", "edge-002"]);
  });

  test("deviceAuth=connectionString puts the device's connection string only in the Run Command's secret config.toml", async () => {
    const s = await declareStack("dev", { deviceAuth: "connectionString" });
    assert.equal(cloudInit(one(s.resources, T.vm)), renderCloudInit());
    const rc = runCommandFor(s, "edge-001");
    assert.ok(isSecret(rc.inputs.protectedParameters));
    const prefix = `HostName=${hubHost("dev")};DeviceId=edge-001;SharedAccessKey=`;
    const device = named(s.resources, T.dynamic, "fleet-edge-001");
    const connectionString = String(mockOutputs(device).state.connectionString);
    assert.ok(connectionString.startsWith(prefix));
    assert.ok(String(param(rc, "protectedParameters", "EDGE_CONFIG_TOML_B64", true)).includes(`connection_string = "${connectionString}"`), "the hub's own key for this device, in config.toml");
    assert.equal(param(rc, "protectedParameters", "EDGE_IDENTITY_CERT_B64"), undefined, "no certificate");
    assert.equal(param(rc, "parameters", "EDGE_AUTH_MODE"), "connectionString");
    assert.ok(!JSON.stringify(inputs(rc).parameters).includes(prefix), "no connection string in the plain parameters");
  });
});

/**
 * The Device Provisioning Service of a `fleetProvisioning: dps` stack: the DPS instance (S1,
 * hashed allocation, in the hub's region) linked to the hub through a dedicated hub policy, the
 * stack's device CA (root and an intermediate that signs device certificates) or the group's
 * symmetric keys, and one enrollment group whose initial twin tags are the deployment's target
 * tags. Nothing here is declared per device of the fleet: only per simulated device (at most 10),
 * what its host needs to register (config.toml and, for X.509, a leaf certificate).
 */
import * as pulumi from "@pulumi/pulumi";
import * as dps from "@pulumi/azure-native/deviceprovisioningservices";
import * as iothub from "@pulumi/azure-native/iothub";
import * as random from "@pulumi/random";
import * as tls from "@pulumi/tls";
import type { DpsAttestation, IotEdgeVersion } from "../lib/config/types";
import { deriveDeviceKey } from "../lib/dps/keys";
import { ENROLLMENT_GROUP_SECRET_OUTPUTS, enrollmentGroupProvider } from "../lib/dps/provider";
import type { EnrollmentAttestation } from "../lib/dps/client";
import { DPS_GLOBAL_ENDPOINT, renderDpsConfigToml } from "../lib/edge/dpsProvisioning";

/**
 * The hub policy DPS links with. Microsoft's "link IoT hubs" page asks for a policy with
 * RegistryWrite and ServiceConnect (unconfirmed: the page could not be read offline).
 */
export const DPS_HUB_POLICY: { keyName: string; rights: iothub.AccessRights } = { keyName: "dps-link", rights: "RegistryWrite, ServiceConnect" };
/** The DPS policy Azure creates with every instance (all rights, EnrollmentWrite included). */
export const DPS_SERVICE_POLICY = "provisioningserviceowner";

export interface ProvisioningServiceArgs {
  resourceGroupName: pulumi.Input<string>;
  /** Globally unique DPS name. */
  dpsName: pulumi.Input<string>;
  /** The hub's region: DPS and hub side by side. */
  location: string;
  /** The hub's name and host name; the hub must declare {@link DPS_HUB_POLICY}. */
  hubName: pulumi.Input<string>;
  hubHostName: pulumi.Input<string>;
  attestation: DpsAttestation;
  /** The enrollment group id; carries the attestation so a switch creates before it deletes. */
  enrollmentGroupId: string;
  /** Initial twin tags of every registered device: the at-scale deployment's target tags. */
  twinTags: Record<string, string>;
  /** Devices that get a VM: what each host needs to register is exposed per device. */
  simulatedDevices: string[];
  iotEdgeVersion: IotEdgeVersion;
  /** Lifetime of the CA certificates in hours. Default 10 years for the root, 5 for the intermediate. */
  caValidityHours?: number;
  tags: Record<string, string>;
}

/** What one simulated host needs to provision through DPS; every field is in a secret output. */
export interface HostDpsProvisioning {
  registrationId: string;
  idScope: string;
  /** symmetricKey only: the device key derived from the group key. */
  symmetricKey?: string;
  configToml: string;
  /** x509 only: leaf then intermediate certificate, PEM. */
  identityCertPem?: string;
  identityKeyPem?: string;
}

/** The enrollment group as a dynamic resource; the group keys and the DPS key only as secrets. */
class EnrollmentGroup extends pulumi.dynamic.Resource {
  declare readonly enrollmentGroupId: pulumi.Output<string>;
  constructor(name: string, props: Record<string, pulumi.Input<unknown>>, opts: pulumi.CustomResourceOptions) {
    super(enrollmentGroupProvider, name, props, { ...opts, additionalSecretOutputs: ENROLLMENT_GROUP_SECRET_OUTPUTS });
  }
}

export class ProvisioningService extends pulumi.ComponentResource {
  readonly dpsName: pulumi.Output<string>;
  readonly idScope: pulumi.Output<string>;
  readonly serviceHostName: pulumi.Output<string>;
  readonly enrollmentGroupId: pulumi.Output<string>;
  /** symmetricKey only, secret: the group key the bundle tool derives device keys from. */
  readonly groupKey?: pulumi.Output<string>;
  /** x509 only: the CA chain (root public, intermediate key secret). */
  readonly rootCertPem?: pulumi.Output<string>;
  readonly intermediateCertPem?: pulumi.Output<string>;
  readonly intermediateKeyPem?: pulumi.Output<string>;
  /** Per simulated device, secret. */
  readonly hosts: Record<string, pulumi.Output<HostDpsProvisioning>> = {};

  constructor(name: string, args: ProvisioningServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("secure-iot-edge:index:ProvisioningService", name, {}, opts);

    const hubKey = iothub.listIotHubResourceKeysForKeyNameOutput({
      keyName: DPS_HUB_POLICY.keyName,
      resourceGroupName: args.resourceGroupName,
      resourceName: args.hubName,
    }, { parent: this });
    // The link takes a connection string (the only form azure-native's default DPS API takes), so
    // the hub keeps local auth for this policy even where the rest runs on Entra.
    const hubConnectionString = pulumi.secret(pulumi.interpolate`HostName=${args.hubHostName};SharedAccessKeyName=${DPS_HUB_POLICY.keyName};SharedAccessKey=${hubKey.apply((k) => k.primaryKey ?? "")}`);

    const service = new dps.IotDpsResource(name, {
      resourceGroupName: args.resourceGroupName,
      provisioningServiceName: args.dpsName,
      location: args.location,
      sku: { name: "S1", capacity: 1 },
      properties: {
        allocationPolicy: "Hashed",
        iotHubs: [{ connectionString: hubConnectionString, location: args.location }],
      },
      tags: args.tags,
    }, { parent: this, additionalSecretOutputs: ["properties"] });

    this.dpsName = service.name;
    // `properties` is secret as a whole (it holds the link's connection string); the ID scope and
    // host name are not, and a device needs them in plain sight.
    this.idScope = pulumi.unsecret(service.properties.apply((p) => p.idScope));
    this.serviceHostName = pulumi.unsecret(service.properties.apply((p) => p.serviceOperationsHostName));
    const serviceKey = pulumi.secret(dps.listIotDpsResourceKeysForKeyNameOutput({
      keyName: DPS_SERVICE_POLICY,
      provisioningServiceName: service.name,
      resourceGroupName: args.resourceGroupName,
    }, { parent: this }).apply((k) => k.primaryKey ?? ""));

    let attestation: pulumi.Output<EnrollmentAttestation>;
    const leafFor: Record<string, pulumi.Output<{ cert: string; key: string }>> = {};
    if (args.attestation === "symmetricKey") {
      // 64 random bytes, the size of the keys DPS generates itself (unconfirmed).
      const primary = new random.RandomBytes(`${name}-group-key-primary`, { length: 64 }, { parent: this });
      const secondary = new random.RandomBytes(`${name}-group-key-secondary`, { length: 64 }, { parent: this });
      this.groupKey = pulumi.secret(primary.base64);
      attestation = pulumi.secret(pulumi.all([primary.base64, secondary.base64]).apply(([primaryKey, secondaryKey]): EnrollmentAttestation => ({
        type: "symmetricKey", symmetricKey: { primaryKey, secondaryKey },
      })));
    } else {
      const rootKey = new tls.PrivateKey(`${name}-root-key`, { algorithm: "ECDSA", ecdsaCurve: "P256" }, { parent: this });
      const root = new tls.SelfSignedCert(`${name}-root`, {
        privateKeyPem: rootKey.privateKeyPem,
        subject: { commonName: `${args.enrollmentGroupId} root CA` },
        isCaCertificate: true,
        validityPeriodHours: args.caValidityHours ?? 10 * 8760,
        allowedUses: ["cert_signing", "crl_signing", "digital_signature"],
      }, { parent: this });
      const intermediateKey = new tls.PrivateKey(`${name}-intermediate-key`, { algorithm: "ECDSA", ecdsaCurve: "P256" }, { parent: this });
      const intermediateCsr = new tls.CertRequest(`${name}-intermediate-csr`, {
        privateKeyPem: intermediateKey.privateKeyPem,
        subject: { commonName: `${args.enrollmentGroupId} intermediate CA` },
      }, { parent: this });
      const intermediate = new tls.LocallySignedCert(`${name}-intermediate`, {
        certRequestPem: intermediateCsr.certRequestPem,
        caPrivateKeyPem: rootKey.privateKeyPem,
        caCertPem: root.certPem,
        isCaCertificate: true,
        validityPeriodHours: Math.floor((args.caValidityHours ?? 10 * 8760) / 2),
        allowedUses: ["cert_signing", "crl_signing", "digital_signature"],
      }, { parent: this });
      this.rootCertPem = root.certPem;
      this.intermediateCertPem = intermediate.certPem;
      this.intermediateKeyPem = pulumi.secret(intermediateKey.privateKeyPem);
      // The group trusts the intermediate, so a leaked root key is not needed to sign devices and
      // the intermediate can be rolled without touching the root (whether DPS also wants the root
      // in the chain a device presents is unconfirmed; the identity file carries leaf + intermediate).
      attestation = intermediate.certPem.apply((certificate): EnrollmentAttestation => ({ type: "x509", x509: { signingCertificates: { primary: { certificate } } } }));
      for (const deviceId of args.simulatedDevices) {
        const key = new tls.PrivateKey(`${name}-${deviceId}-key`, { algorithm: "ECDSA", ecdsaCurve: "P256" }, { parent: this });
        const csr = new tls.CertRequest(`${name}-${deviceId}-csr`, { privateKeyPem: key.privateKeyPem, subject: { commonName: deviceId } }, { parent: this });
        const leaf = new tls.LocallySignedCert(`${name}-${deviceId}-cert`, {
          certRequestPem: csr.certRequestPem,
          caPrivateKeyPem: intermediateKey.privateKeyPem,
          caCertPem: intermediate.certPem,
          validityPeriodHours: 2 * 8760,
          allowedUses: ["client_auth", "digital_signature", "key_agreement"],
        }, { parent: this });
        leafFor[deviceId] = pulumi.all([leaf.certPem, intermediate.certPem, key.privateKeyPem]).apply(([c, i, k]) => ({ cert: `${c.trim()}\n${i.trim()}\n`, key: k }));
      }
    }

    const group = new EnrollmentGroup(`${name}-enrollment-group`, {
      dpsHostName: this.serviceHostName,
      dpsKey: serviceKey,
      keyName: DPS_SERVICE_POLICY,
      enrollmentGroupId: args.enrollmentGroupId,
      attestation,
      iotHubHostName: args.hubHostName,
      tags: args.twinTags,
      etag: undefined,
    }, { parent: this, dependsOn: [service] });
    this.enrollmentGroupId = group.enrollmentGroupId;

    for (const deviceId of args.simulatedDevices) {
      const base = { registrationId: deviceId, iotEdgeVersion: args.iotEdgeVersion };
      this.hosts[deviceId] = pulumi.secret(args.attestation === "symmetricKey"
        ? pulumi.all([this.idScope, this.groupKey as pulumi.Output<string>]).apply(([idScope, groupKey]): HostDpsProvisioning => ({
            registrationId: deviceId,
            idScope,
            symmetricKey: deriveDeviceKey(groupKey, deviceId),
            configToml: renderDpsConfigToml({ ...base, idScope, attestation: { method: "symmetric_key", symmetricKey: deriveDeviceKey(groupKey, deviceId) } }),
          }))
        : pulumi.all([this.idScope, leafFor[deviceId]]).apply(([idScope, leaf]): HostDpsProvisioning => ({
            registrationId: deviceId,
            idScope,
            configToml: renderDpsConfigToml({ ...base, idScope, attestation: { method: "x509" } }),
            identityCertPem: leaf.cert,
            identityKeyPem: leaf.key,
          })));
    }
    this.registerOutputs({ dpsName: this.dpsName, idScope: this.idScope, enrollmentGroupId: this.enrollmentGroupId });
  }
}

export { DPS_GLOBAL_ENDPOINT };

/**
 * The per-device provisioning bundle for a physical device of a `fleetProvisioning: dps` stack:
 * from the stack's outputs (`pulumi stack output --json --show-secrets`), the device's
 * config.toml and credentials, written with mode 0600 into a 0700 folder.
 *
 * - symmetricKey: the device key is derived from the group key (lib/dps/keys.ts) and goes inline
 *   into config.toml.
 * - x509: a new P-256 key and a leaf certificate for CN=<device> signed by the stack's intermediate
 *   CA, made with the `openssl` CLI (Node's crypto cannot sign X.509). The intermediate key only
 *   ever sits in a 0700 temporary folder that is removed afterwards.
 *
 * Nothing here prints or returns a secret in a message: callers print file paths only.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { deriveDeviceKey, registrationIdProblem } from "../../lib/dps/keys";
import { DPS_IDENTITY_CERT_PATH, DPS_IDENTITY_KEY_PATH, renderDpsConfigToml } from "../../lib/edge/dpsProvisioning";
import type { IotEdgeVersion } from "../../lib/config/types";

/** The `dps` stack output (index.ts), as `pulumi stack output --json --show-secrets` prints it. */
export interface DpsOutputs {
  idScope: string;
  enrollmentGroupId: string;
  attestation: "x509" | "symmetricKey";
  iotEdgeVersion: IotEdgeVersion;
  groupKey?: string;
  rootCertPem?: string;
  intermediateCertPem?: string;
  intermediateKeyPem?: string;
}

export interface BundleFile {
  /** File name inside the device folder. */
  name: string;
  content: string;
  /** Where it goes on the device. */
  target: string;
}

export class BundleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BundleError";
  }
}

/** Picks and checks the `dps` output; the messages name fields, never values that may be secret. */
export function readDpsOutputs(outputs: unknown, stack: string, deviceId: string): DpsOutputs {
  const o = (typeof outputs === "object" && outputs !== null ? outputs : {}) as Record<string, unknown>;
  const dps = o.dps as Partial<DpsOutputs> | undefined;
  if (!dps || typeof dps !== "object") {
    throw new BundleError(`stack ${stack} has no dps output: it is not a fleetProvisioning dps stack (pulumi config set fleetProvisioning dps, then pulumi up)`);
  }
  const problem = registrationIdProblem(deviceId);
  if (problem) throw new BundleError(`--device: ${problem}`);
  const devices = o.edgeDevices;
  if (Array.isArray(devices) && !devices.includes(deviceId)) {
    throw new BundleError(`device ${deviceId} is not one of stack ${stack}'s ${devices.length} edge devices; add it to edgeDeviceNames (or raise edgeDeviceCount) and run pulumi up first`);
  }
  // Without --show-secrets, pulumi prints "[secret]" in place of each secret.
  const missing = (keys: (keyof DpsOutputs)[]) => keys.filter((k) => typeof dps[k] !== "string" || dps[k] === "" || dps[k] === "[secret]");
  const need: (keyof DpsOutputs)[] = ["idScope", "attestation", "iotEdgeVersion"];
  if (dps.attestation === "symmetricKey") need.push("groupKey");
  if (dps.attestation === "x509") need.push("rootCertPem", "intermediateCertPem", "intermediateKeyPem");
  const absent = missing(need);
  if (absent.length > 0) {
    throw new BundleError(`stack ${stack}'s dps output lacks ${absent.join(", ")}; read it with --show-secrets (pulumi stack output --json --show-secrets)`);
  }
  if (dps.attestation !== "x509" && dps.attestation !== "symmetricKey") throw new BundleError(`dps.attestation ${JSON.stringify(dps.attestation)}: allowed: x509, symmetricKey`);
  return dps as DpsOutputs;
}

/** Runs openssl; its error text (never a key) goes into the error. */
export type Openssl = (args: string[], input?: string) => string;

export const runOpenssl: Openssl = (args, input) => {
  const r = spawnSync("openssl", args, { input, encoding: "utf8" });
  if (r.error) throw new BundleError(`openssl is needed for x509 bundles and could not be run: ${r.error.message}`);
  if (r.status !== 0) throw new BundleError(`openssl ${args[0]} failed: ${r.stderr.trim().split("\n")[0] ?? ""}`);
  return r.stdout;
};

/** Signs a new leaf for `deviceId` with the intermediate; returns leaf+intermediate chain and key. */
export function issueLeaf(dps: DpsOutputs, deviceId: string, openssl: Openssl = runOpenssl, validityDays = 730): { chainPem: string; keyPem: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "dps-bundle-"));
  try {
    chmodSync(dir, 0o700);
    const file = (name: string, content: string) => {
      const p = path.join(dir, name);
      writeFileSync(p, content, { mode: 0o600 });
      return p;
    };
    const caKey = file("ca.key.pem", dps.intermediateKeyPem as string);
    const caCert = file("ca.cert.pem", dps.intermediateCertPem as string);
    const key = path.join(dir, "leaf.key.pem");
    openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key]);
    chmodSync(key, 0o600);
    const csr = path.join(dir, "leaf.csr");
    openssl(["req", "-new", "-key", key, "-subj", `/CN=${deviceId}`, "-out", csr]);
    const ext = file("leaf.ext", "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyAgreement\nextendedKeyUsage=clientAuth\n");
    const leaf = path.join(dir, "leaf.cert.pem");
    openssl(["x509", "-req", "-in", csr, "-CA", caCert, "-CAkey", caKey, "-set_serial", `0x${randomSerial()}`, "-days", String(validityDays), "-sha256", "-extfile", ext, "-out", leaf]);
    return {
      chainPem: `${readFileSync(leaf, "utf8").trim()}\n${(dps.intermediateCertPem as string).trim()}\n`,
      keyPem: readFileSync(key, "utf8"),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function randomSerial(): string {
  // A positive 127-bit serial, as RFC 5280 asks for unpredictable serials.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[0] &= 0x7f;
  return Buffer.from(bytes).toString("hex");
}

/** The files of one device's bundle. */
export function bundleFiles(dps: DpsOutputs, deviceId: string, openssl: Openssl = runOpenssl): BundleFile[] {
  const common = { idScope: dps.idScope, registrationId: deviceId, iotEdgeVersion: dps.iotEdgeVersion };
  if (dps.attestation === "symmetricKey") {
    const symmetricKey = deriveDeviceKey(dps.groupKey as string, deviceId);
    return [{ name: "config.toml", target: "/etc/aziot/config.toml", content: renderDpsConfigToml({ ...common, attestation: { method: "symmetric_key", symmetricKey } }) }];
  }
  const leaf = issueLeaf(dps, deviceId, openssl);
  return [
    { name: "config.toml", target: "/etc/aziot/config.toml", content: renderDpsConfigToml({ ...common, attestation: { method: "x509" } }) },
    { name: "device-identity.cert.pem", target: DPS_IDENTITY_CERT_PATH, content: leaf.chainPem },
    { name: "device-identity.key.pem", target: DPS_IDENTITY_KEY_PATH, content: leaf.keyPem },
    { name: "root-ca.cert.pem", target: "(keep for verification; not needed on the device)", content: `${(dps.rootCertPem as string).trim()}\n` },
  ];
}

/** Writes the bundle to `<outRoot>/<stack>/devices/<deviceId>/`, folder 0700, files 0600. */
export function writeBundle(outRoot: string, stack: string, deviceId: string, files: BundleFile[]): string {
  const dir = path.join(outRoot, stack, "devices", deviceId);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  for (const f of files) {
    const p = path.join(dir, f.name);
    writeFileSync(p, f.content, { mode: 0o600 });
    // writeFileSync keeps an existing file's mode: force it.
    chmodSync(p, 0o600);
  }
  return dir;
}

/** What the tool prints: paths and where each file goes, no secret. */
export function installHint(dir: string, files: BundleFile[]): string {
  return [
    `wrote ${dir} (mode 0600 files; contains secrets, copy it to the device over a trusted channel and delete it here)`,
    ...files.map((f) => `  ${f.name} -> ${f.target}`),
    "then on the device: sudo iotedge config apply -c /etc/aziot/config.toml",
    "",
  ].join("\n");
}

/**
 * Deterministic stand-ins for @pulumi/tls outputs under the mock engine: real, parseable
 * self-signed X.509 certificates (Ed25519, fixed validity), so the program's own checks (the
 * certificate's CN, the key matching it, its thumbprint) run as they would on real values.
 *
 * Every mock key is the same fixed key: importing a private key costs about a millisecond in
 * OpenSSL 3, which a 1,000-device plan would pay thousands of times. Certificates still differ
 * per device (their CN and serial), and so do their thumbprints. Only the mock engine uses this;
 * a real `pulumi up` gets its keys and certificates from @pulumi/tls.
 */
import { createHash, createPrivateKey, createPublicKey, sign, type KeyObject } from "node:crypto";

function der(tag: number, content: Buffer): Buffer {
  const n = content.length;
  const len = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), len, content]);
}
const seq = (...parts: Buffer[]) => der(0x30, Buffer.concat(parts));
const ED25519 = seq(Buffer.from([0x06, 0x03, 0x2b, 0x65, 0x70]));
const name = (cn: string) => seq(der(0x31, seq(Buffer.from([0x06, 0x03, 0x55, 0x04, 0x03]), der(0x0c, Buffer.from(cn, "utf8")))));

let cached: { key: KeyObject; pem: string; spki: Buffer } | undefined;

/** The fixed mock key (PKCS#8 for Ed25519 is a fixed prefix followed by the 32-byte seed). */
function mockKey(): { key: KeyObject; pem: string; spki: Buffer } {
  if (!cached) {
    const seed = createHash("sha256").update("secure-iot-edge mock key").digest();
    const key = createPrivateKey({ key: Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), seed]), format: "der", type: "pkcs8" });
    cached = { key, pem: key.export({ type: "pkcs8", format: "pem" }).toString(), spki: createPublicKey(key).export({ type: "spki", format: "der" }) };
  }
  return cached;
}

export function mockPrivateKeyPem(): string {
  return mockKey().pem;
}

export function mockPublicKeyOpenssh(comment: string): string {
  const pub = mockKey().spki.subarray(-32);
  const str = (b: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(b.length);
    return Buffer.concat([len, b]);
  };
  return `ssh-ed25519 ${Buffer.concat([str(Buffer.from("ssh-ed25519")), str(pub)]).toString("base64")} mock-${comment}\n`;
}

/**
 * A self-signed certificate with subject and issuer CN = `commonName`, signed by the mock key.
 * `generation` > 0 gives a renewed certificate (another serial, so another thumbprint).
 */
export function mockSelfSignedCertPem(commonName: string, generation = 0): string {
  const { key, spki } = mockKey();
  const serialSeed = generation === 0 ? commonName : `${commonName}#${generation}`;
  const serial = Buffer.concat([Buffer.from([0x01]), createHash("sha256").update(serialSeed).digest().subarray(0, 8)]);
  const validity = seq(der(0x17, Buffer.from("260101000000Z")), der(0x17, Buffer.from("360101000000Z")));
  const tbs = seq(der(0xa0, der(0x02, Buffer.from([0x02]))), der(0x02, serial), ED25519, name(commonName), validity, name(commonName), spki);
  const cert = seq(tbs, ED25519, der(0x03, Buffer.concat([Buffer.from([0x00]), sign(null, tbs, key)])));
  return `-----BEGIN CERTIFICATE-----\n${cert.toString("base64").replace(/.{1,64}/g, "$&\n")}-----END CERTIFICATE-----\n`;
}

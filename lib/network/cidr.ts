/** IPv4 CIDR arithmetic for the VNet layout. Pure. */

export interface Cidr {
  /** The text as given, e.g. "10.50.1.0/24". */
  text: string;
  /** First address as an unsigned 32-bit integer. */
  start: number;
  /** Prefix length, 0-32. */
  prefix: number;
}

const CIDR_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/**
 * Parses an IPv4 CIDR. Returns an error string when the text is not a CIDR or has host bits
 * set (Azure rejects "10.0.0.1/24" as an address prefix).
 */
export function parseCidr(text: string): Cidr | string {
  const m = CIDR_RE.exec(text);
  if (!m) return "not an IPv4 CIDR such as 10.50.0.0/16";
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255)) return "an octet is above 255";
  if (prefix > 32) return "the prefix length is above 32";
  const address = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  const start = (address & maskOf(prefix)) >>> 0;
  if (start !== address) return `host bits are set (the network address is ${formatAddress(start)}/${prefix})`;
  return { text, start, prefix };
}

function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

export function size(c: Cidr): number {
  return 2 ** (32 - c.prefix);
}

export function formatAddress(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join(".");
}

/** True when `inner` lies wholly inside `outer`. */
export function contains(outer: Cidr, inner: Cidr): boolean {
  return inner.prefix >= outer.prefix && inner.start >= outer.start && inner.start + size(inner) <= outer.start + size(outer);
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.start < b.start + size(b) && b.start < a.start + size(a);
}

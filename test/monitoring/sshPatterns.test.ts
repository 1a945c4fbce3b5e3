/**
 * The SSH failure patterns run in JavaScript over real OpenSSH log line formats of Ubuntu 22.04
 * (OpenSSH 8.9) and 24.04 (OpenSSH 9.6), kept as fixtures; the query's pipeline (filter, extract
 * the client address and port, distinct per host, count) is replayed here so each attempt is
 * shown to count once. KQL runs the same expressions with RE2; they stay in the common subset
 * (see alerts.test.ts).
 */
import { describe, test } from "node:test";
import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { SSH_FAILURE_PATTERNS, SSH_FAILURE_REGEX, SSH_SOURCE_REGEX } from "../../lib/monitoring/alertQueries";
import { repoRoot } from "../helpers/validators";

interface SyslogRow { Computer: string; ProcessName: string; SyslogMessage: string }
interface Attempt { kind: string; source: string; lines: number }

const dir = path.join(repoRoot, "test", "fixtures", "ssh");
const expected = (JSON.parse(readFileSync(path.join(dir, "expected-attempts.json"), "utf8")) as { attempts: Attempt[] }).attempts;

/** A line of /var/log/auth.log as the Azure Monitor Agent splits it into Syslog columns. */
function row(line: string): SyslogRow {
  const m = /^(?:\w{3} [ \d]\d \d\d:\d\d:\d\d|\d{4}-\d\d-\d\dT[\d:.]+[+-]\d\d:\d\d) (\S+) ([\w-]+)\[\d+\]: (.*)$/.exec(line);
  if (!m) throw new Error(`not a syslog line: ${line}`);
  return { Computer: m[1], ProcessName: m[2], SyslogMessage: m[3] };
}

const failure = new RegExp(SSH_FAILURE_REGEX, "i");
const source = new RegExp(SSH_SOURCE_REGEX);

/** The query's pipeline over rows: matching sshd messages, distinct (host, source), count per host. */
function failuresPerHost(rows: SyslogRow[]): Map<string, Set<string>> {
  const result = new Map<string, Set<string>>();
  for (const r of rows) {
    if (!r.ProcessName.startsWith("sshd") || !failure.test(r.SyslogMessage)) continue;
    const s = source.exec(r.SyslogMessage)?.[0];
    if (!s) continue;
    result.set(r.Computer, (result.get(r.Computer) ?? new Set()).add(s));
  }
  return result;
}

for (const [release, file, host] of [["Ubuntu 22.04 (OpenSSH 8.9)", "ubuntu-22.04-auth.log", "vm-edge-001-dev"], ["Ubuntu 24.04 (OpenSSH 9.6)", "ubuntu-24.04-auth.log", "vm-edge-001-trial"]] as const) {
  describe(`SSH failures in ${release} auth.log`, () => {
    const rows = readFileSync(path.join(dir, file), "utf8").trim().split("\n").map(row);

    test("every attempt is counted exactly once: the distinct sources are the expected attempts", () => {
      const perHost = failuresPerHost(rows);
      assert.deepEqual([...perHost.keys()], [host]);
      assert.deepEqual([...(perHost.get(host) ?? [])].sort(), expected.map((a) => a.source).sort());
    });

    for (const attempt of expected) {
      test(`${attempt.kind}: ${attempt.lines} matching line(s), one attempt`, () => {
        const lines = rows.filter((r) => failure.test(r.SyslogMessage) && source.exec(r.SyslogMessage)?.[0] === attempt.source);
        assert.equal(lines.length, attempt.lines, lines.map((l) => l.SyslogMessage).join("\n"));
        assert.equal(failuresPerHost(lines).get(host)?.size, 1);
      });
    }

    test("the accepted login, its session, a scanner's close without a user and the listener line are not failures", () => {
      const benign = rows.filter((r) => /Accepted publickey|session (opened|closed)|Disconnected from user|disconnected by user|Connection closed by 192\.0\.2\.50|Server listening/.test(r.SyslogMessage));
      assert.equal(benign.length, 7);
      for (const r of benign) assert.ok(!failure.test(r.SyslogMessage), r.SyslogMessage);
    });

    test("each failure pattern matches at least one line, and matching ignores case", () => {
      for (const p of SSH_FAILURE_PATTERNS) assert.ok(rows.some((r) => new RegExp(p, "i").test(r.SyslogMessage)), p);
      assert.ok(failure.test("CONNECTION CLOSED BY AUTHENTICATING USER root 198.51.100.23 port 1 [preauth]"));
    });
  });
}

describe("the counting is by attempt, not by line", () => {
  test("three lines of one invalid-user attempt count 1; the same address on another port counts 2", () => {
    const lines = [
      "Invalid user admin from 203.0.113.9 port 40000",
      "Failed publickey for invalid user admin from 203.0.113.9 port 40000 ssh2: RSA SHA256:abc",
      "Connection closed by invalid user admin 203.0.113.9 port 40000 [preauth]",
    ].map((SyslogMessage) => ({ Computer: "h", ProcessName: "sshd", SyslogMessage }));
    assert.equal(failuresPerHost(lines).get("h")?.size, 1);
    lines.push({ Computer: "h", ProcessName: "sshd", SyslogMessage: "Invalid user admin from 203.0.113.9 port 40001" });
    assert.equal(failuresPerHost(lines).get("h")?.size, 2);
  });

  test("OpenSSH 9.8's sshd-session process name is read too; other processes are not", () => {
    const msg = "Connection closed by authenticating user root 198.51.100.23 port 52214 [preauth]";
    assert.equal(failuresPerHost([{ Computer: "h", ProcessName: "sshd-session", SyslogMessage: msg }]).get("h")?.size, 1);
    assert.equal(failuresPerHost([{ Computer: "h", ProcessName: "sudo", SyslogMessage: msg }]).size, 0);
  });
});

describe("each failure pattern on the lines it must match and on close lines it must not", () => {
  /** Message (SyslogMessage, without "sshd[pid]: "), the pattern that must match it, the source it yields. */
  const must: [string, (typeof SSH_FAILURE_PATTERNS)[number], string][] = [
    ["Failed publickey for edgeadmin from 10.50.255.4 port 50022 ssh2: ED25519 SHA256:7m0Gk0c1bZ4XgG0g3kYh1Ww0JmC5k3r8b6dQx2pQv1E", "Failed [a-z-]+(/[a-z]+)? for ", "10.50.255.4 port 50022"],
    ["Failed password for invalid user admin from 203.0.113.9 port 40000 ssh2", "Failed [a-z-]+(/[a-z]+)? for ", "203.0.113.9 port 40000"],
    ["Failed keyboard-interactive/pam for root from 203.0.113.10 port 40001 ssh2", "Failed [a-z-]+(/[a-z]+)? for ", "203.0.113.10 port 40001"],
    ["Failed none for invalid user guest from 2001:db8::7 port 40002 ssh2", "Failed [a-z-]+(/[a-z]+)? for ", "2001:db8::7 port 40002"],
    ["Failed hostbased for edgeadmin from 203.0.113.11 port 40003 ssh2", "Failed [a-z-]+(/[a-z]+)? for ", "203.0.113.11 port 40003"],
    ["Invalid user admin from 203.0.113.7 port 40112", "Invalid user ", "203.0.113.7 port 40112"],
    ["Invalid user  from 203.0.113.7 port 40113", "Invalid user ", "203.0.113.7 port 40113"],
    ["Connection closed by authenticating user root 198.51.100.23 port 52214 [preauth]", "(Connection closed by|Disconnected from|Connection reset by) (authenticating|invalid) user ", "198.51.100.23 port 52214"],
    ["Connection closed by invalid user admin 203.0.113.7 port 40118 [preauth]", "(Connection closed by|Disconnected from|Connection reset by) (authenticating|invalid) user ", "203.0.113.7 port 40118"],
    ["Disconnected from authenticating user root 198.51.100.24 port 41022 [preauth]", "(Connection closed by|Disconnected from|Connection reset by) (authenticating|invalid) user ", "198.51.100.24 port 41022"],
    ["Disconnected from invalid user admin 203.0.113.7 port 40112 [preauth]", "(Connection closed by|Disconnected from|Connection reset by) (authenticating|invalid) user ", "203.0.113.7 port 40112"],
    ["Connection reset by authenticating user ubuntu 198.51.100.25 port 60100 [preauth]", "(Connection closed by|Disconnected from|Connection reset by) (authenticating|invalid) user ", "198.51.100.25 port 60100"],
    ["Connection reset by invalid user oracle 2001:db8:0:1::25 port 60101 [preauth]", "(Connection closed by|Disconnected from|Connection reset by) (authenticating|invalid) user ", "2001:db8:0:1::25 port 60101"],
    ["error: maximum authentication attempts exceeded for root from 198.51.100.26 port 33440 ssh2 [preauth]", "maximum authentication attempts exceeded", "198.51.100.26 port 33440"],
    ["error: maximum authentication attempts exceeded for invalid user test from 198.51.100.27 port 33441 ssh2 [preauth]", "maximum authentication attempts exceeded", "198.51.100.27 port 33441"],
    ["Disconnecting authenticating user root 198.51.100.26 port 33440: Too many authentication failures [preauth]", "Too many authentication failures", "198.51.100.26 port 33440"],
    ["Disconnecting invalid user test 198.51.100.27 port 33441: Too many authentication failures [preauth]", "Too many authentication failures", "198.51.100.27 port 33441"],
  ];
  /** sshd messages close to a failure that are not one (successful logins, sessions, scanners, the listener, PAM). */
  const mustNot = [
    "Accepted publickey for edgeadmin from 168.63.129.16 port 50000 ssh2: ED25519 SHA256:Qm1xvE2cW0y8r4J9b3sXo7fH6kP5tN2aL1dZ0uC9gYw",
    "Accepted keyboard-interactive/pam for edgeadmin from 168.63.129.16 port 50001 ssh2",
    "Postponed keyboard-interactive/pam for edgeadmin from 168.63.129.16 port 50001 ssh2 [preauth]",
    "Partial publickey for edgeadmin from 168.63.129.16 port 50002 ssh2: ED25519 SHA256:Qm1xvE2cW0y8r4J9b3sXo7fH6kP5tN2aL1dZ0uC9gYw",
    "error: Failed to allocate internet-domain X11 display socket.",
    "Failed to release session: Interrupted system call",
    "Failed publickey: for edgeadmin",
    "Connection closed by 192.0.2.50 port 41414 [preauth]",
    "Connection reset by 192.0.2.51 port 41415 [preauth]",
    "Connection closed by user edgeadmin 168.63.129.16 port 50000",
    "Disconnected from user edgeadmin 168.63.129.16 port 50000",
    "Disconnected from 192.0.2.52 port 41416 [preauth]",
    "Received disconnect from 203.0.113.7 port 40112:11: Bye Bye [preauth]",
    "Received disconnect from 168.63.129.16 port 50000:11: disconnected by user",
    "Connection from 203.0.113.7 port 40112 on 10.50.0.4 port 22 rdomain \"\"",
    "pam_unix(sshd:session): session opened for user edgeadmin(uid=1000) by (uid=0)",
    "pam_unix(sshd:session): session closed for user edgeadmin",
    "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.7  user=root",
    "Server listening on 0.0.0.0 port 22.",
    "Server listening on :: port 22.",
    // Near misses: each phrase one character off, so a loosened pattern (a lost space or letter) shows.
    "Invalid username admin from 203.0.113.7 port 40112",
    "Connection closed by authenticatinguser root 198.51.100.23 port 52214 [preauth]",
    "maximum authentication attempts exceede for root from 198.51.100.26 port 33440 ssh2 [preauth]",
    "Too many authentication failure for root",
  ];

  for (const [message, pattern, src] of must) {
    test(`matched by its pattern and the whole expression, attempt ${src}: ${message}`, () => {
      assert.ok(new RegExp(pattern, "i").test(message), pattern);
      assert.ok(failure.test(message));
      assert.ok(failure.test(message.toUpperCase()), "case-insensitive");
      assert.equal(source.exec(message)?.[0], src);
      assert.deepEqual([...failuresPerHost([{ Computer: "h", ProcessName: "sshd", SyslogMessage: message }]).entries()], [["h", new Set([src])]]);
    });
  }

  test("each pattern has a line of its kind in the list above", () => {
    assert.deepEqual([...new Set(must.map(([, p]) => p))], [...SSH_FAILURE_PATTERNS]);
  });

  for (const message of mustNot) {
    test(`not a failure: ${message}`, () => {
      for (const p of SSH_FAILURE_PATTERNS) assert.ok(!new RegExp(p, "i").test(message), p);
      assert.ok(!failure.test(message));
      assert.equal(failuresPerHost([{ Computer: "h", ProcessName: "sshd", SyslogMessage: message }]).size, 0);
    });
  }

  test("the source is the first address and port of the message, IPv4 or IPv6, and nothing without a port", () => {
    assert.equal(source.exec("Connection from 203.0.113.7 port 40112 on 10.50.0.4 port 22 rdomain \"\"")?.[0], "203.0.113.7 port 40112");
    assert.equal(source.exec("Invalid user cafe from 2001:DB8::A port 40112")?.[0], "2001:DB8::A port 40112");
    assert.deepEqual([...(source.exec("Invalid user admin from 203.0.113.7 port 40112") ?? [])], ["203.0.113.7 port 40112", "203.0.113.7", "40112"]);
    assert.equal(source.exec("pam_unix(sshd:auth): authentication failure; rhost=203.0.113.7 user=root"), null);
    assert.equal(source.exec("Invalid user admin from 203.0.113.7 port "), null);
    assert.equal(source.exec("Invalid user admin from 203.0.113.7 PORT 40112"), null, "as in the query, without (?i)");
    // A failure line without an address and port counts no attempt.
    assert.equal(failuresPerHost([{ Computer: "h", ProcessName: "sshd", SyslogMessage: "Invalid user admin from unknown" }]).size, 0);
  });
});

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

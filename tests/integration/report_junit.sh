#!/bin/bash
# The JUnit report (issue "Rollouts that operators trust", item 9): a mixed
# fleet of SQLite targets is upgraded with the real binary and its report
# rendered by `migratore report render --junit`. A JUnit XML parser
# (python3's xml.etree) reads it: one testcase per target, counts that
# match the JSON report, failures, errors and skips where the statuses
# say; xmllint, when installed, checks it is well-formed and valid against
# the structure of the JUnit schema CI systems read (Jenkins' junit-10.xsd:
# written out below from its documented elements and attributes).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"
. "$TESTS_SRCDIR/lib/reportfleet.sh"

# Until migratore.c dispatches `report` (reportcmd_main), say so and stop.
mig report --help
if [[ $M_OUT != *"report render"* ]]; then
	skip "the report subcommand is not wired into this migratore" 1
	done_testing
fi

W=$T_TMP/fleet
mixed_fleet "$W"
MIG_CWD=$W mig upgrade --inventory fleet.yaml --report report.json --quiet
is_rc 1 "the mixed fleet's run exits 1"

MIG_CWD=$W mig report render report.json --junit junit.xml
is_rc 0 "report render --junit exits 0"
is "$M_OUT" "" "nothing on stdout"
is "$(stat -c %a "$W/junit.xml")" 600 "the JUnit file is mode 0600 like the report"

MIG_CWD=$W mig report render report.json --junit -
is "$M_OUT" "$(cat "$W/junit.xml")" "--junit - writes the same document to stdout"

is "$(python3 - "$W/report.json" "$W/junit.xml" <<'PY'
import json, sys
import xml.etree.ElementTree as ET

report = json.load(open(sys.argv[1]))
root = ET.parse(sys.argv[2]).getroot()
problems = []
def check(cond, what):
    if not cond:
        problems.append(what)

check(root.tag == "testsuites", "root is <testsuites>")
suites = root.findall("testsuite")
check(len(suites) == 1, "one <testsuite>")
s = suites[0]
cases = s.findall("testcase")
t = report["totals"]
check(s.get("name") == "migratore upgrade", "suite name")
check(int(s.get("tests")) == t["targets"] == len(cases), "tests = targets")
check(int(s.get("failures")) == t["failed"] + t["rolled-back"], "failures")
check(int(s.get("errors")) == sum(t[k] for k in ("timeout", "crashed",
      "unreachable", "locked", "interrupted")), "errors")
check(int(s.get("skipped")) == t["not-reached"], "skipped")
for k in ("tests", "failures", "errors"):
    check(root.get(k) == s.get(k), "<testsuites> %s" % k)
float(s.get("time"))
check(s.get("timestamp") == report["start"].rstrip("Z"), "timestamp")
props = {p.get("name"): p.get("value") for p in s.find("properties")}
check(props.get("run_id") == report["run_id"], "run_id property")
check([c.get("name") for c in cases] == [x["name"] for x in report["targets"]],
      "one testcase per target, in report order")
kind = {"ok": None, "nothing-to-do": None, "failed": "failure",
        "rolled-back": "failure", "not-reached": "skipped"}
for c, x in zip(cases, report["targets"]):
    check(c.get("classname") == "migratore.upgrade", "classname")
    check(abs(float(c.get("time")) - x["seconds"]) < 0.001, "time of " + x["name"])
    want = kind.get(x["status"], "error")
    got = [e.tag for e in c if e.tag in ("failure", "error", "skipped")]
    check(got == ([want] if want else []), "%s: %s is %r" % (x["name"], x["status"], got))
    if want in ("failure", "error"):
        e = c.find(want)
        check(e.get("type") == x["status"], x["name"] + ": type")
        check(e.get("message") == x["reason"], x["name"] + ": message is the reason")
    check(c.find("system-out") is not None, x["name"] + ": system-out")
failed = [c for c in cases if c.get("name") == "failed"][0].find("failure").text
check("Run 1700000300_m3.sql: error" in failed, "the failing step is in the failure")
check("INSERT INTO no_such_table VALUES ('<b>\"quoted\" & </b>')" in failed,
      "the statement, unescaped by the parser, is in the failure")
check("no such table: no_such_table" in failed, "the engine's message is in the failure")
ok1 = [c for c in cases if c.get("name") == "ok-1"][0].find("system-out").text
check("Run 1700000100_m1.sql: success" in ok1, "an ok target's steps in system-out")
print("\n".join(problems) or "valid")
PY
)" valid "a JUnit parser reads one testcase per target, counts and verdicts as in the JSON"

if ! command -v xmllint >/dev/null; then
	skip "xmllint is not installed" 2
	done_testing
fi
xmllint --noout "$W/junit.xml" 2>"$W/lint.err"
ok $? "xmllint: well-formed"

cat >"$W/junit.xsd" <<'XSD'
<?xml version="1.0" encoding="UTF-8"?>
<!-- The elements and attributes of Jenkins' junit-10.xsd, which GitLab and
     most CI importers also accept: anything else is refused here. -->
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:element name="testsuites">
    <xs:complexType>
      <xs:sequence>
        <xs:element ref="testsuite" minOccurs="0" maxOccurs="unbounded"/>
      </xs:sequence>
      <xs:attribute name="name" type="xs:string"/>
      <xs:attribute name="time" type="xs:decimal"/>
      <xs:attribute name="tests" type="xs:nonNegativeInteger"/>
      <xs:attribute name="failures" type="xs:nonNegativeInteger"/>
      <xs:attribute name="disabled" type="xs:nonNegativeInteger"/>
      <xs:attribute name="errors" type="xs:nonNegativeInteger"/>
    </xs:complexType>
  </xs:element>
  <xs:element name="testsuite">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="properties" minOccurs="0">
          <xs:complexType>
            <xs:sequence>
              <xs:element name="property" minOccurs="0" maxOccurs="unbounded">
                <xs:complexType>
                  <xs:attribute name="name" type="xs:string" use="required"/>
                  <xs:attribute name="value" type="xs:string" use="required"/>
                </xs:complexType>
              </xs:element>
            </xs:sequence>
          </xs:complexType>
        </xs:element>
        <xs:element ref="testcase" minOccurs="0" maxOccurs="unbounded"/>
        <xs:element name="system-out" type="xs:string" minOccurs="0"/>
        <xs:element name="system-err" type="xs:string" minOccurs="0"/>
      </xs:sequence>
      <xs:attribute name="name" type="xs:string" use="required"/>
      <xs:attribute name="tests" type="xs:nonNegativeInteger" use="required"/>
      <xs:attribute name="failures" type="xs:nonNegativeInteger"/>
      <xs:attribute name="errors" type="xs:nonNegativeInteger"/>
      <xs:attribute name="time" type="xs:decimal"/>
      <xs:attribute name="disabled" type="xs:nonNegativeInteger"/>
      <xs:attribute name="skipped" type="xs:nonNegativeInteger"/>
      <xs:attribute name="timestamp" type="xs:dateTime"/>
      <xs:attribute name="hostname" type="xs:string"/>
      <xs:attribute name="id" type="xs:string"/>
      <xs:attribute name="package" type="xs:string"/>
    </xs:complexType>
  </xs:element>
  <xs:complexType name="problem" mixed="true">
    <xs:attribute name="message" type="xs:string"/>
    <xs:attribute name="type" type="xs:string"/>
  </xs:complexType>
  <xs:element name="testcase">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="skipped" minOccurs="0">
          <xs:complexType mixed="true">
            <xs:attribute name="message" type="xs:string"/>
          </xs:complexType>
        </xs:element>
        <xs:element name="error" type="problem" minOccurs="0" maxOccurs="unbounded"/>
        <xs:element name="failure" type="problem" minOccurs="0" maxOccurs="unbounded"/>
        <xs:element name="system-out" type="xs:string" minOccurs="0" maxOccurs="unbounded"/>
        <xs:element name="system-err" type="xs:string" minOccurs="0" maxOccurs="unbounded"/>
      </xs:sequence>
      <xs:attribute name="name" type="xs:string" use="required"/>
      <xs:attribute name="assertions" type="xs:string"/>
      <xs:attribute name="time" type="xs:decimal"/>
      <xs:attribute name="classname" type="xs:string"/>
      <xs:attribute name="status" type="xs:string"/>
    </xs:complexType>
  </xs:element>
</xs:schema>
XSD
xmllint --noout --schema "$W/junit.xsd" "$W/junit.xml" 2>"$W/lint.err"
ok $? "xmllint: valid against the JUnit schema's structure" ||
	diag "$(cat "$W/lint.err")"

done_testing

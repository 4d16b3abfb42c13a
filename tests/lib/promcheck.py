#!/usr/bin/env python3
"""Check a Prometheus text exposition file (format 0.0.4) as `promtool
check metrics` does, without promtool.

    promcheck.py FILE        problems on stdout, one a line; exit 1 if any
    promcheck.py --json FILE the samples as JSON: [[name, {labels}, value]]

The grammar: `# HELP name text` and `# TYPE name type` at most once per
metric family and before its samples; other `#` lines are comments;
samples `name{label="value",...} value [timestamp]`, with metric names
[a-zA-Z_:][a-zA-Z0-9_:]*, label names [a-zA-Z_][a-zA-Z0-9_]* (not
`__`-prefixed, each once), label values escaped \\\\, \\" and \\n only,
values Go floats (NaN, +Inf, -Inf). A family's samples are contiguous, no
series appears twice, the file ends with a newline. The lint promtool adds:
a HELP for every family, counters named *_total and nothing else so, names
in snake_case, base units (no _milliseconds, _minutes, ...).
"""
import json
import re
import sys

NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
LABEL = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
FLOAT = re.compile(
    r"[+-]?(?:Inf|inf|NaN|nan|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|0[xX][0-9a-fA-F]+)$")
TYPES = {"counter", "gauge", "histogram", "summary", "untyped"}
NON_BASE_UNITS = ("_milliseconds", "_microseconds", "_nanoseconds",
                  "_minutes", "_hours", "_days", "_kilobytes",
                  "_megabytes", "_gigabytes", "_percent")
# The suffixes that belong to a histogram's or summary's family.
SUFFIXES = ("_bucket", "_count", "_sum")


class Checker:
    def __init__(self):
        self.problems = []
        self.help = {}
        self.type = {}
        self.seen_families = []  # in order of their first sample
        self.closed = set()  # families whose samples are over
        self.current = None
        self.series = set()
        self.samples = []

    def problem(self, lineno, msg):
        self.problems.append("line %d: %s" % (lineno, msg))

    def family_of(self, name):
        for suffix in SUFFIXES:
            base = name[:-len(suffix)]
            if name.endswith(suffix) and self.type.get(base) in (
                    "histogram", "summary"):
                return base
        return name

    def meta(self, lineno, line):
        parts = line.split(None, 3)
        if len(parts) < 3 or parts[1] not in ("HELP", "TYPE"):
            return  # a comment
        kind, name = parts[1], parts[2]
        rest = parts[3] if len(parts) > 3 else ""
        if not NAME.fullmatch(name):
            self.problem(lineno, "%s for an invalid metric name %r" % (kind, name))
            return
        if name in self.seen_families:
            self.problem(lineno, "%s %s after its samples" % (kind, name))
        table = self.help if kind == "HELP" else self.type
        if name in table:
            self.problem(lineno, "second %s for %s" % (kind, name))
        if kind == "HELP":
            if re.search(r"\\[^\\n]|\\$", rest):
                self.problem(lineno, "HELP %s: an escape other than \\\\ and \\n" % name)
            table[name] = rest
        else:
            if rest not in TYPES:
                self.problem(lineno, "TYPE %s: unknown type %r" % (name, rest))
            table[name] = rest

    def labels(self, lineno, text, pos):
        """Parse {...} from text[pos] == '{'; returns (dict, end)."""
        labels = {}
        pos += 1
        while True:
            if pos < len(text) and text[pos] == "}":
                return labels, pos + 1
            m = LABEL.match(text, pos)
            if not m:
                raise ValueError("a label name expected at column %d" % (pos + 1))
            lname = m.group(0)
            if lname.startswith("__"):
                raise ValueError("label name %s is reserved (__)" % lname)
            if lname in labels:
                raise ValueError("label %s given twice" % lname)
            pos = m.end()
            if text[pos:pos + 2] != '="':
                raise ValueError("=\" expected after label %s" % lname)
            pos += 2
            value = []
            while True:
                if pos >= len(text):
                    raise ValueError("label %s: unterminated value" % lname)
                c = text[pos]
                if c == "\\":
                    esc = text[pos + 1:pos + 2]
                    if esc not in ("\\", '"', "n"):
                        raise ValueError("label %s: invalid escape \\%s" % (lname, esc))
                    value.append("\n" if esc == "n" else esc)
                    pos += 2
                elif c == '"':
                    pos += 1
                    break
                elif c == "\n":
                    raise ValueError("label %s: a raw newline" % lname)
                else:
                    value.append(c)
                    pos += 1
            labels[lname] = "".join(value)
            if pos < len(text) and text[pos] == ",":
                pos += 1
            elif pos >= len(text) or text[pos] != "}":
                raise ValueError("',' or '}' expected after label %s" % lname)

    def sample(self, lineno, line):
        m = NAME.match(line)
        if not m:
            self.problem(lineno, "not a sample: %r" % line)
            return
        name = m.group(0)
        pos = m.end()
        labels = {}
        try:
            if line[pos:pos + 1] == "{":
                labels, pos = self.labels(lineno, line, pos)
        except ValueError as e:
            self.problem(lineno, "%s: %s" % (name, e))
            return
        fields = line[pos:].split()
        if line[pos:pos + 1] not in (" ", "\t") or not 1 <= len(fields) <= 2:
            self.problem(lineno, "%s: a value (and a timestamp) expected" % name)
            return
        if not FLOAT.match(fields[0]):
            self.problem(lineno, "%s: %r is not a float" % (name, fields[0]))
            return
        if len(fields) == 2 and not re.fullmatch(r"-?\d+", fields[1]):
            self.problem(lineno, "%s: timestamp %r is not an integer" % (name, fields[1]))
        fam = self.family_of(name)
        if fam != self.current:
            if fam in self.closed:
                self.problem(lineno, "%s: samples of %s are not together" % (name, fam))
            if self.current is not None:
                self.closed.add(self.current)
            self.current = fam
            if fam not in self.seen_families:
                self.seen_families.append(fam)
        key = (name, tuple(sorted(labels.items())))
        if key in self.series:
            self.problem(lineno, "duplicate series %s%s" % (name, json.dumps(labels, sort_keys=True)))
        self.series.add(key)
        self.samples.append([name, labels, float(fields[0].replace("inf", "Inf").replace("nan", "NaN"))])

    def lint(self):
        for fam in self.seen_families:
            kind = self.type.get(fam, "untyped")
            if fam not in self.help:
                self.problems.append("%s: no HELP" % fam)
            if kind == "counter" and not fam.endswith("_total"):
                self.problems.append("%s: a counter's name should end in _total" % fam)
            if kind != "counter" and fam.endswith("_total"):
                self.problems.append("%s: only a counter's name ends in _total" % fam)
            if fam != fam.lower() or "__" in fam:
                self.problems.append("%s: metric names are snake_case" % fam)
            for unit in NON_BASE_UNITS:
                if unit in fam:
                    self.problems.append("%s: use base units (%s)" % (fam, unit))

    def check(self, text):
        if text and not text.endswith("\n"):
            self.problems.append("the last line has no newline")
        for lineno, line in enumerate(text.split("\n")[:-1] if text.endswith("\n") else text.split("\n"), 1):
            if line.strip() == "":
                continue
            if line.startswith("#"):
                self.meta(lineno, line)
            else:
                self.sample(lineno, line)
        self.lint()
        return self.problems


def main(argv):
    as_json = argv[1:2] == ["--json"]
    path = argv[2] if as_json else argv[1]
    with open(path, encoding="utf-8") as f:
        text = f.read()
    c = Checker()
    problems = c.check(text)
    if as_json:
        json.dump(c.samples, sys.stdout)
        print()
    for p in problems:
        print(p, file=sys.stderr if as_json else sys.stdout)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

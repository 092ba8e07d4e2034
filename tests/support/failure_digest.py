#!/usr/bin/env python3
"""failure_digest.py BUILD_DIR: after a failed ctest run, the lines that say what failed.

ctest prints a failing test's output where the test ends, often thousands of lines before the
run's last line; a log shown only by its tail then names the test and nothing more. This reads
BUILD_DIR/Testing/Temporary/LastTest.log and prints, for each test that did not pass, the lines
of its output that name a failing case and its error (node's test runner, Python's unittest,
GoogleTest), a bounded number of them, so that they are the last lines of the run.
"""
import re
import sys

MARKERS = re.compile(
    r"^\s*not ok |^\s*(error|message|expected|actual|location):|^(FAIL|ERROR): |"
    r"Error: |^\[  FAILED  \]|Timeout|timed out|^Traceback|^\w*(Error|Exception)\b")
MAX_LINES = 20
MAX_WIDTH = 220


def sections(log):
    name, lines, output = None, [], False
    for line in log:
        line = line.rstrip("\n")
        m = re.match(r"^\d+/\d+ Testing: (.+)$", line)
        if m:
            name, lines, output = m.group(1), [], False
        elif line == "Output:":
            output = True
        elif line == "<end of output>":
            output = False
        elif name and line.startswith("Test ") and not line.startswith("Test time"):
            if line != "Test Passed.":
                yield name, line, lines
            name = None
        elif output and name:
            lines.append(line)


def main():
    path = sys.argv[1] + "/Testing/Temporary/LastTest.log"
    try:
        log = open(path, errors="replace")
    except OSError as e:
        print("failure digest: %s" % e)
        return
    with log:
        for name, verdict, lines in sections(log):
            print("== %s: %s" % (name, verdict))
            picked = [l for l in lines if MARKERS.search(l)] or lines[-MAX_LINES:]
            for line in picked[:MAX_LINES]:
                print("   " + line[:MAX_WIDTH])
            if len(picked) > MAX_LINES:
                print("   ... %d more" % (len(picked) - MAX_LINES))


if __name__ == "__main__":
    main()

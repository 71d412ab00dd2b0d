#!/usr/bin/env python3
"""The Python competitor: applies every rule's regex in turn to every line (re.sub).
Usage: redact_re.py RULES.json < in > out, RULES.json being [[pattern, replacement], ...]."""
import json
import re
import sys

with open(sys.argv[1]) as f:
    rules = [(re.compile(p.encode()), r.encode()) for p, r in json.load(f)]
write = sys.stdout.buffer.write
for line in sys.stdin.buffer:
    newline = line.endswith(b"\n")
    body = line[:-1] if newline else line
    for rx, repl in rules:
        body = rx.sub(repl, body)
    write(body + b"\n" if newline else body)

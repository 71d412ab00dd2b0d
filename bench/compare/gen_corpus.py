#!/usr/bin/env python3
"""Builds the benchmark corpora: real Loghub lines with planted SYNTHETIC secrets.

Templates for the planted secrets are the `examples.match` of veil's default packs (read at
run time) plus a few extra kinds below. For each template the secret span (the rule's
(?P<secret>) group, else the whole match) is found with Python's re, and the letter/digit
positions that can be randomised without the rule's pattern (and validator) failing to match
are worked out once; every planted value is then unique and still matched by the rule as
written. Writes to OUT: text.log and ndjson.log, each with a manifest (.manifest.jsonl: one
{"line", "kind", "secrets"} per planted line) and kinds.json (what was planted, what skipped).
"""
import argparse
import base64
import glob
import hashlib
import json
import math
import os
import random
import re
import string
import sys

import packs

PLANT_RATE = 0.15     # fraction of lines that get a planted secret
OWN_FIELD_RATE = 0.4  # NDJSON: fraction of planted records whose secret is in a field of its own
SEED = 20240301

# Kinds the benchmark should always cover, whether or not a default pack has a rule for them.
EXTRA_KINDS = [
    ("extra:github-pat", "secret", r"\bghp_[A-Za-z0-9]{36}\b",
     "git push: remote rejected credentials ghp_0123456789abcdefghijABCDEFGHIJ012345 for repo"),
    ("extra:aws-access-key-id", "secret", r"\bAKIA[0-9A-Z]{16}\b",
     "s3 upload as AKIAIOSFODNN7EXAMPLE to bucket logs-archive"),
    ("extra:slack-bot-token", "secret", r"\bxoxb-[0-9]{10,13}-[0-9]{10,13}-[A-Za-z0-9]{24}\b",
     "notifier: posting with xoxb-1234567890-1234567890123-SyntheticSlackTokenAbCdE"),
    ("extra:jwt", "secret", r"\beyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+",
     "session eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTQ4MjEifQ.W5vQ7CF5puzQqmOBZZW6m4nyoL6uniiFw152cTe8r0k ok"),
    ("extra:password", "credential", r"password=(?P<secret>\S+)",
     "db connect host=db01 user=app password=Synth3ticPass42 ok"),
    ("extra:bearer", "credential", r"Bearer (?P<secret>[A-Za-z0-9._-]{20,})",
     "upstream call failed: header Bearer qA05MFsHl7UeioEJP2NNern66nVberACpdclsxHK rejected"),
    ("extra:email", "pii", r"\b[a-z.]+@[a-z]+\.com\b", "notify sent to jane.doe@example.com"),
    ("extra:card", "pii", r"\b4\d{15}\b", "payment ok card 4526018159083012 amount 42.00"),
]
EXTRA_VALIDATORS = {"extra:card": "luhn"}

# NDJSON: the field a kind's secret goes into when it gets a field of its own.
FIELD_BY_KIND = {"password-assignment": "password", "extra:password": "password", "email-address": "email",
                 "extra:email": "email", "payment-card-number": "card_number", "extra:card": "card_number",
                 "jwt": "id_token", "extra:jwt": "id_token", "us-ssn": "ssn", "iban": "iban",
                 "secret-assignment": "client_secret", "token-assignment": "api_key"}
FIELD_BY_CATEGORY = {"secret": "token", "credential": "password", "pii": "customer"}


# --- validators (the ones veil's packs use) and the fix-ups that keep random values valid ---
def luhn_ok(s):
    digits = [int(c) for c in s if c.isdigit()][::-1]
    return sum(d if i % 2 == 0 else (d * 2 - 9 if d > 4 else d * 2) for i, d in enumerate(digits)) % 10 == 0


def luhn_fix(orig, s):
    last = max(i for i, c in enumerate(s) if c.isdigit())
    for d in "0123456789":
        t = s[:last] + d + s[last + 1:]
        if luhn_ok(t):
            return t
    return s


def iban_ok(s):
    c = s.replace(" ", "")
    return int("".join(str(int(ch, 36)) for ch in c[4:] + c[:4])) % 97 == 1


def iban_fix(orig, s):
    """Keep the country code, recompute the two check digits."""
    idx = [i for i, ch in enumerate(s) if ch != " "]
    chars = list(s)
    for k in (0, 1):
        chars[idx[k]] = orig[idx[k]]
    c = "".join(chars[i] for i in idx)
    check = 98 - int("".join(str(int(ch, 36)) for ch in c[4:] + c[:2] + "00")) % 97
    chars[idx[2]], chars[idx[3]] = f"{check:02d}"
    return "".join(chars)


def ssn_ok(s):
    d = "".join(c for c in s if c.isdigit())
    return d[:3] not in ("000", "666") and d[0] != "9" and d[3:5] != "00" and d[5:] != "0000"


def entropy_ok(s, bits):
    n = len(s)
    return -sum(k / n * math.log2(k / n) for k in (s.count(c) for c in set(s))) >= bits


def email_fix(orig, s):
    """veil's `email` validator rejects some suffixes (.gz, .service): keep the example's."""
    dot = orig.rindex(".")
    return s[:dot] + orig[dot:]


def b64_decode(s):
    t = s.rstrip("=")
    return base64.b64decode(t + "=" * (-len(t) % 4))


def credentials_ok(s):
    """veil's `encoded-credentials`: base64 of user:password or authzid NUL user NUL password."""
    try:
        d = b64_decode(s)
    except ValueError:
        return False
    if any((c < 0x20 or c > 0x7e) and c != 0 for c in d):
        return False
    if d.count(0) == 0:
        colon = d.find(b":")
        return 0 < colon < len(d) - 1
    parts = d.split(b"\0")
    return len(parts) == 3 and parts[1] != b"" and parts[2] != b""


def credentials_fix(orig, s):
    """Keep the example's separators (':' or NULs) and length; the other bytes come from the
    random characters drawn for the encoded value."""
    src = s.replace("=", "")
    d = b64_decode(orig)
    out = bytes(c if c in (0, 0x3A) else ord(src[i % len(src)]) for i, c in enumerate(d))
    enc = base64.b64encode(out).decode()
    return enc if "=" in orig else enc.rstrip("=")


VALIDATORS = {"luhn": luhn_ok, "iban": iban_ok, "us-ssn": ssn_ok, "email": lambda s: True,
              "encoded-credentials": credentials_ok}
FIXES = {"luhn": luhn_fix, "iban": iban_fix, "email": email_fix, "encoded-credentials": credentials_fix}


def valid(validator, s):
    if not validator:
        return True
    if validator.startswith("entropy("):
        return entropy_ok(s, float(validator[8:-1]))
    return VALIDATORS.get(validator, lambda s: True)(s)


# --- templates ---
class Kind:
    def __init__(self, name, category, pattern, validator=None):
        self.name, self.category, self.validator = name, category, validator
        self.rx = re.compile(pattern, re.ASCII)
        self.templates = []

    def spans(self, text):
        has_secret = "secret" in self.rx.groupindex
        return [m.span("secret") if has_secret and m.group("secret") is not None else m.span()
                for m in self.rx.finditer(text)]


def alphabets(run):
    """Ways to pick a random replacement for a character of `run`: any character of its class
    (digit, lower, upper), else only characters of that class already in the run (hex, base32)."""
    cls = lambda c: string.digits if c.isdigit() else string.ascii_lowercase if c.islower() else string.ascii_uppercase
    own = {k: "".join(sorted(set(run) & set(k))) for k in (string.digits, string.ascii_lowercase, string.ascii_uppercase)}
    return [cls, lambda c: own[cls(c)]]


class Template:
    def __init__(self, kind, text, spans, positions):
        self.kind, self.text, self.spans, self.positions = kind, text, spans, positions

    def fill(self, rng, positions=None):
        chars = list(self.text)
        for p, alph in (positions or self.positions).items():
            chars[p] = rng.choice(alph)
        s = "".join(chars)
        fix = FIXES.get(self.kind.validator)
        if fix:
            for a, b in self.spans:
                s = s[:a] + fix(self.text[a:b], s[a:b]) + s[b:]
        return s

    def ok(self, s):
        return self.kind.spans(s) == self.spans and all(valid(self.kind.validator, s[a:b]) for a, b in self.spans)

    def instance(self, rng, seen):
        """-> (text, [secrets]) with secrets never planted before, or None."""
        for _ in range(30):
            s = self.fill(rng)
            secrets = [s[a:b] for a, b in self.spans]
            if self.ok(s) and not any(x in seen for x in secrets):
                seen.update(secrets)
                return s, secrets
        return None


def make_template(kind, text, rng):
    """Finds which characters of the secret can be random: letters and digits, tried four at a
    time, so that fixed parts (prefixes such as AKIA, markers, the first digits of a card
    number) stay. None if fewer than 6 characters can be randomised."""
    if "\n" in text or "\r" in text:
        return None, "contains a line break"
    spans = kind.spans(text)
    if not spans:
        return None, "Python re does not match the example"
    tpl = Template(kind, text, spans, {})
    if not tpl.ok(text):
        return None, "example fails the validator"
    for a, b in spans:
        for run in re.finditer(r"[A-Za-z0-9]+", text[a:b]):
            for start in range(a + run.start(), a + run.end(), 4):
                for alph in alphabets(run.group()):
                    cand = {p: alph(text[p]) for p in range(start, min(start + 4, a + run.end()))}
                    if sum(tpl.ok(tpl.fill(rng, {**tpl.positions, **cand})) for _ in range(16)) >= 14:
                        tpl.positions.update(cand)
                        break
    if len(tpl.positions) < 6:
        return None, f"only {len(tpl.positions)} characters can be randomised"
    return tpl, None


def build_kinds(rules, rng):
    kinds, skipped = [], []
    specs = [(r["id"], r.get("category", ""), r["pattern"], r.get("validator"), (r.get("examples") or {}).get("match") or [])
             for r in rules]
    specs += [(n, c, p, EXTRA_VALIDATORS.get(n), [ex]) for n, c, p, ex in EXTRA_KINDS]
    for name, category, pattern, validator, examples in specs:
        if validator and validator not in VALIDATORS and not validator.startswith("entropy("):
            print(f"gen_corpus: validator {validator} of {name} not emulated; planted values may fail it", file=sys.stderr)
        try:
            kind = Kind(name, category, pattern, validator)
        except re.error as e:
            skipped.append((name, "*", f"Python re cannot compile the pattern: {e}"))
            continue
        for ex in examples:
            tpl, why = make_template(kind, ex, rng)
            if tpl:
                kind.templates.append(tpl)
            else:
                skipped.append((name, ex[:80], why))
        if kind.templates:
            kinds.append(kind)
    return kinds, skipped


# --- corpora ---
def base_lines():
    files = sorted(glob.glob("/work/shared/data/loghub/*.log"))
    if not files:
        sys.exit("no /work/shared/data/loghub/*.log")
    for path in files:
        service = os.path.basename(path).split("_")[0].lower()
        with open(path, encoding="utf-8", errors="surrogateescape") as f:
            for line in f:
                yield service, line.rstrip("\r\n")


def generate(out, size_mb, kinds, rng):
    target = size_mb * 1_000_000
    seen = set()
    base = list(base_lines())
    text_f, text_m = open(f"{out}/text.log", "w", encoding="utf-8", errors="surrogateescape"), open(f"{out}/text.manifest.jsonl", "w")
    json_f, json_m = open(f"{out}/ndjson.log", "w", encoding="utf-8"), open(f"{out}/ndjson.manifest.jsonl", "w")
    text_bytes = json_bytes = failed = 0
    text_n = json_n = 0
    i = 0
    while text_bytes < target or json_bytes < target:
        service, line = base[i % len(base)]
        planted = None
        if rng.random() < PLANT_RATE:
            kind = rng.choice(kinds)
            planted = rng.choice(kind.templates).instance(rng, seen)
            failed += planted is None
        if text_bytes < target:
            t = line + " " + planted[0] if planted else line
            text_f.write(t + "\n")
            text_bytes += len(t.encode("utf-8", "surrogateescape")) + 1
            if planted:
                text_m.write(json.dumps({"line": text_n, "kind": kind.name, "secrets": planted[1]}) + "\n")
            text_n += 1
        if json_bytes < target:
            rec = {"ts": f"2024-03-01T{i // 3600000 % 24:02d}:{i // 60000 % 60:02d}:{i // 1000 % 60:02d}.{i % 1000:03d}Z",
                   "level": rng.choice(("INFO", "INFO", "INFO", "WARN", "ERROR", "DEBUG")),
                   "service": service, "host": f"node-{i % 37:02d}", "msg": line}
            field = planted and (FIELD_BY_KIND.get(kind.name) or FIELD_BY_CATEGORY.get(kind.category))
            if planted and field and len(planted[1]) == 1 and rng.random() < OWN_FIELD_RATE:
                rec[field] = planted[1][0]
            elif planted:
                rec["msg"] = line + " " + planted[0]
            j = json.dumps(rec)
            json_f.write(j + "\n")
            json_bytes += len(j.encode()) + 1
            if planted:
                secrets = [json.dumps(s)[1:-1] for s in planted[1]]  # as they appear in the JSON text
                assert all(s in j for s in secrets)
                json_m.write(json.dumps({"line": json_n, "kind": kind.name, "secrets": secrets}) + "\n")
            json_n += 1
        i += 1
    for f in (text_f, text_m, json_f, json_m):
        f.close()
    if failed:
        print(f"{failed} lines left without a planted secret: no unique valid value found", file=sys.stderr)
    return text_n, json_n


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size-mb", type=int, default=200)
    ap.add_argument("--out", default=os.environ.get("VEIL_BENCH_DIR", "/tmp/veil-bench"))
    ap.add_argument("--patterns-dir", required=True)
    ap.add_argument("--veil", help="only the rules this veil binary lists as enabled")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rules = packs.load_default_rules(args.patterns_dir, args.veil)

    # reuse the corpora when neither the size, the packs nor this generator changed
    h = hashlib.sha256(f"{args.size_mb} {SEED}".encode())
    for path in [__file__, packs.__file__] + sorted(glob.glob(f"{args.patterns_dir}/*.yaml")):
        h.update(open(path, "rb").read())
    stamp = f"{args.out}/corpus.stamp"
    if os.path.exists(stamp) and open(stamp).read() == h.hexdigest():
        print(f"corpora in {args.out} are up to date")
        return
    rng = random.Random(SEED)
    kinds, skipped = build_kinds(rules, rng)
    text_n, json_n = generate(args.out, args.size_mb, kinds, rng)
    with open(f"{args.out}/kinds.json", "w") as f:
        json.dump({"kinds": {k.name: len(k.templates) for k in kinds}, "skipped": skipped}, f, indent=1)
    with open(stamp, "w") as f:
        f.write(h.hexdigest())
    print(f"wrote {text_n} text lines and {json_n} NDJSON lines to {args.out}; "
          f"{len(kinds)} kinds from {sum(len(k.templates) for k in kinds)} templates, {len(skipped)} examples skipped")


if __name__ == "__main__":
    main()

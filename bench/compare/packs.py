"""veil's default rule packs, read at run time, and their patterns in other regex dialects.

A rule pattern is RE2 syntax with an optional (?P<secret>...) group. For the competitors it is
split into prefix / secret / suffix, so that a tool can keep the context and replace only the
secret, as veil does: Python and Perl get (?P<p>prefix)(?P<s>secret)(?P<q>suffix), ripgrep
gets one alternation of all rules, GNU sed -E gets POSIX ERE with numbered groups.
"""
import glob
import os
import re
import subprocess

import yaml


def load_default_rules(patterns_dir, veil=None):
    """Pattern rules of the packs marked `default: true`; if `veil` is given, only the rules
    `veil rules list` reports as enabled (the two must agree, but veil has the last word)."""
    rules = []
    for path in sorted(glob.glob(os.path.join(patterns_dir, "*.yaml"))):
        with open(path) as f:
            pack = yaml.safe_load(f) or {}
        if pack.get("default"):
            rules += [dict(r, pack=pack.get("pack")) for r in pack.get("rules") or [] if r.get("pattern")]
    if veil:
        out = subprocess.run([veil, "--patterns-dir", patterns_dir, "rules", "list"], capture_output=True, text=True)
        if out.returncode != 0:
            raise SystemExit(f"`veil rules list` failed:\n{out.stderr}")
        enabled = {line.split()[0] for line in out.stdout.splitlines() if line.strip()}
        rules = [r for r in rules if r["id"] in enabled]
    return rules


# One token of an RE2 pattern: an escape, a character class, a group opening, a quantifier
# (with its lazy '?'), or any other single character.
TOKEN = re.compile(r"""
    \\x\{[0-9A-Fa-f]+\} | \\x[0-9A-Fa-f]{2} | \\.
  | \[\^?\]?(?:\[:[a-z]+:\]|\\.|[^\]])*\]
  | \(\?P?<\w+> | \(\?[a-zA-Z-]*[:)] | \(\?. | [()]
  | (?:[*+?]|\{\d+(?:,\d*)?\})\??
  | .""", re.X | re.S)


class Untranslatable(Exception):
    pass


def split_secret(pattern):
    """-> (flags, prefix tokens, secret tokens, suffix tokens, notes)."""
    toks = TOKEN.findall(pattern)
    flags = ""
    if toks and re.fullmatch(r"\(\?[a-z]+\)", toks[0]):
        flags, toks = toks[0][2:-1], toks[1:]
    # other named groups become non-capturing: names must be unique in a combined pattern
    toks = ["(?:" if re.fullmatch(r"\(\?P?<\w+>", t) and "<secret>" not in t else t for t in toks]
    start = next((i for i, t in enumerate(toks) if t in ("(?P<secret>", "(?<secret>")), None)
    depth, end, top_alt = 0, None, False
    for i, t in enumerate(toks):
        if t.startswith("("):
            depth += 1
        elif t == ")":
            depth -= 1
            if depth == 0 and start is not None and end is None and i > start:
                end = i
        elif t == "|" and depth == 0:
            top_alt = True
    if start is None:
        return flags, [], toks, [], []
    if top_alt:  # the secret group is in one branch only: replace the whole match
        return flags, [], ["(?:"] + toks[:start] + ["(?:"] + toks[start + 1:] + [")"], [], ["whole match replaced"]
    return flags, toks[:start], toks[start + 1:end], toks[end + 1:], []


def to_python(rule):
    """Python re (bytes) and Perl: (pattern, notes); replace with prefix + mask + suffix."""
    flags, pre, sec, post, notes = split_secret(rule["pattern"])
    pat = (f"(?{flags})" if flags else "") + f"(?P<p>{''.join(pre)})(?P<s>{''.join(sec)})(?P<q>{''.join(post)})"
    return pat, notes


def to_rg(rule, i):
    """ripgrep (Rust regex): one member of the alternation given with -f, groups p<i>/q<i>.
    Rust's regex rejects escapes of characters that are not special, such as \' and \"."""
    flags, pre, sec, post, notes = split_secret(rule["pattern"])
    pre, sec, post = ("".join(re.sub(r"\\(.)", lambda m: m.group(1) if m.group(1) in "'\"/<>@%=:,;!`_ " else m.group(0), t)
                              for t in part) for part in (pre, sec, post))
    body = f"(?P<p{i}>{pre})(?:{sec})(?P<q{i}>{post})"
    return (f"(?{flags}:{body})" if flags else body), notes


def to_sed(rule, mask):
    """GNU sed -E: one s command (with \\x01 as delimiter) and notes on what was approximated.
    ERE has no (?:...), so every group captures; only \\1..\\9 can be referred to."""
    flags, pre, sec, post, notes = split_secret(rule["pattern"])
    if set(flags) - {"i", "s", "m"}:  # s and m do not matter on single lines
        raise Untranslatable(f"flags (?{flags})")
    n_pre, p = _sed_tokens(pre, notes)
    n_sec, s = _sed_tokens(sec, notes)
    _, q = _sed_tokens(post, notes)
    expr = (f"({p})" if pre else "") + f"({s})"
    repl = ("\\1" if pre else "") + mask.replace("\\", "\\\\").replace("&", "\\&")
    if post:
        expr += f"({q})"
        group = (1 + n_pre if pre else 0) + 1 + n_sec + 1
        if group <= 9:
            repl += f"\\{group}"
        else:
            notes.append("suffix replaced too (group > 9)")
    return f"s\x01{expr}\x01{repl}\x01g" + ("I" if "i" in flags else ""), sorted(set(notes))


def _sed_tokens(toks, notes):
    """-> (number of groups, ERE text)."""
    out, groups = [], 0
    for t in toks:
        if t.startswith("\\"):
            c = t[1]
            if c in "dD":
                out.append("[0-9]" if c == "d" else "[^0-9]")
            elif c in "wWsSbBtrnfv":
                out.append(t)
            elif c == "A":
                out.append("^")
            elif c in "zZ":
                out.append("$")
            elif c in ".[]{}()*+?^$|\\":
                out.append(t)
            elif c.isalnum():
                raise Untranslatable(f"escape {t}")
            else:
                out.append(c)
        elif t.startswith("["):
            out.append(_sed_class(t))
        elif t.startswith("("):
            if t not in ("(", "(?:"):
                raise Untranslatable(f"group {t}")
            groups += 1
            out.append("(")
        elif re.fullmatch(r"(?:[*+?]|\{\d+(?:,\d*)?\})\?", t):
            notes.append("lazy quantifier made greedy")
            out.append(t[:-1])
        elif t == "{":
            out.append("\\{")
        else:
            out.append(t)
    return groups, "".join(out)


def _sed_class(t):
    """An RE2 character class as a POSIX bracket expression (no escapes inside brackets)."""
    body, neg = t[1:-1], False
    if body.startswith("^"):
        body, neg = body[1:], True
    sets, chars, i = [], set(), 0
    named = {"d": "0-9", "w": "[:alnum:]_", "s": "[:space:]"}
    controls = {"t": "\t", "r": "\r", "n": "", "f": "\f", "v": "\v"}  # no \n inside a line
    while i < len(body):
        if body[i] == "\\":
            c = body[i + 1]
            if c in named:
                sets.append(named[c])
            elif c in controls:
                chars.add(controls[c])
            elif c.isalnum():
                raise Untranslatable(f"class escape \\{c}")
            else:
                chars.add(c)
            i += 2
        elif body.startswith("[:", i):
            j = body.index(":]", i) + 2
            sets.append(body[i:j])
            i = j
        elif i + 2 < len(body) and body[i + 1] == "-":
            if body[i + 2] == "\\":
                raise Untranslatable("escaped range end")
            sets.append(body[i:i + 3])
            i += 3
        else:
            chars.add(body[i])
            i += 1
    chars.discard("")
    first = "]" if "]" in chars else ""
    last = ("\\\\" if "\\" in chars else "") + ("[" if "[" in chars else "") + ("^" if "^" in chars else "") + ("-" if "-" in chars else "")
    middle = "".join(sets) + "".join(sorted(chars - set("]\\[^-")))
    if not neg and not (first or middle) and last.startswith("^"):  # a leading ^ would negate
        if last == "^":
            return "\\^"
        last = last[1:] + "^"
    return "[" + ("^" if neg else "") + first + middle + last + "]"

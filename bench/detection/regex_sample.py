"""Random strings that a rule's regex matches, for rules without a hand-written generator.

Walks Python's parse of the pattern (the constructs the rule packs use: literals, classes,
\\d \\w \\s, {m,n}, alternation, optional and named groups, (?i)) and picks a random path.
Every sample is checked with Python's re; the caller gets the whole match and the `secret`
group (or the whole match when there is none).
"""
import re
import string

try:  # Python 3.11+
    from re import _constants as C
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover
    import sre_constants as C
    import sre_parse

SAFE = string.ascii_letters + string.digits + "-_.+/=!@#^*~:"
PRINTABLE = "".join(chr(c) for c in range(0x20, 0x7F))
CATEGORY = {
    C.CATEGORY_DIGIT: string.digits,
    C.CATEGORY_NOT_DIGIT: string.ascii_letters + "-_.",
    C.CATEGORY_WORD: string.ascii_letters + string.digits + "_",
    C.CATEGORY_NOT_WORD: " -.:/=",
    C.CATEGORY_SPACE: " ",
    C.CATEGORY_NOT_SPACE: SAFE,
}
MAX_EXTRA = 40  # open-ended repeats ({m,}, *, +) get at most this many extra copies


def _class(items):
    chars, negate = set(), False
    for op, av in items:
        if op is C.NEGATE:
            negate = True
        elif op is C.LITERAL:
            chars.add(chr(av))
        elif op is C.RANGE:
            chars.update(chr(c) for c in range(av[0], av[1] + 1))
        elif op is C.CATEGORY:
            chars.update(CATEGORY.get(av, ""))
            if av is C.CATEGORY_SPACE:
                chars.update("\t\r\n")
    if negate:
        return [c for c in SAFE if c not in chars] or [c for c in PRINTABLE if c not in chars]
    return sorted(c for c in chars if c in PRINTABLE) or sorted(chars)


def _emit(tree, rng, case, out):
    for op, av in tree:
        if op is C.LITERAL:
            out.append(case(chr(av)))
        elif op is C.NOT_LITERAL:
            out.append(rng.choice([c for c in SAFE if c != chr(av)]))
        elif op is C.ANY:
            out.append(rng.choice(SAFE))
        elif op is C.IN:
            out.append(rng.choice(_class(av)))
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None)):
            lo, hi, sub = av
            top = min(hi, lo + MAX_EXTRA) if hi is not C.MAXREPEAT else lo + max(8, min(lo, MAX_EXTRA))
            # optional parts (gaps, quotes, extra spaces) are mostly left out, as in real logs
            n = 0 if lo == 0 and rng.random() < 0.6 else lo + int((top - lo) * rng.random() ** 2 + 0.5)
            for _ in range(n):
                _emit(sub, rng, case, out)
        elif op is C.BRANCH:
            _emit(rng.choice(av[1]), rng, case, out)
        elif op is C.SUBPATTERN:
            _emit(av[-1], rng, case, out)
        elif op is getattr(C, "ATOMIC_GROUP", None):
            _emit(av, rng, case, out)
        # AT (\b ^ $), look-around and back-references emit nothing; the re check below
        # throws away the samples that break them.


def sample(pattern, rng, tries=200, accept=None):
    """-> (whole match, secret) for a random string matched by `pattern`, or None.
    `accept(secret)` may reject samples (e.g. a validator)."""
    try:
        compiled = re.compile(pattern)
        tree = sre_parse.parse(pattern)
    except (re.error, ValueError, OverflowError):
        return None
    icase = bool(tree.state.flags & re.IGNORECASE)
    for _ in range(tries):
        mode = rng.choice([str, str.lower, str.upper]) if icase else str
        out = []
        _emit(list(tree), rng, mode, out)
        text = "".join(out)
        m = compiled.fullmatch(text)
        if not m:
            continue
        secret = m.group("secret") if "secret" in compiled.groupindex else m.group(0)
        # A secret of a few characters cannot be checked for: its text occurs anywhere in the
        # line ("e" in "config loaded"), so recall would count a redacted value as missed.
        if len(secret) < 6 or (accept and not accept(secret)):
            continue
        # Context characters before the match proper ("(password=", " token:") are dropped
        # when the rest still matches with the same secret: the caller places the value itself.
        while len(text) > len(secret) and text[0] in " \t;,({\"'&?":
            rest = compiled.fullmatch(text[1:])
            if not rest or (rest.group("secret") if "secret" in compiled.groupindex else rest.group(0)) != secret:
                break
            text = text[1:]
        return text, secret
    return None

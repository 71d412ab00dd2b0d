#!/usr/bin/env python3
"""Runs veil and the regex tools people use today on the corpora from gen_corpus.py, checks
each output (line count, recall of the planted secrets, changed lines with nothing planted),
and prints / records the table. Competitors get the default packs' patterns translated to their
dialect and apply them one after the other on every line (ripgrep: one -f list, see notes)."""
import argparse
import collections
import datetime
import json
import os
import re
import subprocess
import sys
import tempfile
import time

import packs

HERE = os.path.dirname(os.path.abspath(__file__))
BUDGET_S = 120     # a tool predicted to take longer on the whole corpus runs on a slice
PROBE_MB = 2       # slice used to predict that
MAX_SLICE_MB = 20
MASK = "[REDACTED:{}]"
PERL = (r'BEGIN { open my $f, "<", $ENV{RULES} or die $!; while (<$f>) { chomp; my ($m, $re) = split /\t/, $_, 2;'
        r' push @rules, [qr/$re/, $m] } } for my $r (@rules) { s/$r->[0]/$+{p}$r->[1]$+{q}/g }')


def ok_rc(cmd, stdin=b""):
    return subprocess.run(cmd, input=stdin, capture_output=True).returncode in (0, 1)


def translate(rules, d):
    """Writes each competitor's rule file; -> {tool: (command, dropped {id: why}, notes {id: [..]})}."""
    tools = {}
    # Python re and Perl: (?P<p>prefix)(?P<s>secret)(?P<q>suffix), replaced by \g<p>MASK\g<q>
    py, pl, drop_py, drop_pl, notes = [], [], {}, {}, {}
    for r in rules:
        pat, n = packs.to_python(r)
        mask = MASK.format(r["id"])
        notes[r["id"]] = n
        try:
            re.compile(pat.encode())
            py.append([pat, r"\g<p>" + mask + r"\g<q>"])
        except re.error as e:
            drop_py[r["id"]] = str(e)
        if ok_rc(["perl", "-e", "qr/$ARGV[0]/", pat]):
            pl.append(f"{mask}\t{pat}")
        else:
            drop_pl[r["id"]] = "perl does not compile it"
    json.dump(py, open(f"{d}/rules.python.json", "w"))
    open(f"{d}/rules.perl.tsv", "w").write("\n".join(pl) + "\n")
    tools["python3 re"] = (["python3", f"{HERE}/redact_re.py", f"{d}/rules.python.json"], drop_py, notes)
    tools["perl -pe"] = (["perl", "-lpe", PERL], drop_pl, notes)

    # ripgrep: one alternation (-f), so a single -r template: ${p0}${p1}..[REDACTED]${q0}${q1}..
    rg, drop, rg_notes, used = [], {}, {}, []
    for i, r in enumerate(rules):
        pat, n = packs.to_rg(r, i)
        rg_notes[r["id"]] = n
        if ok_rc(["rg", "-e", pat]):
            rg.append(pat)
            used.append(i)
        else:
            drop[r["id"]] = "Rust regex does not compile it"
    open(f"{d}/rules.rg.txt", "w").write("\n".join(rg) + "\n")
    repl = "".join(f"${{p{i}}}" for i in used) + "[REDACTED]" + "".join(f"${{q{i}}}" for i in used)
    cmd = ["rg", "--passthru", "--no-line-number", "--no-filename", "--color", "never", "--text", "-r", repl]
    if not ok_rc(cmd + ["-f", f"{d}/rules.rg.txt"]):  # what rg's error message suggests
        cmd += ["--regex-size-limit", "1G", "--dfa-size-limit", "1G"]
        rg_notes["(all)"] = ["--regex-size-limit/--dfa-size-limit 1G needed"]
    tools["rg --passthru -r"] = (cmd + ["-f", f"{d}/rules.rg.txt"], drop, rg_notes)

    # GNU sed -E: POSIX ERE, one s command per rule
    lines, drop, sed_notes = [], {}, {}
    for r in rules:
        try:
            expr, sed_notes[r["id"]] = packs.to_sed(r, MASK.format(r["id"]))
        except packs.Untranslatable as e:
            drop[r["id"]] = str(e)
            continue
        if ok_rc(["sed", "-E", "-e", expr]):
            lines.append(expr)
        else:
            drop[r["id"]] = "sed does not compile it"
    open(f"{d}/rules.sed", "w").write("\n".join(lines) + "\n")
    tools["sed -E"] = (["sed", "-E", "-f", f"{d}/rules.sed"], drop, sed_notes)
    return tools


def timed(cmd, inp, outp, env):
    """-> (wall seconds, CPU seconds, peak RSS kB, exit code, stderr)."""
    with tempfile.NamedTemporaryFile("r") as tf, open(inp, "rb") as fi, open(outp, "wb") as fo:
        t0 = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-f", "%M %U %S", "-o", tf.name] + cmd, stdin=fi, stdout=fo,
                           stderr=subprocess.PIPE, env=env)
        wall = time.perf_counter() - t0
        rss, user, sys_ = tf.read().split()[-3:]
    return wall, float(user) + float(sys_), int(rss), p.returncode, p.stderr.decode(errors="replace")[-500:]


def slice_of(path, mb):
    """The first `mb` MB of a corpus, cut at a line end, written next to it."""
    out = f"{path[:-4]}.first{mb}MB.log"
    with open(path, "rb") as f:
        data = f.read(mb * 1_000_000)
    with open(out, "wb") as f:
        f.write(data[:data.rindex(b"\n") + 1])
    return out


def load_manifest(path):
    with open(path) as f:
        return {m["line"]: (m["kind"], [s.encode() for s in m["secrets"]]) for m in map(json.loads, f)}


def check(inp, outp, manifest, is_json):
    """Line count, recall by kind, changed lines with nothing planted (by the rule named in the mask)."""
    a = open(inp, "rb").read().split(b"\n")
    b = open(outp, "rb").read().split(b"\n")
    res = {"lines_ok": len(a) == len(b), "lines_in": len(a) - 1, "lines_out": len(b) - 1}
    if not res["lines_ok"]:
        return res
    kinds = collections.defaultdict(lambda: [0, 0])  # kind: [planted, removed]
    missed = {}
    for n, (kind, secrets) in manifest.items():
        if n < len(a) - 1:
            for s in secrets:
                kinds[kind][0] += 1
                if s in b[n]:
                    missed.setdefault(kind, a[n].decode(errors="replace"))
                else:
                    kinds[kind][1] += 1
    fp_rules, fp_samples, fp = collections.Counter(), {}, 0
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y and i not in manifest:
            fp += 1
            for rule in set(re.findall(rb"\[REDACTED(?::([\w:-]+))?\]", y)):
                rule = rule.decode() or "(no rule id)"
                fp_rules[rule] += 1
                fp_samples.setdefault(rule, x.decode(errors="replace"))
    planted = sum(k[0] for k in kinds.values())
    res.update(kinds=dict(kinds), missed=missed, fp=fp, fp_rules=fp_rules, fp_samples=fp_samples,
               recall=sum(k[1] for k in kinds.values()) / planted if planted else float("nan"))
    if is_json:
        res["bad_json"] = sum(1 for y in b[:-1] if not _is_json(y))
    return res


def _is_json(line):
    try:
        json.loads(line)
        return True
    except ValueError:
        return False


def run_tool(name, cmd, corpus, manifest, d, env, size_mb, probe, is_json=False):
    out = f"{d}/out.{re.sub(r'[^A-Za-z0-9]+', '_', name)}.log"
    inp, slice_mb = corpus, None
    if probe:  # predict the time on the whole corpus from a small slice
        p_in = slice_of(corpus, PROBE_MB)
        wall = timed(cmd, p_in, out, env)[0]
        rate = os.path.getsize(p_in) / 1e6 / wall
        if size_mb / rate > BUDGET_S:
            slice_mb = max(PROBE_MB, min(MAX_SLICE_MB, int(rate * BUDGET_S)))
            inp = slice_of(corpus, slice_mb)
    print(f"  {name}: {'first %d MB' % slice_mb if slice_mb else 'whole corpus'} ...", file=sys.stderr, flush=True)
    walls, cpus, rss = [], [], 0
    while True:
        wall, cpu, r, rc, err = timed(cmd, inp, out, env)
        walls.append(wall)
        cpus.append(cpu)
        rss = max(rss, r)
        if rc != 0 or len(walls) == 3 or wall > 10:
            break
    res = check(inp, out, manifest, is_json) if rc == 0 else {"lines_ok": False, "error": f"exit {rc}: {err}"}
    os.remove(out)
    mb = os.path.getsize(inp) / 1e6
    res.update(name=name, mb=mb, slice_mb=slice_mb, wall=min(walls), cpu=min(cpus), rss_mb=rss / 1024,
               rate=mb / min(walls) if res["lines_ok"] else None, runs=len(walls))
    return res


def pct(x):
    """A share as a percentage; never rounds a miss up to 100%."""
    return "100%" if x == 1 else f"{min(x * 100, 99.9):.1f}%"


def fmt_table(rows, veil_rate):
    out = ["| tool | input | MB/s | vs veil (1 thread) | MB/CPU-s | recall | false-positive lines | peak RSS | notes |",
           "|---|---|---:|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        if r["rate"] is None:
            why = r.get("error") or f"{r.get('lines_out')} lines out for {r.get('lines_in')} in"
            out.append(f"| {r['name']} | {r['input']} | — | — | — | — | — | {r['rss_mb']:.0f} MB | FAILED: {why} |")
            continue
        input_ = r["input"] + (f", first {r['mb']:.0f} MB" if r["slice_mb"] else f" ({r['mb']:.0f} MB)")
        recall = "—" if r["recall"] != r["recall"] else pct(r["recall"])
        fp = f"{r['fp']} ({r['fp'] / r['lines_in']:.2%})"
        notes = r.get("notes", "")
        if "bad_json" in r:
            notes = f"{r['bad_json']} output lines not valid JSON" + ("; " + notes if notes else "")
        cpu_rate = f"{r['mb'] / r['cpu']:.1f}" if r["cpu"] >= 0.2 else "—"
        out.append(f"| {r['name']} | {input_} | {r['rate']:.1f} | {r['rate'] / veil_rate:.2f}× | {cpu_rate} | {recall} | {fp} "
                   f"| {r['rss_mb']:.0f} MB | {notes} |")
    return "\n".join(out)


def fmt_kinds(rows):
    """Recall by planted kind, for the kinds some tool does not fully redact."""
    rows = [r for r in rows if r["rate"] and r["name"] != "cat"]
    names = [r["name"] + (" (NDJSON)" if r["input"] == "NDJSON" else "") for r in rows]
    out = ["| planted kind | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    kinds, full = sorted({k for r in rows for k in r["kinds"]}), 0
    for k in kinds:
        cells = [(r["kinds"][k][1] / r["kinds"][k][0]) if k in r["kinds"] else None for r in rows]
        if all(c in (None, 1) for c in cells):
            full += 1
            continue
        out.append(f"| {k} | " + " | ".join("—" if c is None else pct(c) for c in cells) + " |")
    return "\n".join(out) + f"\n\nThe other {full} of {len(kinds)} kinds: 100% for every tool."


def code(text, limit=300):
    """Markdown inline code for a log line: control characters shown escaped, long lines cut."""
    text = text[:limit].encode("unicode_escape").decode().replace("\\\\", "\\")
    fence = "``" if "`" in text else "`"
    return f"{fence} {text} {fence}" if fence == "``" else f"`{text}`"


def machine():
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    vers = []
    for cmd in (["rg", "--version"], ["sed", "--version"], ["perl", "-e", 'print "perl $^V"'], ["python3", "--version"]):
        vers.append(subprocess.run(cmd, capture_output=True, text=True).stdout.splitlines()[0])
    return os.cpu_count(), cpu, vers


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--size-mb", type=int, default=200)
    ap.add_argument("--dir", default=os.environ.get("VEIL_BENCH_DIR", "/tmp/veil-bench"))
    ap.add_argument("--veil", required=True)
    ap.add_argument("--patterns-dir", required=True)
    ap.add_argument("--command", default="bench/compare/run.sh", help="how this run was started, for the record")
    ap.add_argument("--record", default=f"{HERE}/LAST_RUN.md")
    args = ap.parse_args()
    d = args.dir
    env = dict(os.environ, LC_ALL="C", RULES=f"{d}/rules.perl.tsv")
    rules = packs.load_default_rules(args.patterns_dir, args.veil)
    tools = translate(rules, d)
    text, ndjson = f"{d}/text.log", f"{d}/ndjson.log"
    text_m, json_m = load_manifest(f"{d}/text.manifest.jsonl"), load_manifest(f"{d}/ndjson.manifest.jsonl")

    veil = [args.veil]
    subprocess.run(veil, input=open(slice_of(text, PROBE_MB), "rb").read(), capture_output=True, check=True)  # warm the cache
    help_text = subprocess.run(veil + ["--help"], capture_output=True, text=True).stdout
    t0 = time.perf_counter()
    subprocess.run(veil, stdin=subprocess.DEVNULL, check=True)
    startup = time.perf_counter() - t0
    threads = re.search(r"--threads\b", help_text)
    if threads:  # veil's default is one worker per core: name the thread count
        runs = [(f"veil --threads {n}", veil + ["--threads", str(n)], "text", False) for n in (1, 2)]
    else:
        runs = [("veil", veil, "text", False)]
    runs.append(("cat", ["cat"], "text", False))
    runs += [(name, tools[name][0], "text", True) for name in ("rg --passthru -r", "sed -E", "perl -pe", "python3 re")]
    runs += [(name, cmd, "NDJSON", False) for name, cmd, _, _ in runs if name.startswith("veil")]

    load_before, rows = os.getloadavg()[0], []
    for name, cmd, input_, probe in runs:
        corpus, manifest = (text, text_m) if input_ == "text" else (ndjson, json_m)
        r = run_tool(name, cmd, corpus, manifest, d, env, args.size_mb, probe, input_ == "NDJSON")
        r["input"] = input_
        if name in tools:
            _, dropped, notes = tools[name]
            approx = collections.Counter(n for rid, ns in notes.items() if rid not in dropped for n in ns)
            parts = [f"{len(dropped)}/{len(rules)} rules dropped"] if dropped else []
            parts += [f"{c} {n}" for n, c in approx.items()]
            r["notes"] = "; ".join(parts + ["no validators"])
        if name == "rg --passthru -r":
            r["notes"] += "; one alternation: leftmost rule wins, mask without rule id"
        rows.append(r)
        print(f"    {r['rate'] or 0:.1f} MB/s, recall {r.get('recall', float('nan')):.3f}, fp {r.get('fp')}", file=sys.stderr)

    veil_rate = rows[0]["rate"] or float("nan")
    with open(text, "rb") as f:
        text_lines = sum(1 for _ in f)
    nproc, cpu, vers = machine()
    kinds_info = json.load(open(f"{d}/kinds.json"))
    md = [f"# Comparison benchmark: last run\n",
          f"- date: {datetime.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}",
          f"- machine: {nproc} CPUs (`nproc`), {cpu}",
          f"- command: `{args.command}`",
          f"- load average (1 min) before / after the timed runs: {load_before:.2f} / {os.getloadavg()[0]:.2f}"
          " (other work on the machine slows wall times; MB/CPU-s is less sensitive to it)",
          f"- corpora: {args.size_mb} MB text ({text_lines} lines) and NDJSON, Loghub lines with "
          f"{sum(len(v[1]) for v in text_m.values())} / {sum(len(v[1]) for v in json_m.values())} planted synthetic secrets "
          f"({len(text_m) / text_lines:.0%} of lines) of {len(kinds_info['kinds'])} kinds",
          f"- default packs: {len(rules)} pattern rules ({', '.join(sorted({r['pack'] for r in rules}))})",
          f"- tools: {'; '.join(vers)}; all with LC_ALL=C",
          f"- veil: " + ("`--threads 1` and `--threads 2` (`build/veil` as is runs one worker per core)" if threads
                         else "`build/veil` as is (`veil --help` lists no --threads option)")
          + f"; start-up on empty input with the compiled database cached: {startup:.2f} s",
          "", fmt_table(rows, veil_rate), "",
          "MB/s: input bytes / wall time (best of up to 3 runs), output written to a file. recall: planted "
          "secrets no longer in their output line. false-positive lines: changed lines with nothing planted "
          "(real Loghub content). Competitors run on a slice when the whole corpus would take more than "
          f"{BUDGET_S} s; a tool whose output has a different line count gets no speed.",
          "", "## Recall by planted kind", "",
          "Kinds are the rule whose `examples.match` was the template (`extra:` kinds are built into gen_corpus.py);"
          " — means none planted in the part of the corpus the tool ran on.",
          "", fmt_kinds(rows), ""]
    md += ["## False-positive lines by the rule named in the mask", ""]
    for r in rows:
        if r["rate"] and r["name"] != "cat":
            md.append(f"- {r['name']} ({r['input']}): " + (", ".join(f"{rule} {c}" for rule, c in r["fp_rules"].most_common(8)) or "none"))
    first_veil = {}
    for r in rows:
        if r["name"].startswith("veil") and r["rate"]:
            first_veil.setdefault(r["input"], r)
    for r in first_veil.values():
        md += ["", f"## {r['name']} ({r['input']}): missed secrets, one sample line per kind", ""]
        md += [f"- {k}: {code(line)}" for k, line in sorted(r["missed"].items())] or ["none"]
        md += ["", f"## {r['name']} ({r['input']}): false-positive lines by rule, with a sample", ""]
        md += [f"- {rule}: {c} lines, e.g. {code(r['fp_samples'][rule])}" for rule, c in r["fp_rules"].most_common()] or ["none"]
    md.append("")
    md += ["## Pattern translation for the competitors", ""]
    for name in ("rg --passthru -r", "sed -E", "perl -pe", "python3 re"):
        _, dropped, notes = tools[name]
        md.append(f"- {name}: " + ("; ".join(f"dropped {k} ({v})" for k, v in dropped.items()) or "no rule dropped")
                  + "".join(f"; {k}: {', '.join(v)}" for k, v in notes.items() if v and k not in dropped))
    md += ["", "## Templates skipped by the generator", ""]
    md += [f"- {k}: {code(ex)}: {why}" for k, ex, why in kinds_info["skipped"]] or ["none"]
    report = "\n".join(md) + "\n"
    print("\n" + fmt_table(rows, veil_rate) + "\n\n" + fmt_kinds(rows))
    with open(args.record, "w") as f:
        f.write(report)
    print(f"\nwrote {args.record}", file=sys.stderr)


if __name__ == "__main__":
    main()

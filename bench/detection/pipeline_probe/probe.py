#!/usr/bin/env python3
"""Independent detection probe for veil.

Generates realistic log lines (plain text and NDJSON), each planted line carrying exactly one
synthetic secret / PII value, plus look-alike lines carrying none; runs veil in several
configurations and scores recall (secret gone from the output line) and false positives
(look-alike line changed at all).  Standard library only; fixed seed; re-run with
    python3 bench/detection/pipeline_probe/probe.py
(written in session 6 by a helper that never read veil's rules, sources or tests).
Outputs in $PROBE_OUT (default /tmp/veil-pipeline-probe): input_text.log, input_ndjson.log,
out_<cfg>_<fmt>.log, results.json, report.txt, misses_<cfg>.txt, fps_<cfg>.txt.
veil: $VEIL_BIN (default build/veil of this repository), packs: $VEIL_PATTERNS_DIR.
"""
import collections
import json
import math
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import gen_common as G  # noqa: E402

SEED = 20241126
G.seed(SEED)
import gen_text  # noqa: E402
import gen_json  # noqa: E402

R = G.R
REPO = os.path.abspath(os.path.join(HERE, '..', '..', '..'))
VEIL = os.environ.get('VEIL_BIN', os.path.join(REPO, 'build', 'veil'))
PATTERNS = os.environ.get('VEIL_PATTERNS_DIR', os.path.join(REPO, 'patterns'))
OUT = os.environ.get('PROBE_OUT', '/tmp/veil-pipeline-probe')
TIMEOUT = 300

TARGET = {'text_plant': 1800, 'text_look': 1200, 'json_plant': 1200, 'json_look': 800}


# --------------------------------------------------------------------------- generation
def instantiate(table, target, fmt, planted):
    """table: area -> [template]; each template is instantiated about equally often."""
    n_templates = sum(len(v) for v in table.values())
    per = max(1, math.ceil(target / n_templates))
    groups = []
    for area, funcs in table.items():
        for ti, f in enumerate(funcs):
            for _ in range(per):
                if planted:
                    line, secret, kind = f()
                    groups.append([dict(kind='planted', fmt=fmt, area=area, tmpl='%s#%d' % (area, ti), line=line, secret=secret, stype=kind)])
                else:
                    line = f()
                    groups.append([dict(kind='look', fmt=fmt, area=area, tmpl='%s#%d' % (area, ti), line=line)])
    return groups


def multiline_groups():
    """Multi-line records: private keys printed line by line (body lines planted), certificates
    printed line by line (look-alikes), SMTP AUTH LOGIN dialogues."""
    groups = []
    prefixes = [lambda: G.gha(), lambda: '', lambda: '%s app[%d]: ' % (G.ts_syslog(), R.randint(100, 9999)),
                lambda: '[%s] ' % G.ts_iso()]
    kinds = ['RSA PRIVATE KEY', 'PRIVATE KEY', 'EC PRIVATE KEY', 'OPENSSH PRIVATE KEY', 'EC PRIVATE KEY',
             'OPENSSH PRIVATE KEY', 'ENCRYPTED PRIVATE KEY', 'EC PRIVATE KEY']
    for i, kind in enumerate(kinds):
        pf = prefixes[i % len(prefixes)]
        p = pf()
        kind_, lines = G.pem(kind)
        g = [dict(kind='context', fmt='text', area='pem-multiline', line=p + '+ cat /home/runner/.ssh/deploy_key' if p.endswith('Z ') else p + 'Loaded key file /etc/app/tls.key:')]
        g.append(dict(kind='context', fmt='text', area='pem-multiline', line=p + '-----BEGIN %s-----' % kind))
        if kind == 'ENCRYPTED PRIVATE KEY':
            pass
        for bl in lines:
            g.append(dict(kind='planted', fmt='text', area='pem-multiline', tmpl='pem-multiline#%s' % kind, line=pf() if False else p + bl, secret=bl, stype='private-key-line'))
        g.append(dict(kind='context', fmt='text', area='pem-multiline', line=p + '-----END %s-----' % kind))
        groups.append(g)
    # certificates line by line: public, must stay unchanged
    for i in range(6):
        p = prefixes[i % len(prefixes)]()
        body = 'MII' + G.rs(1100, G.B64)
        lines = [body[j:j + 64] for j in range(0, len(body), 64)]
        g = [dict(kind='look', fmt='text', area='cert-multiline', tmpl='cert-multiline#0', line=p + '-----BEGIN CERTIFICATE-----')]
        for bl in lines:
            g.append(dict(kind='look', fmt='text', area='cert-multiline', tmpl='cert-multiline#0', line=p + bl))
        g.append(dict(kind='look', fmt='text', area='cert-multiline', tmpl='cert-multiline#0', line=p + '-----END CERTIFICATE-----'))
        groups.append(g)
    # SMTP AUTH LOGIN dialogue (python smtplib debuglevel=1)
    for i in range(30):
        u, pw_ = G.email(), G.pw()
        ub, pb = G.b64s(u), G.b64s(pw_)
        g = [dict(kind='context', fmt='text', area='smtp-dialogue', line="send: 'AUTH LOGIN %s\\r\\n'" % ub),
             dict(kind='look', fmt='text', area='smtp-dialogue', tmpl='smtp-dialogue#challenge', line="reply: b'334 UGFzc3dvcmQ6\\r\\n'"),
             dict(kind='planted', fmt='text', area='smtp-dialogue', tmpl='smtp-dialogue#pw', line="send: '%s\\r\\n'" % pb, secret=pb, stype='smtp-auth-b64'),
             dict(kind='look', fmt='text', area='smtp-dialogue', tmpl='smtp-dialogue#ok', line="reply: b'235 2.7.0 Authentication successful\\r\\n'")]
        groups.append(g)
    return groups


def build():
    text_groups = instantiate(gen_text.P, TARGET['text_plant'], 'text', True)
    text_groups += instantiate(gen_text.L, TARGET['text_look'], 'text', False)
    text_groups += multiline_groups()
    json_groups = instantiate(gen_json.P, TARGET['json_plant'], 'ndjson', True)
    json_groups += instantiate(gen_json.L, TARGET['json_look'], 'ndjson', False)
    R.shuffle(text_groups)
    R.shuffle(json_groups)
    text = [r for g in text_groups for r in g]
    nd = [r for g in json_groups for r in g]
    for recs in (text, nd):
        for r in recs:
            assert '\n' not in r['line'], r
    return text, nd


# --------------------------------------------------------------------------- running veil
def run_veil(inp, out, extra):
    env = dict(os.environ)
    env['VEIL_PATTERNS_DIR'] = PATTERNS
    env.setdefault('VEIL_CACHE_DIR', os.path.join(OUT, 'cache'))
    t0 = time.time()
    with open(inp, 'rb') as fi, open(out, 'wb') as fo:
        try:
            p = subprocess.run([VEIL] + extra, stdin=fi, stdout=fo, stderr=subprocess.PIPE, env=env, timeout=TIMEOUT)
            rc, err = p.returncode, p.stderr.decode('utf-8', 'replace')
        except subprocess.TimeoutExpired:
            rc, err = 'TIMEOUT', ''
    return rc, err, time.time() - t0


# --------------------------------------------------------------------------- scoring
MASK_RE = re.compile(r'\[REDACTED:([A-Za-z0-9_.\-]+)\]')


def forms(s):
    e1 = json.dumps(s)[1:-1]
    e2 = json.dumps(e1)[1:-1]
    e3 = e1.replace('/', '\\/')
    return {s, e1, e2, e3}


def score(recs, outs):
    res = []
    for r, o in zip(recs, outs):
        d = dict(r)
        d['out'] = o
        d['changed'] = (o != r['line'])
        d['rules'] = sorted(set(MASK_RE.findall(o)))
        if r['kind'] == 'planted':
            s = r['secret']
            d['caught'] = not any(f in o for f in forms(s))
            h = len(s) // 2
            d['residue'] = bool(d['caught'] and len(s) >= 16 and (s[:h] in o or s[h:] in o))
        res.append(d)
    return res


def pct(a, b):
    return '%5.1f%%' % (100.0 * a / b) if b else '   n/a'


def main():
    os.makedirs(OUT, exist_ok=True)
    text, nd = build()
    files = {}
    for fmt, recs in (('text', text), ('ndjson', nd)):
        path = os.path.join(OUT, 'input_%s.log' % fmt)
        with open(path, 'w', encoding='utf-8', newline='\n') as f:
            for r in recs:
                f.write(r['line'] + '\n')
        files[fmt] = (path, recs)
    # ground truth for re-inspection
    with open(os.path.join(OUT, 'truth.jsonl'), 'w') as f:
        for fmt in files:
            for i, r in enumerate(files[fmt][1]):
                f.write(json.dumps(dict(r, lineno=i + 1)) + '\n')

    configs = [('default', []), ('all', ['--packs', 'all']), ('default-t1', ['--threads', '1'])]
    summary = {}
    report = []
    W = report.append
    W('veil detection probe 3   seed=%d   veil=%s' % (SEED, VEIL))
    for fmt in files:
        recs = files[fmt][1]
        W('%s input: %d lines (%d planted, %d look-alike, %d context)' % (
            fmt, len(recs), sum(r['kind'] == 'planted' for r in recs), sum(r['kind'] == 'look' for r in recs),
            sum(r['kind'] == 'context' for r in recs)))
    scored = {}
    for cname, extra in configs:
        for fmt, (path, recs) in files.items():
            out = os.path.join(OUT, 'out_%s_%s.log' % (cname, fmt))
            rc, err, dt = run_veil(path, out, extra)
            with open(out, 'rb') as f:
                raw = f.read()
            outs = raw.decode('utf-8', 'replace').split('\n')
            if outs and outs[-1] == '':
                outs.pop()
            note = 'rc=%s  %.2fs  out_lines=%d in_lines=%d%s' % (rc, dt, len(outs), len(recs), ('  stderr: ' + err.strip()[:300]) if err.strip() else '')
            W('[%s/%s] %s' % (cname, fmt, note))
            if len(outs) != len(recs):
                W('  !!! LINE COUNT MISMATCH')
            outs = (outs + [''] * len(recs))[:len(recs)]
            sc = score(recs, outs)
            scored[(cname, fmt)] = sc
            if fmt == 'ndjson':
                bad = []
                for d in sc:
                    try:
                        json.loads(d['out'])
                    except Exception:
                        bad.append(d)
                if bad:
                    W('  !!! %d NDJSON output lines are not valid JSON (first: %r)' % (len(bad), bad[0]['out'][:200]))
            summary[(cname, fmt)] = dict(rc=rc, secs=round(dt, 2), out_lines=len(outs), in_lines=len(recs))

    # determinism across thread counts
    for fmt in files:
        a = [d['out'] for d in scored[('default', fmt)]]
        b = [d['out'] for d in scored[('default-t1', fmt)]]
        diff = sum(x != y for x, y in zip(a, b))
        W('determinism default vs --threads 1 (%s): %d differing lines' % (fmt, diff))

    # overall
    W('')
    W('OVERALL RECALL / FALSE POSITIVES')
    W('%-10s %-8s %8s %8s %8s %10s %8s %8s' % ('config', 'format', 'planted', 'caught', 'recall', 'residue', 'looks', 'FP'))
    for cname in ('default', 'all'):
        for fmt in files:
            sc = scored[(cname, fmt)]
            pl = [d for d in sc if d['kind'] == 'planted']
            lk = [d for d in sc if d['kind'] == 'look']
            c = sum(d['caught'] for d in pl)
            fp = sum(d['changed'] for d in lk)
            W('%-10s %-8s %8d %8d %8s %10d %8d %8d (%s)' % (cname, fmt, len(pl), c, pct(c, len(pl)), sum(d['residue'] for d in pl), len(lk), fp, pct(fp, len(lk))))
            summary[(cname, fmt)].update(planted=len(pl), caught=c, looks=len(lk), fp=fp)
        pl = [d for fmt in files for d in scored[(cname, fmt)] if d['kind'] == 'planted']
        W('%-10s %-8s %8d %8d %8s' % (cname, 'both', len(pl), sum(d['caught'] for d in pl), pct(sum(d['caught'] for d in pl), len(pl))))

    def table(keyf, title):
        W('')
        W(title)
        W('%-28s %7s %14s %14s' % ('', 'n', 'default', 'all'))
        keys = collections.OrderedDict()
        for fmt in files:
            for d in scored[('default', fmt)]:
                if d['kind'] == 'planted':
                    keys.setdefault(keyf(d), None)
        for k in sorted(keys):
            row = []
            n = 0
            for cname in ('default', 'all'):
                ds = [d for fmt in files for d in scored[(cname, fmt)] if d['kind'] == 'planted' and keyf(d) == k]
                n = len(ds)
                c = sum(d['caught'] for d in ds)
                row.append('%4d %s' % (c, pct(c, n)))
            W('%-28s %7d %14s %14s' % (k, n, row[0], row[1]))

    table(lambda d: d['area'], 'RECALL BY AREA (software / log style)')
    table(lambda d: d['stype'], 'RECALL BY SECRET TYPE')

    # FP by area
    W('')
    W('FALSE POSITIVES BY AREA')
    W('%-28s %7s %10s %10s' % ('', 'looks', 'default', 'all'))
    areas = sorted({d['area'] for fmt in files for d in scored[('default', fmt)] if d['kind'] == 'look'})
    for a in areas:
        n = 0
        row = []
        for cname in ('default', 'all'):
            ds = [d for fmt in files for d in scored[(cname, fmt)] if d['kind'] == 'look' and d['area'] == a]
            n = len(ds)
            row.append(sum(d['changed'] for d in ds))
        W('%-28s %7d %10d %10d' % (a, n, row[0], row[1]))

    # FP by rule
    for cname in ('default', 'all'):
        cnt = collections.Counter()
        for fmt in files:
            for d in scored[(cname, fmt)]:
                if d['kind'] == 'look' and d['changed']:
                    for rule in d['rules'] or ['(changed, no standard mask)']:
                        cnt[rule] += 1
        W('FP lines by masking rule [%s]: %s' % (cname, dict(cnt.most_common())))

    # per-template miss listing (for choosing instructive misses)
    for cname in ('default', 'all'):
        with open(os.path.join(OUT, 'misses_%s.txt' % cname), 'w') as f:
            by_t = collections.OrderedDict()
            for fmt in files:
                for d in scored[(cname, fmt)]:
                    if d['kind'] == 'planted':
                        by_t.setdefault((d['fmt'], d['tmpl'], d['stype']), []).append(d)
            for (fmt, t, st), ds in sorted(by_t.items(), key=lambda kv: (sum(x['caught'] for x in kv[1]) / len(kv[1]), kv[0])):
                miss = [d for d in ds if not d['caught']]
                if not miss:
                    continue
                f.write('=== %s %s [%s] missed %d/%d\n' % (fmt, t, st, len(miss), len(ds)))
                for d in miss[:3]:
                    f.write('  secret: %s\n  in:  %s\n  out: %s\n' % (d['secret'], d['line'], d['out']))
        with open(os.path.join(OUT, 'fps_%s.txt' % cname), 'w') as f:
            for fmt in files:
                for d in scored[(cname, fmt)]:
                    if d['kind'] == 'look' and d['changed']:
                        f.write('=== %s %s rules=%s\n  in:  %s\n  out: %s\n' % (fmt, d['tmpl'], d['rules'], d['line'], d['out']))
        with open(os.path.join(OUT, 'residue_%s.txt' % cname), 'w') as f:
            for fmt in files:
                for d in scored[(cname, fmt)]:
                    if d['kind'] == 'planted' and d['residue']:
                        f.write('=== %s %s\n  secret: %s\n  out: %s\n' % (fmt, d['tmpl'], d['secret'], d['out']))

    with open(os.path.join(OUT, 'results.json'), 'w') as f:
        json.dump({'%s/%s' % k: v for k, v in summary.items()}, f, indent=1)
    with open(os.path.join(OUT, 'report.txt'), 'w') as f:
        f.write('\n'.join(report) + '\n')
    print('\n'.join(report))


if __name__ == '__main__':
    main()

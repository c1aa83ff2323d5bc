"""Epoch AI training runs for the compute estimator: extraction, estimation through the kycloud
binary, and the statistics shared by scripts/fit-utilization-prior and scripts/eval-compute.

A run qualifies when it has training compute, hardware, hardware quantity and training time and is
not a fine-tune (no base model: a fine-tune's compute includes its base model's). Models in both
files count once. Python standard library only.
"""
import csv
import math
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EPOCH_FILES = [os.path.join(ROOT, 'testdata/eval/epoch', f)
               for f in ('notable_ai_models.csv', 'large_scale_ai_models.csv')]


def kycloud_binary():
    return os.environ.get('KYCLOUD_BIN', os.path.join(ROOT, 'build/release/kycloud'))


def load_runs(files=EPOCH_FILES):
    runs, seen = [], set()
    for path in files:
        with open(path, newline='', encoding='utf-8') as f:
            for r in csv.DictReader(f):
                if not all(r.get(c, '').strip() for c in (
                        'Training compute (FLOP)', 'Training hardware', 'Hardware quantity',
                        'Training time (hours)')):
                    continue
                if r.get('Base model', '').strip() or r['Model'] in seen:
                    continue
                seen.add(r['Model'])
                fmt = r.get('Numerical format', '').strip()
                runs.append({
                    'model': r['Model'],
                    'date': r.get('Publication date', ''),
                    'accelerator': r['Training hardware'],
                    'count': r['Hardware quantity'],
                    'hours': r['Training time (hours)'],
                    'precision': '' if fmt.lower() == 'unknown' else fmt,
                    'mfu': r.get('Hardware utilization (MFU)', '').strip(),
                    'reported': float(r['Training compute (FLOP)']),
                })
    return runs


def estimate(runs, utilization=None, use_mfu=False):
    """Runs `kycloud compute estimate --explain` on the runs; returns one dict per run (the
    estimate columns, or 'error'). utilization: a fixed value for every row (1.0 gives the
    peak x time at the precision used); use_mfu: pass Epoch's MFU where it has one."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, 'runs.csv')
        with open(path, 'w', newline='', encoding='utf-8') as f:
            w = csv.writer(f)
            w.writerow(['model', 'accelerator', 'count', 'hours', 'precision', 'utilization'])
            for r in runs:
                u = ''
                if utilization is not None:
                    u = repr(utilization)
                elif use_mfu and r['mfu']:
                    u = r['mfu']
                w.writerow([r['model'], r['accelerator'], r['count'], r['hours'],
                            r['precision'], u])
        out = subprocess.run([kycloud_binary(), 'compute', 'estimate', '--input', path,
                              '--explain'], capture_output=True, text=True, check=True)
    rows = list(csv.DictReader(out.stdout.splitlines()))
    assert len(rows) == len(runs), (len(rows), len(runs))
    return rows


def quantile(xs, q):
    """Linear interpolation between order statistics (type 7)."""
    xs = sorted(xs)
    if not xs:
        raise ValueError('no data')
    i = q * (len(xs) - 1)
    lo = int(math.floor(i))
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (i - lo)


def median(xs):
    return quantile(xs, 0.5)


def within2(estimate, reported):
    return estimate > 0 and 0.5 <= reported / estimate <= 2.0


def need_binary():
    if not os.access(kycloud_binary(), os.X_OK):
        sys.exit(f'{kycloud_binary()} not found: run `make build` or set KYCLOUD_BIN')

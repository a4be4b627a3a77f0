#!/usr/bin/env python3
"""Reference numbers for tests/unit/test_statistics.cpp and tests/unit/test_designs.cpp.

Every number hard-coded in those tests that is not an analytic value comes from this script
(scipy 1.10.1, numpy 1.24.2, mpmath 1.2.1 on Debian 12:
`apt-get install python3-scipy python3-mpmath`). Run

    python3 tests/reference/make_statistics_reference.py            # reference values
    python3 tests/reference/make_statistics_reference.py --sobol-table   # C++ direction table

The second form prints the Joe-Kuo (new-joe-kuo-6.21201) direction numbers for the first 256
dimensions in the layout of src/study/designs.cpp, read from the copy scipy ships, after
checking that a straight re-implementation of the generator from that table reproduces
scipy.stats.qmc.Sobol(scramble=False) exactly.

Where scipy's double-precision routine is itself the less accurate side, the reference comes
from mpmath at 40 digits instead, and the script says so:
- Student-t quantiles: scipy 1.10's t.ppf (cephes stdtrit) is off by up to ~2e-9 relative
  (t.ppf(0.975, 7) = 2.3646242510102993 against 2.364624251592785; for (0.995, 9.3) its own
  t.sf at its answer is 0.00499999995). The t-based intervals below use the mpmath quantile.
- Hedges' exact J: exp(gammaln(df/2) - gammaln((df-1)/2)) loses digits for large df.
"""
import sys

import mpmath as mp
import numpy as np
from scipy import special, stats
from scipy.stats import qmc
from scipy.stats._sobol import get_poly_vinit

np.set_printoptions(precision=17)

SOBOL_DIMENSIONS = 256


mp.mp.dps = 40


def t_quantile(p, df):
    """Student-t quantile to full double precision (mpmath root of the exact tail)."""
    p = float(p)
    if np.isinf(df):
        return float(mp.sqrt(2) * mp.erfinv(2 * mp.mpf(p) - 1))
    dfm = mp.mpf(df)

    def upper_tail(t):
        return mp.betainc(dfm / 2, mp.mpf(1) / 2, 0, dfm / (dfm + t * t), regularized=True) / 2

    target = 1 - mp.mpf(p) if p > 0.5 else mp.mpf(p)
    t = mp.findroot(lambda t: upper_tail(t) - target, abs(stats.t.ppf(p, df)))
    return float(t if p > 0.5 else -t)


def hedges_j(df):
    """Exact Gamma(df/2) / (sqrt(df/2) Gamma((df-1)/2)) in mpmath."""
    dfm = mp.mpf(df)
    return float(mp.gamma(dfm / 2) / mp.gamma((dfm - 1) / 2) / mp.sqrt(dfm / 2))


def r(x):
    """Shortest round-trip repr, as C++ source."""
    x = float(x)
    if np.isinf(x):
        return "inf" if x > 0 else "-inf"
    return repr(x)


# --------------------------------------------------------------------------------------------
# Samples shared with the C++ tests

A = [4.1, 5.3, 6.2, 5.8, 4.9, 5.5, 6.7, 5.0]
B = [6.3, 7.1, 5.9, 7.8, 6.6, 7.4]
C = [5.2, 5.9, 6.1, 4.8, 5.5, 6.0, 5.7]
D = [3.9, 4.4, 5.1, 4.0, 4.7]
# Equal group sizes (scipy's other branch of tukey_hsd).
E1 = [24.5, 23.5, 26.4, 27.1, 29.9]
E2 = [28.4, 34.2, 29.5, 32.2, 30.1]
E3 = [26.1, 28.3, 24.3, 26.2, 27.8]
P_VALUES = [0.01, 0.04, 0.03, 0.005, 0.20, 0.04]


def special_functions():
    print("== incomplete beta  I_x(a,b)")
    for a, b, x in [(0.5, 0.5, 0.3), (2.0, 3.0, 0.4), (10.0, 20.0, 0.25), (0.5, 50.0, 0.01),
                    (200.0, 300.0, 0.41), (1000.0, 500.0, 0.65), (3.0, 0.2, 0.999)]:
        print(f"  {{{r(a)}, {r(b)}, {r(x)}, {r(special.betainc(a, b, x))}}},")
    print("== inverse incomplete beta  x(a,b,p)")
    for a, b, p in [(0.5, 0.5, 0.3), (2.0, 3.0, 0.9), (10.0, 20.0, 1e-6), (0.3, 4.0, 0.5),
                    (50.0, 0.5, 0.01)]:
        print(f"  {{{r(a)}, {r(b)}, {r(p)}, {r(special.betaincinv(a, b, p))}}},")
    print("== log gamma")
    for x in [0.1, 0.5, 1.0, 1.5, 2.0, 3.7, 9.99, 10.0, 25.5, 1e4]:
        print(f"  {{{r(x)}, {r(special.gammaln(x))}}},")
    print("== Student t cdf / sf  (t, df, cdf, sf)")
    for t, df in [(2.1, 3.0), (-1.5, 7.5), (0.3, 1.0), (4.0, 30.0), (-10.0, 2.5), (8.0, 100.0),
                  (40.0, 4.0), (1.0, 1e6)]:
        print(f"  {{{r(t)}, {r(df)}, {r(stats.t.cdf(t, df))}, {r(stats.t.sf(t, df))}}},")
    print("== Student t quantile  (p, df, t [mpmath])   [scipy t.ppf for comparison]")
    for p, df in [(0.975, 1.0), (0.975, 2.0), (0.975, 5.0), (0.975, 7.0), (0.975, 29.0),
                  (0.995, 9.3), (0.001, 4.0), (1e-10, 3.0), (0.6, 1000.0), (0.975, np.inf),
                  (0.5 + 1e-9, 7.0)]:
        print(f"  {{{r(p)}, {r(df)}, {r(t_quantile(p, df))}}},   // scipy {r(stats.t.ppf(p, df))}")
    print("== F cdf / sf  (f, df1, df2, cdf, sf)")
    for f, d1, d2 in [(3.2, 2.0, 15.0), (0.5, 4.0, 7.0), (12.0, 3.0, 40.0), (1.0, 1.0, 1.0),
                      (2.5, 10.0, 1000.0)]:
        print(f"  {{{r(f)}, {r(d1)}, {r(d2)}, {r(stats.f.cdf(f, d1, d2))}, {r(stats.f.sf(f, d1, d2))}}},")
    print("== studentized range cdf / sf  (q, k, df, cdf, sf)")
    for q, k, df in [(3.5, 3, 10), (2.0, 4, 20), (5.0, 5, 12), (4.2, 10, 30), (6.5, 3, 8),
                     (3.0, 2, 1), (3.3, 3, 200), (1.0, 6, 5)]:
        cdf = stats.studentized_range.cdf(q, k, df)
        print(f"  {{{r(q)}, {r(k)}, {r(df)}, {r(cdf)}, {r(1.0 - cdf)}}},")
    print("== studentized range quantile  (p, k, df, q)")
    for p, k, df in [(0.95, 3, 10), (0.95, 4, 20), (0.99, 5, 12), (0.5, 3, 30)]:
        print(f"  {{{r(p)}, {r(k)}, {r(df)}, {r(stats.studentized_range.ppf(p, k, df))}}},")


def descriptive_and_tests():
    print("== summary of A: mean, sd, sem, ci95")
    a = np.array(A)
    m, s = a.mean(), a.std(ddof=1)
    sem = stats.sem(a)
    half = t_quantile(0.975, len(a) - 1) * sem
    print("  ", r(m), r(s), r(sem), r(m - half), r(m + half))
    print("== summary of D at 0.99: ci")
    d = np.array(D)
    half = t_quantile(0.995, len(d) - 1) * stats.sem(d)
    print("  ", r(d.mean() - half), r(d.mean() + half))

    print("== Welch A vs B: t, df, p, ci95 low, high")
    res = stats.ttest_ind(A, B, equal_var=False)
    # scipy 1.10 has no confidence_interval() on this result (1.11 has): the Welch interval
    # mean difference -/+ t_{0.975, df} * SE by hand.
    va, vb = np.var(A, ddof=1) / len(A), np.var(B, ddof=1) / len(B)
    df = (va + vb) ** 2 / (va ** 2 / (len(A) - 1) + vb ** 2 / (len(B) - 1))
    diff = np.mean(A) - np.mean(B)
    half = t_quantile(0.975, df) * np.sqrt(va + vb)
    print("  ", r(res.statistic), r(df), r(res.pvalue), r(diff - half), r(diff + half))
    print("== Welch C vs D: t, df, p")
    res = stats.ttest_ind(C, D, equal_var=False)
    print("  ", r(res.statistic), r(res.pvalue))

    print("== Holm-Bonferroni of", P_VALUES)
    # Step-down: the i-th smallest p (0-based) times (m - i), running maximum, capped at 1.
    m = len(P_VALUES)
    order = sorted(range(m), key=lambda i: P_VALUES[i])
    adjusted = [0.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * P_VALUES[i]))
        adjusted[i] = running
    print("  ", ", ".join(r(x) for x in adjusted))

    print("== one-way ANOVA A, B, C, D: F, p")
    res = stats.f_oneway(A, B, C, D)
    print("  ", r(res.statistic), r(res.pvalue))
    print("== one-way ANOVA E1, E2, E3: F, p")
    res = stats.f_oneway(E1, E2, E3)
    print("  ", r(res.statistic), r(res.pvalue))

    for name, groups in [("A, B, C, D", [A, B, C, D]), ("E1, E2, E3", [E1, E2, E3])]:
        print(f"== Tukey HSD {name}: i, j, diff, p, ci low, ci high")
        res = stats.tukey_hsd(*groups)
        ci = res.confidence_interval(0.95)
        k = len(groups)
        for i in range(k):
            for j in range(i + 1, k):
                print(f"  {{{i}, {j}, {r(res.statistic[i, j])}, {r(res.pvalue[i, j])}, "
                      f"{r(ci.low[i, j])}, {r(ci.high[i, j])}}},")

    print("== Hedges' g A vs B: d, J exact, g exact, J approx, g approx")
    a, b = np.array(A), np.array(B)
    df = len(a) + len(b) - 2
    pooled = np.sqrt(((len(a) - 1) * a.var(ddof=1) + (len(b) - 1) * b.var(ddof=1)) / df)
    d = (a.mean() - b.mean()) / pooled
    j_exact = hedges_j(df)
    j_approx = 1 - 3 / (4 * df - 1)
    print("  ", r(d), r(j_exact), r(j_exact * d), r(j_approx), r(j_approx * d))
    print("== Hedges J exact (mpmath) for df = 2, 10, 100, 1e5")
    for df in [2.0, 10.0, 100.0, 1e5]:
        print("  ", r(df), r(hedges_j(df)))


def sobol_points():
    print("== Sobol, scramble=False, first 8 points of 21 dimensions (rows)")
    pts = qmc.Sobol(d=21, scramble=False).random(8)
    for row in pts:
        print("  {" + ", ".join(r(x) for x in row) + "},")
    print(f"== Sobol points 1000..1002, dimensions 250..{SOBOL_DIMENSIONS} (1-based)")
    engine = qmc.Sobol(d=SOBOL_DIMENSIONS, scramble=False)
    engine.fast_forward(1000)
    for row in engine.random(3):
        print("  {" + ", ".join(r(x) for x in row[249:]) + "},")


def ishigami():
    a, b = 7.0, 0.1
    pi = np.pi
    v1 = 0.5 * (1 + b * pi ** 4 / 5) ** 2
    v2 = a ** 2 / 8
    v13 = b ** 2 * pi ** 8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    print("== Ishigami a=7, b=0.1: S1, ST")
    print("  ", r(v1 / v), r(v2 / v), 0.0)
    print("  ", r((v1 + v13) / v), r(v2 / v), r(v13 / v))


# --------------------------------------------------------------------------------------------
# Sobol direction numbers


def joe_kuo_table(dimensions):
    """(s, a, [m_1..m_s]) for dimensions 2..`dimensions`, decoded from scipy's copy."""
    poly = get_poly_vinit("poly", np.uint64)
    vinit = get_poly_vinit("vinit", np.uint64)
    rows = []
    for d in range(1, dimensions):
        p = int(poly[d])
        s = p.bit_length() - 1
        a = (p >> 1) & ((1 << (s - 1)) - 1)
        m = [int(x) for x in vinit[d, :s]]
        rows.append((s, a, m))
    return rows


def sobol_from_table(table, n, bits=32):
    """Joe & Kuo's own construction (Gray-code order), from the table, as exact fractions."""
    dims = len(table) + 1
    v = np.zeros((dims, bits + 1), dtype=np.uint64)
    for k in range(1, bits + 1):
        v[0, k] = 1 << (bits - k)
    for d, (s, a, m) in enumerate(table, start=1):
        for k in range(1, bits + 1):
            if k <= s:
                v[d, k] = m[k - 1] << (bits - k)
            else:
                value = int(v[d, k - s]) ^ (int(v[d, k - s]) >> s)
                for j in range(1, s):
                    if (a >> (s - 1 - j)) & 1:
                        value ^= int(v[d, k - j])
                v[d, k] = value
    x = np.zeros(dims, dtype=np.uint64)
    out = np.zeros((n, dims))
    for i in range(n):
        out[i] = x / float(1 << bits)
        c = 1
        value = i
        while value & 1:
            value >>= 1
            c += 1
        x = x ^ v[:, c]
    return out


def sobol_table():
    table = joe_kuo_table(SOBOL_DIMENSIONS)
    ours = sobol_from_table(table, 4096)
    theirs = qmc.Sobol(d=SOBOL_DIMENSIONS, scramble=False).random(4096)
    assert np.array_equal(ours, theirs), "generator from the table differs from scipy"
    print(f"// Joe & Kuo (2008) new-joe-kuo-6.21201, dimensions 2..{SOBOL_DIMENSIONS}: "
          "{s, a, {m_1, ..., m_s}}.")
    print("// Generated by tests/reference/make_statistics_reference.py --sobol-table.")
    for s, a, m in table:
        print(f"    {{{s}, {a}, {{{', '.join(str(x) for x in m)}}}}},")


def main():
    if "--sobol-table" in sys.argv[1:]:
        sobol_table()
        return
    special_functions()
    descriptive_and_tests()
    sobol_points()
    ishigami()


if __name__ == "__main__":
    main()

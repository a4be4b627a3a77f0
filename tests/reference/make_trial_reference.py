#!/usr/bin/python3
"""Reference values for tests/unit/test_trial.cpp, computed independently with scipy 1.10.1.

Kaplan-Meier (Greenwood SE, log-log interval) and the log-rank test on the Freireich 6-MP
leukaemia data (Gehan 1965; textbook values: log-rank chi2 = 16.79, 6-MP median 23 weeks),
the Wilson interval, the pooled two-proportion test (= scipy's uncorrected chi-square test), and
the textbook sample sizes (Fleiss 0.3 vs 0.5: 93 per arm; Schoenfeld HR 0.75: 380 events)."""
import math
from scipy import stats

mp = [(6, 1), (6, 1), (6, 1), (6, 0), (7, 1), (9, 0), (10, 1), (10, 0), (11, 0), (13, 1), (16, 1), (17, 0), (19, 0),
      (20, 0), (22, 1), (23, 1), (25, 0), (32, 0), (32, 0), (34, 0), (35, 0)]
pl = [(t, 1) for t in [1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23]]
z = stats.norm.ppf(0.975)


def km(d):
    s, g, out = 1.0, 0.0, []
    for t in sorted(set(t for t, _ in d)):
        n = sum(1 for u, _ in d if u >= t)
        e = sum(1 for u, x in d if u == t and x)
        if e:
            s *= 1 - e / n
            g += e / (n * (n - e)) if n > e else float("inf")
        lo = hi = s
        if 0 < s < 1:
            w = z * math.sqrt(g) / abs(math.log(s))
            lo, hi = s ** math.exp(w), s ** math.exp(-w)
        out.append((t, n, e, s, s * math.sqrt(g), lo, hi))
    return out


print("6-MP Kaplan-Meier (time, at risk, events, S, SE, low, high):")
for r in km(mp):
    print("  {%r, %d, %d, %.17g, %.17g, %.17g, %.17g}," % r)
O = E = V = 0.0
for t in sorted(set(t for t, x in mp + pl if x)):
    na = sum(1 for u, _ in mp if u >= t)
    nb = sum(1 for u, _ in pl if u >= t)
    n = na + nb
    da = sum(1 for u, x in mp if u == t and x)
    d = da + sum(1 for u, x in pl if u == t and x)
    O += da
    E += d * na / n
    V += d * (na / n) * (1 - na / n) * (n - d) / (n - 1)
chi = (O - E) ** 2 / V
print("log-rank O=%.17g E=%.17g V=%.17g chi2=%.17g p=%.17g" % (O, E, V, chi, stats.chi2.sf(chi, 1)))
print("Peto HR %.17g CI %.17g %.17g" % (math.exp((O - E) / V), math.exp((O - E) / V - z / math.sqrt(V)),
                                         math.exp((O - E) / V + z / math.sqrt(V))))
print("normal quantiles", [repr(x) for x in stats.norm.ppf([0.975, 0.8, 1e-10, 0.3])])
k, n = 7, 20
p = k / n
c = (p + z * z / (2 * n)) / (1 + z * z / n)
h = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
print("Wilson 7/20: %.17g %.17g" % (c - h, c + h))
print("two proportions 30/50 vs 20/50: p = %.17g" % stats.chi2_contingency([[30, 20], [20, 30]], correction=False)[1])
se = math.sqrt(.3 * .7 / 93 + .5 * .5 / 93)
dd = .2 / se
print("power 0.3 vs 0.5, 93 per arm: %.17g" % (stats.norm.cdf(dd - z) + stats.norm.cdf(-dd - z)))
print("Schoenfeld events HR 0.75: %.17g; power with 380 events: %.17g" %
      (4 * (z + stats.norm.ppf(0.8)) ** 2 / math.log(0.75) ** 2,
       stats.norm.cdf(math.sqrt(380 * 0.25) * abs(math.log(0.75)) - z)))
print("dropout share before 24 months at 2 %%/month: %.17g" % (1 - math.exp(-0.02 * 24)))

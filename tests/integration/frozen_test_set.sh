#!/usr/bin/env bash
# The frozen test set (issue 18, docs/validation.md): the commit named in each test entry's
# `frozen` column exists in this checkout's history, comes before HEAD, and already held the
# entry as a test entry with the criteria fingerprint that data/evidence/frozen.toml records now,
# so the criteria were committed before any later model change. The fingerprints against the
# current cases are checked by FrozenTestSet.* in the unit tests. Skipped (77) outside a git
# checkout or in a shallow clone, which lack the history.
. "$(dirname "$0")/common.sh" "$@"

cd "$SRC"
git rev-parse --git-dir >/dev/null 2>&1 || { echo "not a git checkout: skipped"; exit 77; }
[[ $(git rev-parse --is-shallow-repository) == false ]] || { echo "shallow clone: skipped"; exit 77; }

/usr/bin/python3 - <<'PY' || fail "the frozen test set does not match the history"
import csv, io, subprocess, sys, tomllib

def git(*args):
    return subprocess.run(["git", *args], capture_output=True, text=True)

rows = list(csv.DictReader(open("data/evidence/evidence.csv", newline="")))
frozen_now = tomllib.load(open("data/evidence/frozen.toml", "rb"))
problems = []
by_commit = {}
for r in rows:
    if r["split"] == "test":
        by_commit.setdefault(r["frozen"], set()).add(r["entry"])
for commit, entries in sorted(by_commit.items()):
    if not commit:
        problems.append(f"{sorted(entries)}: no frozen commit")
        continue
    if git("cat-file", "-e", commit + "^{commit}").returncode != 0:
        problems.append(f"{commit}: not a commit of this repository ({len(entries)} entries)")
        continue
    if git("merge-base", "--is-ancestor", commit, "HEAD").returncode != 0:
        problems.append(f"{commit}: not an ancestor of HEAD")
        continue
    then_toml = git("show", f"{commit}:data/evidence/frozen.toml")
    then_csv = git("show", f"{commit}:data/evidence/evidence.csv")
    if then_toml.returncode or then_csv.returncode:
        problems.append(f"{commit}: has no data/evidence/frozen.toml or evidence.csv")
        continue
    frozen_then = tomllib.loads(then_toml.stdout)
    split_then = {r["entry"]: r["split"] for r in csv.DictReader(io.StringIO(then_csv.stdout))}
    for e in sorted(entries):
        if split_then.get(e) != "test":
            problems.append(f"{e}: not a test entry at its frozen commit {commit}")
        if frozen_then.get(e) is None:
            problems.append(f"{e}: no fingerprint at its frozen commit {commit}")
        elif frozen_then[e] != frozen_now.get(e):
            problems.append(f"{e}: fingerprint recorded now differs from the one at {commit}")
for p in problems:
    print("frozen test set:", p, file=sys.stderr)
print(f"frozen test set: {sum(len(v) for v in by_commit.values())} test entries, frozen at {len(by_commit)} commit(s)")
sys.exit(1 if problems else 0)
PY
echo "frozen_test_set: ok"

#!/usr/bin/env bash
# `bungner serve` from the command line (issue 26): no way to listen beyond loopback, the URL with
# its token, the token on every request, a connection to the machine's own non-loopback address
# refused, jobs bounded (429), cancelled and run to the end, and SIGTERM ending it with exit 0; the
# job list kept across restarts, a job of a killed server `interrupted` and resumed to its end, and
# a second server on the same workspace refused.
# (The server's security in detail: ServeServer.* in bungner-tests.)
. "$(dirname "$0")/common.sh" "$@"
PY=/usr/bin/python3
expect_exit 2 "$WORK/err" "$BUNGNER" serve --host 0.0.0.0 "$WORK"
expect_exit 2 "$WORK/err" "$BUNGNER" serve "$WORK/no-such-folder"

mkdir -p "$WORK/ws/scenarios"
cp "$SCENARIO" "$WORK/ws/scenarios/crush.toml"
cp "$SRC/scenarios/examples/rat-sciatic-transection-unrepaired.toml" "$WORK/ws/scenarios/base.toml"
sed 's|^base = .*|base = "base.toml"|; s|^subjects = .*|subjects = 64|' "$SRC/scenarios/studies/alcar-dose-response.toml" \
  >"$WORK/ws/scenarios/study.toml"
"$BUNGNER" serve "$WORK/ws" --jobs 1 >"$WORK/serve.out" 2>"$WORK/serve.err" &
server=$!
for _ in $(seq 100); do grep -q token= "$WORK/serve.out" && break; sleep 0.1; done
url=$(sed -n 's/^bungner workbench: //p' "$WORK/serve.out")
[[ $url =~ ^http://127\.0\.0\.1:[0-9]+/\?token=[0-9a-f]{64}$ ]] || fail "no URL printed: $(cat "$WORK/serve.out" "$WORK/serve.err")"

"$PY" - "$url" "$WORK/ws" <<'PYTHON' || fail "serve API"
import json, socket, sys, time, urllib.error, urllib.request
url, workspace = sys.argv[1], sys.argv[2]
base, token = url.split("/?token=")
port = int(base.rsplit(":", 1)[1])

def call(path, body=None, token_header=True):
    request = urllib.request.Request(base + path, data=None if body is None else json.dumps(body).encode(),
                                     method="GET" if body is None else "POST")
    if token_header:
        request.add_header("X-Bungner-Token", token)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")

def expect(got, want, what):
    if got != want:
        sys.exit(f"FAIL: {what}: {got}, expected {want}")

expect(call("/api/info", token_header=False)[0], 403, "no token")
expect(call("/api/info")[0], 200, "with the token")
expect(call("/api/file?path=../serve.out")[0], 403, "a path out of the workspace")
# The machine's own address on another interface: nothing listens there.
probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
try:
    probe.connect(("192.0.2.1", 9))  # no packet is sent: only the route is looked up
    address = probe.getsockname()[0]
except OSError:
    address = None
probe.close()
if address and not address.startswith("127."):
    try:
        socket.create_connection((address, port), timeout=5).close()
        sys.exit(f"FAIL: the workbench answered on {address}:{port}")
    except OSError:
        print(f"serve: {address}:{port} refused, as it should")

def wait(job, states, seconds=120):
    deadline = time.time() + seconds
    while time.time() < deadline:
        status = call(f"/api/jobs/{job}")[1]
        if status["state"] in states:
            return status
        time.sleep(0.1)
    sys.exit(f"FAIL: job {job} still {status['state']} after {seconds} s: {status['log'][-2000:]}")

code, started = call("/api/jobs", {"kind": "study", "input": "scenarios/study.toml", "threads": 1})
expect(code, 202, f"start a study ({started})")
expect(call("/api/jobs", {"kind": "run", "input": "scenarios/crush.toml"})[0], 429, "a second job with --jobs 1")
expect(call(f"/api/jobs/{started['id']}/cancel", {})[0], 200, "cancel")
expect(wait(started["id"], {"cancelled", "succeeded", "failed"})["state"], "cancelled", "state after cancel")
code, run = call("/api/jobs", {"kind": "run", "input": "scenarios/crush.toml", "out": "runs/crush"})
expect(code, 202, "start a run")
done = wait(run["id"], {"succeeded", "failed", "cancelled"})
expect(done["state"], "succeeded", f"the run ({done['log'][-2000:]})")
expect(done["percent"], 100, "progress at the end")
files = [f["path"] for f in call("/api/files?dir=runs/crush")[1]]
for name in ("run.json", "timeseries.csv", "readouts.csv"):
    if f"runs/crush/{name}" not in files:
        sys.exit(f"FAIL: runs/crush/{name} not listed: {files}")
print("serve API: ok")
PYTHON

kill -TERM "$server"
code=0
wait "$server" || code=$?
[[ $code -eq 0 ]] || fail "bungner serve exited $code on SIGTERM: $(cat "$WORK/serve.err")"

# Jobs survive a restart. A study of a few seconds, and a server killed (SIGKILL: it cancels
# nothing) while the study runs.
[[ -f $WORK/ws/.bungner-serve/jobs.json ]] || fail "no job list in the workspace"
cat >"$WORK/ws/scenarios/short.toml" <<'TOML'
title = "killed and resumed"
base = "base.toml"
seed = 3
subjects = 24
readouts = ["sensory_neuron_survival"]
[[arms]]
name = "untreated"
[[arms]]
name = "ALCAR"
set = { therapies = [{ type = "acetyl_l_carnitine", dose = "50 mg/kg/day" }] }
TOML
start_server() {
  "$BUNGNER" serve "$WORK/ws" --jobs 1 >"$WORK/serve.out" 2>"$WORK/serve.err" &
  server=$!
  for _ in $(seq 100); do grep -q token= "$WORK/serve.out" && break; sleep 0.1; done
  url=$(sed -n 's/^bungner workbench: //p' "$WORK/serve.out")
  [[ -n $url ]] || fail "no URL after a restart: $(cat "$WORK/serve.err")"
}
start_server
expect_exit 2 "$WORK/err" "$BUNGNER" serve "$WORK/ws"
grep -q "in use by another .bungner serve." "$WORK/err" || fail "a second server on the workspace: $(cat "$WORK/err")"
"$PY" - "$url" "$WORK/ws" <<'PYTHON' || fail "jobs before the kill"
import json, os, sys, time, urllib.request
url, workspace = sys.argv[1], sys.argv[2]
base, token = url.split("/?token=")
def call(path, body=None):
    request = urllib.request.Request(base + path, data=None if body is None else json.dumps(body).encode(),
                                     headers={"X-Bungner-Token": token}, method="GET" if body is None else "POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())
before = [(j["id"], j["kind"], j["state"]) for j in call("/api/jobs")]
if before != [(1, "study", "cancelled"), (2, "run", "succeeded")]:
    sys.exit(f"FAIL: the jobs of the previous server: {before}")
job = call("/api/jobs", {"kind": "study", "input": "scenarios/short.toml", "out": "runs/short", "threads": 1})
if job["id"] != 3:
    sys.exit(f"FAIL: the next id after a restart: {job}")
deadline = time.time() + 60
subjects = os.path.join(workspace, "runs/short/subjects")
journal = os.path.join(workspace, ".bungner-serve/jobs.json")
def journaled_log():
    try:
        return [j for j in json.load(open(journal))["jobs"] if j["id"] == 3][0]["log"]
    except (OSError, ValueError, IndexError):
        return ""
# Killed once some subjects are done and the job list on disk has its progress (written every
# few seconds while a job runs).
while time.time() < deadline:
    done = len([f for f in os.listdir(subjects) if f.endswith(".csv") and not f.startswith(".")]) if os.path.isdir(subjects) else 0
    if done >= 4 and "subjects (" in journaled_log():
        break
    time.sleep(0.05)
status = call("/api/jobs/3")
if status["state"] != "running" or done < 4:
    sys.exit(f"FAIL: the study to interrupt is {status['state']} with {done} subjects done: {status['log'][-1000:]}")
PYTHON
kill -KILL "$server"
wait "$server" 2>/dev/null || true
pid=$("$PY" -c 'import json,sys; print([j for j in json.load(open(sys.argv[1]))["jobs"] if j["id"] == 3][0]["pid"])' \
  "$WORK/ws/.bungner-serve/jobs.json") || fail "the job list after the kill"
start_server
for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && fail "the study of the killed server still runs (pid $pid)"
"$PY" - "$url" <<'PYTHON' || fail "jobs after the kill"
import json, sys, time, urllib.request
base, token = sys.argv[1].split("/?token=")
def call(path, body=None):
    request = urllib.request.Request(base + path, data=None if body is None else json.dumps(body).encode(),
                                     headers={"X-Bungner-Token": token}, method="GET" if body is None else "POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())
jobs = {j["id"]: j for j in call("/api/jobs")}
if [jobs[i]["state"] for i in (1, 2, 3)] != ["cancelled", "succeeded", "interrupted"]:
    sys.exit(f"FAIL: states after the kill: {[(i, j['state']) for i, j in jobs.items()]}")
if jobs[3]["percent"] <= 0 or "subjects" not in jobs[3]["log"] or jobs[3]["started"] <= 0 or jobs[3]["finished"] < jobs[3]["started"]:
    sys.exit(f"FAIL: the interrupted job lost its progress, log or times: {jobs[3]}")
resumed = call("/api/jobs", {"kind": "study", "input": "scenarios/short.toml", "out": "runs/short", "resume": True, "threads": 1})
deadline = time.time() + 120
while time.time() < deadline:
    status = call(f"/api/jobs/{resumed['id']}")
    if status["state"] != "running":
        break
    time.sleep(0.1)
if status["state"] != "succeeded":
    sys.exit(f"FAIL: the resumed study {status['state']}: {status['log'][-2000:]}")
import re
match = re.search(r"(\d+) subjects computed.*?, (\d+) resumed", status["log"])
if not match or int(match.group(2)) < 4 or int(match.group(1)) + int(match.group(2)) != 48:
    sys.exit(f"FAIL: the resumed study did not continue where it stopped: {status['log'][-1000:]}")
print(f"serve: interrupted study resumed ({match.group(0)})")
PYTHON
kill -TERM "$server"
code=0
wait "$server" || code=$?
[[ $code -eq 0 ]] || fail "bungner serve exited $code on SIGTERM after the restart: $(cat "$WORK/serve.err")"
echo "serve: ok"

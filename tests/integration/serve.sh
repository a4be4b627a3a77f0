#!/usr/bin/env bash
# `bungner serve` from the command line (issue 26): no way to listen beyond loopback, the URL with
# its token, the token on every request, a connection to the machine's own non-loopback address
# refused, jobs bounded (429), cancelled and run to the end, and SIGTERM ending it with exit 0.
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
echo "serve: ok"

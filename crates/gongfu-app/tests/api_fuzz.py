#!/usr/bin/env python3
"""Property-based tests of gongfu's HTTP API against its own OpenAPI document (Schemathesis).

Usage: api_fuzz.py [GONGFU_BINARY]

Starts `GONGFU_BINARY demo` (default: $CARGO_TARGET_DIR/debug/gongfu, else target/debug/gongfu)
on a free port over a throwaway data directory, waits until it answers, and runs Schemathesis
against /api/openapi.json: generated requests, valid and invalid ones, for every documented
operation. A request fails when its answer is

- a server error (5xx): `not_a_server_error`;
- a status the operation does not document: `status_code_conformance`;
- a content type the status does not document: `content_type_conformance`;
- a JSON body its schema rejects: `response_schema_conformance`.

Three passes, each bounded by a number of examples per operation, one request at a time,
each request allowed 60 s (a debug build takes 3 to 4 s for some exports, more on a busy
machine). The whole run takes about three minutes on two cores against a debug build, the
demo's start (about 45 s) included:

1. anonymous: every operation without a session (public answers with their ETags, and the
   401s of the staff operations), random examples only, half as many as the next pass;
2. administrator: every operation with the demo administrator's session cookie and CSRF
   token: the boundary and invalid values of every parameter and body (Schemathesis's
   coverage phase), random examples, and sequences that follow the ids the answers return;
   except `DELETE /api/v1/session` (it would end the session the pass runs on) and
   `POST /api/v1/affordability/runs` (a valid run projects the demo's 1.4 million persons:
   5 to 25 s each in a debug build);
3. affordability runs: `POST /api/v1/affordability/runs` with invalid requests only, which
   must be refused with a documented 4xx, never a 5xx. Valid runs are covered by
   tests/api/affordability.rs, their answers checked against the document by
   tests/api/openapi.rs.

The seed is fixed (GONGFU_API_FUZZ_SEED overrides it) so CI is reproducible, and the number
of examples per operation is GONGFU_API_FUZZ_EXAMPLES (default 20). Every failure is printed
by Schemathesis with the operation, the request as a curl command and the answer; the summary
at the end names the passes that failed, the panics in the server's log, and whether the
server stopped before the end; then the log's last lines. Exit status 1 when anything failed.

Needs `python3 -m pip install schemathesis==4.32.5`; .ci/run installs it and runs this after
the SQLite test suite, with the binary that suite built.
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SEED = os.environ.get("GONGFU_API_FUZZ_SEED", "20250101")
EXAMPLES = os.environ.get("GONGFU_API_FUZZ_EXAMPLES", "20")
CHECKS = ",".join([
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
])
# The demo loads its data and runs three affordability assessments before it serves: about
# 50 s for a debug build on two cores.
START_TIMEOUT = 600
ADMIN = ("admin", "gongfu-demo-admin")
SLOW_RUN = "POST /api/v1/affordability/runs"
LOGOUT = "DELETE /api/v1/session"


def binary():
    if len(sys.argv) > 1:
        return Path(sys.argv[1]).resolve()
    target = Path(os.environ.get("CARGO_TARGET_DIR") or ROOT / "target")
    return (target if target.is_absolute() else ROOT / target) / "debug" / "gongfu"


def start_demo(exe, data_dir, log_path):
    """Starts the demo on a free port; returns the process and its base URL."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GONGFU_")}
    env["GONGFU_LOG"] = "info"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [str(exe), "demo", "--listen", "127.0.0.1:0", "--data-dir", str(data_dir)],
            cwd=data_dir,
            env=env,
            stdout=subprocess.PIPE,
            stderr=log,
        )
    found = {}

    def read():
        # The demo prints its URLs once it has loaded the data: "  open      http://ADDR/".
        for raw in proc.stdout:
            line = raw.decode("utf-8", "replace").rstrip()
            m = re.match(r"\s*open\s+(http://\S+?)/?$", line)
            if m and "url" not in found:
                found["url"] = m.group(1)
        proc.stdout.close()

    threading.Thread(target=read, daemon=True).start()
    deadline = time.monotonic() + START_TIMEOUT
    while "url" not in found:
        if proc.poll() is not None:
            raise SystemExit(f"gongfu demo exited with {proc.returncode} before serving; "
                             f"its log:\n{tail(log_path)}")
        if time.monotonic() > deadline:
            proc.kill()
            raise SystemExit(f"gongfu demo did not serve within {START_TIMEOUT} s; "
                             f"its log:\n{tail(log_path)}")
        time.sleep(0.5)
    url = found["url"]
    while True:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=5) as r:
                if r.status == 200:
                    return proc, url
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            proc.kill()
            raise SystemExit(f"{url}/healthz did not answer; the log:\n{tail(log_path)}")
        time.sleep(0.5)


def login(url, username, password):
    """The session cookie and CSRF token of a demo account."""
    req = urllib.request.Request(
        url + "/api/v1/session",
        data=json.dumps({"username": username, "password": password}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(req, timeout=30) as r:
        body = json.load(r)
        cookie = r.headers["Set-Cookie"].split(";")[0]
    return cookie, body["csrf_token"]


def tail(path, lines=60):
    try:
        text = Path(path).read_text("utf-8", "replace")
    except OSError:
        return ""
    text = re.sub(r"\x1b\[[0-9;]*m", "", text)
    return "\n".join(text.splitlines()[-lines:])


def schemathesis(url, name, args, work):
    """Runs one pass; returns (name, passed, seconds)."""
    cmd = [
        sys.executable, "-m", "schemathesis.cli", "run", url + "/api/openapi.json",
        "--checks", CHECKS,
        "--seed", SEED,
        "--generation-database", "none",
        "--workers", "1",
        "--no-color",
        "--report", "junit",
        "--report-junit-path", str(work / f"{name}.junit.xml"),
        *args,
    ]
    print(f"\n== api fuzz: {name} ==", flush=True)
    printable = [a if not a.startswith(("Cookie:", "X-CSRF-Token:")) else a.split(":")[0] + ": …"
                 for a in cmd[2:]]
    print("schemathesis " + " ".join(printable[1:]), flush=True)
    t = time.monotonic()
    rc = subprocess.run(cmd, cwd=work).returncode
    return name, rc == 0, time.monotonic() - t


def main():
    exe = binary()
    if not exe.is_file():
        raise SystemExit(f"{exe} does not exist: build it first (cargo build -p gongfu)")
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="gongfu-api-fuzz-") as tmp:
        work = Path(tmp)
        data = work / "demo"
        data.mkdir()
        log_path = work / "server.log"
        print(f"starting {exe} demo in {data}", flush=True)
        proc, url = start_demo(exe, data, log_path)
        print(f"demo serving at {url} after {time.monotonic() - started:.0f} s", flush=True)
        results = []
        try:
            cookie, csrf = login(url, *ADMIN)
            auth = ["-H", f"Cookie: {cookie}", "-H", f"X-CSRF-Token: {csrf}"]
            results.append(schemathesis(url, "anonymous", [
                "--phases", "fuzzing",
                "--max-examples", str(max(1, int(EXAMPLES) // 2)),
                "--request-timeout", "60",
            ], work))
            results.append(schemathesis(url, "administrator", [
                *auth,
                "--exclude-name", LOGOUT,
                "--exclude-name", SLOW_RUN,
                "--max-examples", EXAMPLES,
                "--request-timeout", "60",
            ], work))
            results.append(schemathesis(url, "affordability-runs-invalid", [
                *auth,
                "--include-name", SLOW_RUN,
                "--mode", "negative",
                "--phases", "coverage,fuzzing",
                "--max-examples", EXAMPLES,
                # A negative example the server nonetheless reads as a valid run may take
                # half a minute in a debug build: slow, not a failure.
                "--request-timeout", "120",
            ], work))
        finally:
            # A server that is gone before the end crashed or was stopped from outside.
            exited = proc.poll()
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        log = tail(log_path, 10**9)
        panics = [line for line in log.splitlines() if "panicked" in line]
        print("\n== api fuzz: summary ==")
        for name, ok, seconds in results:
            print(f"  {'ok    ' if ok else 'FAILED'}  {name:30s} {seconds:6.0f} s")
        if panics:
            print(f"  FAILED  the server panicked {len(panics)} time(s):")
            for line in panics[:20]:
                print(f"          {line}")
        print(f"  total {time.monotonic() - started:.0f} s (seed {SEED}, "
              f"{EXAMPLES} examples per operation; GONGFU_API_FUZZ_SEED and "
              f"GONGFU_API_FUZZ_EXAMPLES change them)")
        if exited is not None:
            print(f"  FAILED  the server exited with {exited} before the end of the run")
        failed = panics or exited is not None or not all(ok for _, ok, _ in results)
        if failed:
            print("the failures are printed above, each with the request as a curl command; "
                  "the server's last log lines:\n" + tail(log_path, 40))
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

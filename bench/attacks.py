#!/usr/bin/env python3
"""Three attacks of the hardening issue, tried against a binary: prints what each got.

    bench/attacks.py path/to/api [--memory-cap-gb 4]

Each attack runs on its own `api serve --demo` (fresh SQLite database, loopback port):

1. the upload oracle: Sunan's office (620721) uploads twenty candidate ID numbers, one of them a
   Minle (620722) person's, into one of its own institutions, twice with the real one on another
   line; prints whether the answers differ and which line they name;
2. the dimension bomb: a 1.4 KB workbook whose two cells are A1 and XFD1048576; prints the
   answer, the time and the server's peak resident memory (the server runs under a virtual
   memory cap, so a runaway allocation ends it rather than the machine);
3. the sign-in burst: 100 guesses at one account sent at once; prints how many were judged
   (401) and refused unjudged (429), and whether the right password was then let in.
"""

import concurrent.futures
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from upload_memory import HEADER, workbook, with_check as national_id  # noqa: E402


class Server:
    def __init__(self, api, cap_gb):
        self.api = api
        self.tmp = tempfile.mkdtemp(prefix="attacks.")
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        sock.close()
        self.env = dict(os.environ, DATA_DIR=f"{self.tmp}/data", DATABASE_URL=f"sqlite://{self.tmp}/db.sqlite?mode=rwc",
                        BIND=f"127.0.0.1:{port}", JWT_SECRET=secrets.token_urlsafe(36),
                        PII_KEY=secrets.token_urlsafe(36), RUST_LOG="warn", SESSION_COOKIE_SECURE="false")
        os.makedirs(self.env["DATA_DIR"])
        cap = f"ulimit -v {int(cap_gb * 1024 * 1024)}; " if cap_gb else ""
        self.process = subprocess.Popen(["bash", "-c", f"{cap}exec '{api}' serve --demo"], cwd=self.tmp, env=self.env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.base = f"http://127.0.0.1:{port}"
        for _ in range(240):
            try:
                if urllib.request.urlopen(f"{self.base}/readyz", timeout=2).status == 200:
                    return
            except OSError:
                time.sleep(0.5)
        raise SystemExit("the server did not start")

    def run(self, *args, stdin=None):
        return subprocess.run([self.api, *args], cwd=self.tmp, env=self.env, input=stdin, capture_output=True,
                              check=True).stdout.decode().strip()

    def token(self, code):
        return self.run("token", "--role", "STAFFING_OFFICE", "--jurisdiction", code)

    def post(self, path, body, token=None, content_type=None, timeout=120):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if content_type:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(self.base + path, data=body, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def graphql(self, token, query):
        status, body = self.post("/graphql", json.dumps({"query": query}).encode(), token, "application/json")
        return json.loads(body)

    def peak_mb(self):
        try:
            with open(f"/proc/{self.process.pid}/status") as f:
                return next(int(l.split()[1]) / 1024 for l in f if l.startswith("VmHWM"))
        except (FileNotFoundError, StopIteration):
            return None

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def oracle(api):
    server = Server(api, None)
    try:
        minle = server.token("620722")
        person = server.graphql(minle, '{ staff(jurisdiction: "620722", status: ACTIVE, basis: FISCAL, first: 1) '
                                       '{ edges { node { nationalId } } } }')
        real = person["data"]["staff"]["edges"][0]["node"]["nationalId"]
        sunan = server.token("620721")
        unit = server.graphql(sunan, '{ institutions(jurisdiction: "620721", first: 1) { edges { node { creditCode } } } }')
        code = unit["data"]["institutions"]["edges"][0]["node"]["creditCode"]
        candidates = [national_id(f"62072219800101{k:03d}") for k in range(100, 120)]
        answers = []
        for at in (6, 13):
            ids = list(candidates)
            ids[at] = real
            rows = [HEADER] + [f"{i},候选{k},{code},MANAGEMENT,FISCAL,ACTIVE,2015-01-01" for k, i in enumerate(ids)]
            status, body = server.post("/imports/staff.csv?acceptOverEstablishment=true", "\n".join(rows).encode(), sunan)
            answers.append(json.loads(body) if status == 200 else {"status": status})
        named = [[e.get("line") for e in a.get("errors", [])] for a in answers]
        print(f"oracle: real ID on line {6 + 2} then {13 + 2}; lines named: {named[0]} then {named[1]}; "
              f"answers {'differ' if answers[0] != answers[1] else 'are the same'}")
    finally:
        server.stop()


def bomb(api, cap_gb):
    server = Server(api, cap_gb)
    try:
        sheet = ('<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                 '<dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'
                 '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>y</t></is></c></row></sheetData></worksheet>')
        body = workbook(sheet)
        token = server.token("620700")
        peak = [server.peak_mb() or 0]
        done = []

        def sample():  # the peak as the process goes, in case it does not survive the request
            while not done:
                peak[0] = max(peak[0], server.peak_mb() or 0)
                time.sleep(0.02)

        sampler = concurrent.futures.ThreadPoolExecutor(max_workers=1).submit(sample)
        started = time.time()
        try:
            status, answer = server.post("/imports/staff.xlsx", body, token, timeout=120)
            said = f"HTTP {status}: {json.loads(answer).get('errors', [{}])[0].get('reason', '')}"
        except (OSError, urllib.error.URLError) as e:
            said = f"no answer ({e.__class__.__name__})"
        took = time.time() - started
        time.sleep(1)
        done.append(True)
        sampler.result()
        alive = server.process.poll() is None
        print(f"bomb: {len(body)} bytes; {said}; {took:.1f} s; peak {peak[0]:.0f} MB; "
              f"server {'alive' if alive else 'dead (exit %s)' % server.process.returncode}")
    finally:
        server.stop()


def burst(api):
    server = Server(api, None)
    try:
        server.run("user", "add", "--username", "zhang.office", "--role", "STAFFING_OFFICE", "--jurisdiction",
                   "620700", stdin=b"correct horse battery\n")

        def guess(password):
            body = json.dumps({"username": "zhang.office", "password": password}).encode()
            return server.post("/auth/login", body, content_type="application/json")[0]

        with concurrent.futures.ThreadPoolExecutor(max_workers=100) as pool:
            statuses = list(pool.map(guess, ["wrong"] * 100))
        right = guess("correct horse battery")
        import sqlite3
        with sqlite3.connect(f"file:{server.tmp}/db.sqlite?mode=ro", uri=True) as db:
            audited = db.execute("SELECT COUNT(*) FROM audit_log WHERE action = 'auth.login.refused'").fetchone()[0]
        print(f"burst: of 100 guesses at once {statuses.count(401)} judged (401), {statuses.count(429)} refused "
              f"unjudged (429); then the right password: HTTP {right}; refusals audited: {audited} row(s)")
    finally:
        server.stop()


def main():
    api = os.path.abspath(sys.argv[1])
    cap = float(sys.argv[sys.argv.index("--memory-cap-gb") + 1]) if "--memory-cap-gb" in sys.argv else 4.0
    oracle(api)
    bomb(api, cap)
    burst(api)


if __name__ == "__main__":
    main()

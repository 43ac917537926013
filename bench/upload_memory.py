#!/usr/bin/env python3
"""Memory an upload takes: the server's peak resident memory over its idle size, per file.

    bench/upload_memory.py path/to/api

For each of the worst files a staffing office may send (each refused or accepted), starts
`api serve --demo` on a fresh SQLite database, waits until it is idle, uploads the file, and
prints the process's peak resident set (VmHWM) and its resident set once the upload is answered
(VmRSS), both in MB, and the difference of the peak from the idle size: each row is that file's
own, on a server that saw no other upload. The files are
made here: nothing is read from outside. Linux only (reads /proc).
"""

import datetime
import io
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile

ROWS = 100_000  # the upload's row limit (ReadLimits::UPLOAD)
HEADER = "national_id,name,institution_credit_code,category,basis,status,hire_date"
CHECK = "10X98765432"
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def with_check(body):
    """A 17-digit ID body with its check character (ISO 7064 MOD 11-2)."""
    return body + CHECK[sum(int(c) * w for c, w in zip(body, WEIGHTS)) % 11]


def national_id(n):
    """A distinct ID for each n below 100,000: a birth day per thousand, a sequence within it."""
    born = datetime.date(1985, 1, 1) + datetime.timedelta(days=(n // 1000) * 37)
    return with_check(f"620700{born:%Y%m%d}{n % 1000:03d}")


def status(pid):
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                fields[key] = int(value.split()[0]) / 1024
    return fields


def workbook(sheet, shared=None):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        if shared is not None:
            z.writestr("xl/sharedStrings.xml", shared)
    return out.getvalue()


def sheet_of(rows):
    cells = "".join(
        f'<row r="{r + 1}">' + "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in row) + "</row>"
        for r, row in enumerate(rows))
    return f'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{cells}</sheetData></worksheet>'


def files(credit_code):
    temporary = [HEADER] + [f"{national_id(n)},编外{n},{credit_code},LOGISTICS_SERVICE,TEMPORARY,ACTIVE,2020-01-01"
                            for n in range(ROWS)]
    yield "csv, 100,000 rows, accepted and written", "staff.csv", "\n".join(temporary).encode()
    bad = [HEADER] + ["x,某某,y,z,FISCAL,ACTIVE,2015-01-01"] * ROWS
    yield "csv, 100,000 bad rows (300,000 reasons)", "staff.csv", "\n".join(bad).encode()
    line = f"\n{national_id(1)},某某,{credit_code},MANAGEMENT,FISCAL,ACTIVE,2015-01-01".encode()
    big = HEADER.encode() + line * ((20 * 1024 * 1024 - 2048) // len(line))
    yield f"csv, 20 MiB ({(len(big) - len(HEADER)) // len(line):,} rows)", "staff.csv", big
    # Every column a staff file is read with: its own (required and optional) and eight more.
    every = HEADER.split(",") + ["institution_name", "title_level", "seconded_to", "seconded_since",
                                 "secondment_document_no", "paid_by_budget", "education", "degree", "ethnicity",
                                 "political_status", "post_grade", "duty", "work_started_on",
                                 "entered_establishment_on", "recruitment", "departure_reason", "seconded_until"]
    every += [f"extra{n}" for n in range(8)]
    full = [",".join(every)] + [f"{national_id(n)},编外{n},{credit_code},LOGISTICS_SERVICE,TEMPORARY,ACTIVE,2020-01-01,"
                                + ",".join(["1"] * (len(every) - 7)) for n in range(ROWS)]
    yield f"csv, 100,000 rows of all {len(every)} columns read", "staff.csv", "\n".join(full).encode()
    wide = HEADER + "\n" + ("a" * 16000 + ",") * 14 + "\n"
    yield "csv, cells of 16,000 bytes", "staff.csv", (wide * 80).encode()
    rows = [HEADER.split(",")] + [[national_id(n), f"编外{n}", credit_code, "LOGISTICS_SERVICE", "TEMPORARY", "ACTIVE",
                                   "2020-01-01"] for n in range(ROWS)]
    yield "xlsx, 100,000 rows, accepted and written", "staff.xlsx", workbook(sheet_of(rows))
    far = sheet_of([]).replace("<sheetData></sheetData>",
                               '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'
                               '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>y</t></is></c></row></sheetData>')
    yield "xlsx, two cells far apart (dimension bomb)", "staff.xlsx", workbook(far)
    padded = '<?xml version="1.0"?><worksheet>' + " " * (200 * 1024 * 1024) + "</worksheet>"
    yield "xlsx, a part unpacking to 200 MiB (zip bomb)", "staff.xlsx", workbook(padded)
    announced = '<?xml version="1.0"?><sst uniqueCount="4000000000"><si><t>x</t></si></sst>'
    yield "xlsx, shared strings announcing 4 billion", "staff.xlsx", workbook(sheet_of([]), announced)
    strings = '<?xml version="1.0"?><sst uniqueCount="900000">' + "".join(
        f"<si><t>{n}</t></si>" for n in range(900_000)) + "</sst>"
    yield "xlsx, 900,000 shared strings", "staff.xlsx", workbook(sheet_of([]), strings)


def start(api):
    tmp = tempfile.mkdtemp(prefix="upload-memory.")
    port = socket.socket()
    port.bind(("127.0.0.1", 0))
    address = port.getsockname()
    port.close()
    env = dict(os.environ, DATA_DIR=f"{tmp}/data", DATABASE_URL=f"sqlite://{tmp}/db.sqlite?mode=rwc",
               BIND=f"{address[0]}:{address[1]}", JWT_SECRET=secrets.token_urlsafe(36),
               PII_KEY=secrets.token_urlsafe(36), RATE_LIMIT_TOKEN="0", RUST_LOG="warn")
    os.makedirs(env["DATA_DIR"])
    server = subprocess.Popen([api, "serve", "--demo"], cwd=tmp, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    base = f"http://{env['BIND']}"
    for _ in range(240):
        try:
            if urllib.request.urlopen(f"{base}/readyz", timeout=2).status == 200:
                break
        except OSError:
            time.sleep(0.5)
    token = subprocess.run([api, "token", "--role", "STAFFING_OFFICE", "--jurisdiction", "620700"], cwd=tmp,
                           env=env, capture_output=True, check=True).stdout.decode().strip()
    return server, base, token


def main():
    api = os.path.abspath(sys.argv[1])
    server, base, token = start(api)
    query = json.dumps({"query": '{ institutions(jurisdiction: "620700", first: 1) { edges { node { creditCode } } } }'})
    request = urllib.request.Request(f"{base}/graphql", data=query.encode(),
                                     headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    code = json.load(urllib.request.urlopen(request))["data"]["institutions"]["edges"][0]["node"]["creditCode"]
    server.terminate()
    server.wait(timeout=30)
    print("| file | bytes | answer | seconds | idle MB | peak MB | peak over idle MB | resident after MB |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, path, body in files(code):
        server, base, token = start(api)
        try:
            time.sleep(2)
            idle = status(server.pid)
            with open(f"/proc/{server.pid}/clear_refs", "w") as f:
                f.write("5")  # the peak starts again from the resident set now
            url = f"{base}/imports/{path}?acceptOverEstablishment=true"
            request = urllib.request.Request(url, data=body, headers={"Authorization": f"Bearer {token}"})
            started = time.time()
            try:
                answer = json.load(urllib.request.urlopen(request, timeout=600))
                first = answer["errors"][0]["reason"][:40] if answer["errors"] else ""
                said = f"written {answer['written']}" if answer["written"] else \
                    f"refused, {answer['errorCount']} error(s): {first}"
            except urllib.error.HTTPError as e:
                said = f"HTTP {e.code}"
            took = time.time() - started
            now = status(server.pid)
            print(f"| {name} | {len(body):,} | {said} | {took:.1f} | {idle['VmRSS']:.0f} | {now['VmHWM']:.0f} | "
                  f"{now['VmHWM'] - idle['VmRSS']:.0f} | {now['VmRSS']:.0f} |", flush=True)
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()

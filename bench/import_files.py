"""Writes the files for the import benchmark: 1,000 new institutions in a city (by default the
synthetic 990100, which has no control ceiling to stop 120,000 new slots) with 120 fiscal slots
each, and N people spread over them, every national ID valid and new.

usage: python3 bench/import_files.py OUT_DIR N [CITY_CODE]
"""
import csv
import datetime
import os
import sys

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECKS = "10X98765432"
# The characters of the unified social credit code, without I, O, S, V, Z.
CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def national_id(n):
    born = datetime.date(1985, 1, 1) + datetime.timedelta(days=n // 900)
    body = f"659001{born:%Y%m%d}{n % 900 + 100:03d}"
    return body + CHECKS[sum(int(c) * w for c, w in zip(body, WEIGHTS)) % 11]


CITY = sys.argv[3] if len(sys.argv) > 3 else "990100"


def credit_code(n):
    body = f"12{CITY}MB{n:07d}"
    total = sum(CODE_CHARS.index(c) * w for c, w in zip(body, CODE_WEIGHTS))
    return body + CODE_CHARS[(31 - total % 31) % 31]


def main():
    out, people = sys.argv[1], int(sys.argv[2])
    units = 1000
    with open(os.path.join(out, "import-institutions.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["credit_code", "name", "jurisdiction", "department", "sector", "level", "funding_form",
                    "management_mode", "classification", "legal_person", "established_on", "approved_fiscal",
                    "approved_self_financed"])
        for u in range(units):
            w.writerow([credit_code(u), f"导入测试站{u:04d}", CITY, "导入测试局", "OTHER", "SECTION",
                        "FULL_APPROPRIATION", "REGULAR", "PUBLIC_WELFARE_I", "true", "2000-01-01",
                        -(-people // units) + 20, 0])
    with open(os.path.join(out, "import-staff.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["national_id", "name", "institution_credit_code", "category", "basis", "status", "hire_date"])
        for n in range(people):
            w.writerow([national_id(n), f"导入{n}", credit_code(n % units), "PROFESSIONAL_TECHNICAL", "FISCAL",
                        "ACTIVE", "2015-07-01"])


main()

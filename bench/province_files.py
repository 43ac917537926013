"""Writes a whole province's inventory for the onboarding benchmark: the departments, the
institutions and the staff list of every county and district of Gansu (62, from the national
division table the binary carries), made up in the shape an old real-name system exports:
UNITS institutions spread over the counties with their decisions and three determinations,
and PEOPLE people spread over the units, every credit code and national ID valid and new.

usage: python3 bench/province_files.py OUT_DIR [UNITS [PEOPLE]]   (default 30000 600000)
Prints the county codes, one per line, for `api init --jurisdiction`.
"""
import csv
import datetime
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
AREAS = os.path.join(HERE, "..", "api", "src", "jurisdiction", "data", "areas.csv")
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECKS = "10X98765432"
CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
DEPARTMENTS = [("卫生健康局", "政府"), ("教育局", "政府"), ("农业农村局", "政府"), ("水务局", "政府"),
               ("自然资源局", "政府"), ("文化和旅游局", "政府"), ("民政局", "政府"), ("委宣传部", "党委")]
SECTORS = ["HEALTH", "EDUCATION", "AGRICULTURE_FORESTRY_WATER_LIVESTOCK", "AGRICULTURE_FORESTRY_WATER_LIVESTOCK",
           "OTHER", "CULTURE_TOURISM_SPORTS", "CIVIL_AFFAIRS_SOCIAL_WELFARE", "DIRECT_PARTY"]


def credit_code(prefix, county, n):
    body = f"{prefix}{county}{n:09d}"
    total = sum(CODE_CHARS.index(c) * w for c, w in zip(body, CODE_WEIGHTS))
    return body + CODE_CHARS[(31 - total % 31) % 31]


def national_id(county, n):
    born = datetime.date(1980, 1, 1) + datetime.timedelta(days=(n // 900) % 12000)
    body = f"{county}{born:%Y%m%d}{n % 900 + 100:03d}"
    return body + CHECKS[sum(int(c) * w for c, w in zip(body, WEIGHTS)) % 11]


def main():
    out = sys.argv[1]
    units = int(sys.argv[2]) if len(sys.argv) > 2 else 30_000
    people = int(sys.argv[3]) if len(sys.argv) > 3 else 600_000
    with open(AREAS, encoding="utf-8") as f:
        counties = [(row["code"], row["name"]) for row in csv.DictReader(f) if row["provinceCode"] == "62"]
    with open(os.path.join(out, "departments.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["部门名称", "行政区划代码", "部门类别"])
        for code, name in counties:
            for department, kind in DEPARTMENTS:
                w.writerow([f"{name}{department}", code, kind])
    per_unit = -(-people // units)
    unit_codes = []
    with open(os.path.join(out, "institutions.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["统一社会信用代码", "单位名称", "行政区划代码", "主管部门", "行业", "机构规格", "经费形式", "管理方式",
                    "分类", "是否法人", "成立日期", "财政拨款编制", "自收自支编制", "批准文号", "批准日期", "主要职责",
                    "内设机构", "领导职数"])
        for u in range(units):
            code, name = counties[u % len(counties)]
            k = u // len(counties)
            department, _ = DEPARTMENTS[k % len(DEPARTMENTS)]
            credit = credit_code("12", code, u)
            unit_codes.append((credit, code))
            w.writerow([credit, f"{name}第{k + 1}中心", code, f"{name}{department}", SECTORS[k % len(SECTORS)],
                        "SECTION", "全额拨款", "非参公", "公益一类", "是", "1995-06-01", per_unit + 2, 1,
                        f"{name[:2]}编发〔1995〕{k + 1}号", "1995-05-20", "承担公益服务", "办公室；业务科", "主任1；副主任2"])
    with open(os.path.join(out, "staff.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["身份证号", "姓名", "单位统一社会信用代码", "岗位类别", "用编类型", "人员状态", "进人日期"])
        for n in range(people):
            credit, county = unit_codes[n % units]
            w.writerow([national_id(county, n), f"人员{n}", credit, "专业技术", "财政拨款", "在职", "2012-09-01"])
    for code, _ in counties:
        print(code)


main()

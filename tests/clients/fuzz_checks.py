"""Schemathesis hooks for tests/clients/fuzz.sh: the custom check `server_fault`, and a strategy for
the custom scalar `NaiveDate`.

Schemathesis's own checks are switched off (every domain error - FORBIDDEN, BAD_USER_INPUT, ... -
would count as a failure). This check fails a case only when the server itself is at fault:

  * the HTTP status is 5xx (a 503 `UNAVAILABLE` included: the database is a local file here),
  * any `errors[].extensions.code` is `INTERNAL`,
  * the response took more than FUZZ_MAX_SECONDS (default 5) seconds.

Every failing case is also appended, as one JSON line, to the file named by FUZZ_FAILURES (when set);
`python fuzz_checks.py summarize FILE` prints them grouped, with the shortest query of each group.
"""

from __future__ import annotations

import json
import os
import sys
import threading

MAX_SECONDS = float(os.environ.get("FUZZ_MAX_SECONDS", "5"))
_LOCK = threading.Lock()


def _request_payload(response) -> str:
    body = getattr(response.request, "body", None)
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    return body or ""


def _record(kind: str, reason: str, case, response) -> None:
    path = os.environ.get("FUZZ_FAILURES")
    if not path:
        return
    payload = _request_payload(response)
    try:
        query = json.loads(payload).get("query", payload)
    except (ValueError, AttributeError):
        query = payload
    entry = {
        "run": os.environ.get("FUZZ_RUN", ""),
        "operation": getattr(case.operation, "label", "?"),
        "kind": kind,
        "reason": reason,
        "status": response.status_code,
        "elapsed": round(response.elapsed, 3),
        "query": query,
        "answer": response.content.decode("utf-8", "replace")[:2000],
    }
    with _LOCK, open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(entry, ensure_ascii=False) + "\n")


def _internal_errors(response) -> list:
    try:
        body = json.loads(response.content)
    except ValueError:
        return []
    if not isinstance(body, dict) or not isinstance(body.get("errors"), list):
        return []
    found = []
    for error in body["errors"]:
        extensions = error.get("extensions") if isinstance(error, dict) else None
        if isinstance(extensions, dict) and extensions.get("code") == "INTERNAL":
            found.append(error)
    return found


def server_fault(ctx, response, case):
    """5xx, an INTERNAL error code, or a slow answer."""
    problems = []
    if response.status_code >= 500:
        problems.append(("5xx", f"HTTP {response.status_code}"))
    internal = _internal_errors(response)
    if internal:
        messages = "; ".join(str(e.get("message", ""))[:200] for e in internal)
        problems.append(("INTERNAL", f"INTERNAL: {messages}"))
    if response.elapsed > MAX_SECONDS:
        problems.append(("slow", f"took {response.elapsed:.2f} s > {MAX_SECONDS:g} s"))
    if not problems:
        return None
    for kind, reason in problems:
        _record(kind, reason, case, response)
    answer = response.content.decode("utf-8", "replace")
    raise AssertionError(
        "; ".join(reason for _, reason in problems)
        + f"\nquery: {_request_payload(response)[:1500]}\nanswer: {answer[:1500]}"
    )


def summarize(path: str) -> int:
    """Print the recorded failures grouped by run, operation and reason; return the group count."""
    groups: dict[tuple, list] = {}
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    e = json.loads(line)
                    reason = e["kind"] if e["kind"] == "slow" else e["reason"]  # times differ
                    groups.setdefault((e["run"], e["operation"], e["kind"], reason), []).append(e)
    except FileNotFoundError:
        pass
    for (run, operation, kind, reason), entries in sorted(groups.items()):
        shortest = min(entries, key=lambda e: len(e["query"]))
        slowest = max(e["elapsed"] for e in entries)
        print(f"--- [{run}] {operation}: {reason}  ({len(entries)} case(s), HTTP {shortest['status']}, up to {slowest} s)")
        print(f"query:  {shortest['query']}")
        print(f"answer: {shortest['answer'][:1000]}")
    return len(groups)


try:
    import schemathesis
except ImportError:  # summarize() is also run by plain Python
    pass
else:
    from datetime import date

    from hypothesis import strategies as st

    schemathesis.check(server_fault)
    # `NaiveDate` is async-graphql's "YYYY-MM-DD"; mostly valid dates, near the present and far from it,
    # sometimes junk, so both the domain rules and the parser are exercised.
    schemathesis.graphql.scalar(
        "NaiveDate",
        st.one_of(
            st.dates(min_value=date(1990, 1, 1), max_value=date(2035, 12, 31)).map(str),
            st.dates().map(str),
            st.text(max_size=12),
        ).map(schemathesis.graphql.nodes.String),
    )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "summarize":
        sys.exit(1 if summarize(sys.argv[2]) else 0)
    print("usage: fuzz_checks.py summarize FAILURES.jsonl", file=sys.stderr)
    sys.exit(2)

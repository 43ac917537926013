"""The server as a browser test prepares it: tokens minted by the binary, GraphQL asked directly,
axe-core run on a page."""

import json
import os
import pathlib
import subprocess
import urllib.request

AXE = (pathlib.Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js").read_text()


def token(api, *args):
    """A token `api token ARGS` signs with the server's own secret (its environment inherited)."""
    return subprocess.run([api, "token", *args], capture_output=True, check=True, env=os.environ).stdout.decode().strip()


def ask(graphql, bearer, query, variables=None, who="test"):
    """The data of a GraphQL request; any error stops the test, named by `who`."""
    request = urllib.request.Request(
        graphql, data=json.dumps({"query": query, "variables": variables or {}}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {bearer}"},
    )
    with urllib.request.urlopen(request) as response:
        body = json.load(response)
    if "errors" in body:
        raise SystemExit(f"{who}: {query}: {body['errors']}")
    return body["data"]


def axe_violations(browser):
    """axe-core's WCAG 2 A/AA rules on the page as it is now: each violation's id and first nodes."""
    browser.execute_script(AXE)
    return browser.execute_async_script(
        """const done = arguments[arguments.length - 1];
        axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } })
          .then((r) => done(r.violations.map((v) => ({ id: v.id, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }))))
          .catch((e) => done([{ id: "axe failed", nodes: [String(e)] }]));""")

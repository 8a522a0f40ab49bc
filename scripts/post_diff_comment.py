"""Post `make diff`'s report on a pull request (GitHub) or merge request (GitLab) as ONE comment that each push
updates: the comment starts with a hidden marker (<!-- alms-diff -->), and a run finds the comment holding it and
edits it, or creates it the first time.

A report longer than a comment can hold (GitHub: 65,536 characters) is cut at a line, with a note saying where the
full report is (the CI run's artifact, --details-url). When `make diff` failed (no report, --failed-log given), the
comment says so with the log's last line, so the pull request does not keep a report of an older push.

Standard library only (urllib): nothing to install on the CI runner beyond the project's Python.

Usage: python scripts/post_diff_comment.py --report diff/report.md --repository OWNER/NAME --pull-request N
           [--failed-log diff/errors.txt] [--details-url URL] [--forge github|gitlab] [--api-url URL]
Token: GITHUB_TOKEN (GitHub: the workflow's token, with pull-requests: write), GITLAB_TOKEN (GitLab: a project
access token with the api scope; CI_JOB_TOKEN cannot write notes).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

MARKER = "<!-- alms-diff -->"
# GitHub refuses a comment body over 65,536 characters; counted here in UTF-16 code units, which is never fewer
# than GitHub's count, so a body under it is never refused. GitLab's notes hold 1,000,000.
LIMITS = {"github": 65_536, "gitlab": 1_000_000}
API_URLS = {"github": "https://api.github.com", "gitlab": "https://gitlab.com/api/v4"}
TOKENS = {"github": "GITHUB_TOKEN", "gitlab": "GITLAB_TOKEN"}
TIMEOUT_SECONDS = 30
PAGES_AT_MOST = 50  # 5,000 comments: a bound, not a limit anyone reaches


class PostFailed(Exception):
    """The comment could not be posted: one line for the CI log."""


def length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def cut_note(total: int, limit: int, details_url: str | None) -> str:
    where = (
        f"the full report is the artifact `alms-diff` of [this run]({details_url})"
        if details_url
        else ("the full report is the artifact `alms-diff` of the CI run")
    )
    return f"\n\n---\n\n⚠️ **Cut here**: the report is {total:,} characters and a comment holds {limit:,}; {where}.\n"


def closed(text: str) -> str:
    """The text with any <details> block or code fence it leaves open closed, so the note after it shows."""
    fences = sum(1 for line in text.splitlines() if line.startswith("```"))
    tail = "\n```" if fences % 2 else ""
    opened = len(re.findall(r"<details>", text)) - len(re.findall(r"</details>", text))
    return text + tail + "\n\n</details>" * max(opened, 0)


def comment_body(report: str, limit: int, details_url: str | None = None) -> str:
    """The marker, then the report; cut at a line, with a note, when the whole would be over `limit`."""
    body = f"{MARKER}\n{report}"
    if length(body) <= limit:
        return body
    note = cut_note(length(report), limit, details_url)
    kept: list[str] = []
    size = length(MARKER) + 1 + length(note) + 200  # room for the tags closed()
    for line in report.splitlines(keepends=True):
        if size + length(line) > limit:
            break
        kept.append(line)
        size += length(line)
    return f"{MARKER}\n{closed(''.join(kept).rstrip())}{note}"


def failure_body(log: str) -> str:
    lines = [line for line in log.splitlines() if line.strip() and not line.startswith("make")]
    reason = lines[-1] if lines else "no output"
    return f"{MARKER}\n⚠️ **`make diff` failed**, so there is no report for this push:\n\n> {reason}\n"


# The forges' comment APIs ---------------------------------------------------------------------------------------


@dataclass
class Forge:
    kind: str  # github or gitlab
    api_url: str
    repository: str
    number: int
    token: str

    @property
    def comments_path(self) -> str:
        if self.kind == "gitlab":
            project = urllib.parse.quote(self.repository, safe="")
            return f"/projects/{project}/merge_requests/{self.number}/notes"
        return f"/repos/{self.repository}/issues/{self.number}/comments"

    def comment_path(self, comment_id: int) -> str:
        if self.kind == "gitlab":
            return f"{self.comments_path}/{comment_id}"
        return f"/repos/{self.repository}/issues/comments/{comment_id}"

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[object, dict[str, str]]:
        url = path if path.startswith("http") else self.api_url.rstrip("/") + path
        headers = {"Accept": "application/json", "User-Agent": "alms-standings-make-diff"}
        if self.kind == "gitlab":
            headers["PRIVATE-TOKEN"] = self.token
        else:
            headers |= {"Authorization": f"Bearer {self.token}", "X-GitHub-Api-Version": "2022-11-28"}
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                return json.loads(response.read() or b"null"), dict(response.headers)
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", "replace")[:300].replace("\n", " ")
            raise PostFailed(f"{self.kind} answered {error.code} {error.reason} to {method} {url}: {detail}") from None
        except (urllib.error.URLError, TimeoutError) as error:
            reason = getattr(error, "reason", error)
            raise PostFailed(f"Cannot reach {self.api_url} ({reason}) to {method} {path}") from None

    def comments(self) -> list[dict]:
        """Every comment of the pull request, page after page."""
        found: list[dict] = []
        path: str | None = f"{self.comments_path}?per_page=100&page=1"
        for _ in range(PAGES_AT_MOST):
            if path is None:
                break
            page, headers = self.request("GET", path)
            found += page if isinstance(page, list) else []
            path = next_page(headers, path)
        return found


def next_page(headers: dict[str, str], path: str) -> str | None:
    """GitHub's Link header (rel="next"), or GitLab's X-Next-Page."""
    link = next((value for key, value in headers.items() if key.lower() == "link"), "")
    found = re.search(r'<([^>]+)>;\s*rel="next"', link)
    if found:
        return found.group(1)
    following = next((value for key, value in headers.items() if key.lower() == "x-next-page"), "")
    if following.strip():
        return re.sub(r"page=\d+", f"page={following.strip()}", path)
    return None


def post(forge: Forge, body: str) -> str:
    """Edit the comment that holds the marker, or create it; one line saying which."""
    existing = next((comment for comment in forge.comments() if str(comment.get("body", "")).startswith(MARKER)), None)
    if existing is None:
        created, _ = forge.request("POST", forge.comments_path, {"body": body})
        return f"Created the make diff comment: {link_of(created)}"
    updated, _ = forge.request(
        "PUT" if forge.kind == "gitlab" else "PATCH", forge.comment_path(existing["id"]), {"body": body}
    )
    return f"Updated the make diff comment: {link_of(updated)}"


def link_of(comment: object) -> str:
    if isinstance(comment, dict):
        return str(comment.get("html_url") or comment.get("id", "?"))
    return "?"


# Entry point ----------------------------------------------------------------------------------------------------


def parser() -> argparse.ArgumentParser:
    parsed = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parsed.add_argument("--report", type=Path, required=True, help="the Markdown report make diff wrote (OUTPUT)")
    parsed.add_argument("--failed-log", type=Path, help="make diff's error output, posted when there is no report")
    parsed.add_argument("--repository", required=True, help="OWNER/NAME (GitHub) or the project's path (GitLab)")
    parsed.add_argument("--pull-request", type=int, required=True, help="the pull (merge) request's number")
    parsed.add_argument("--details-url", help="where the full report is (the CI run holding the artifact)")
    parsed.add_argument("--forge", choices=sorted(LIMITS), default="github")
    parsed.add_argument("--api-url", help="the forge's REST API (default: github.com's or gitlab.com's)")
    return parsed


def main(argv: list[str]) -> int:
    arguments = parser().parse_args(argv)
    token = os.environ.get(TOKENS[arguments.forge], "")
    if not token:
        print(f"{TOKENS[arguments.forge]} is not set: nothing was posted.", file=sys.stderr)
        return 2
    if arguments.report.is_file():
        body = comment_body(
            arguments.report.read_text(encoding="utf-8"), LIMITS[arguments.forge], arguments.details_url
        )
    elif arguments.failed_log and arguments.failed_log.is_file():
        body = failure_body(arguments.failed_log.read_text(encoding="utf-8", errors="replace"))
    else:
        print(f"No report at {arguments.report} and no --failed-log: nothing was posted.", file=sys.stderr)
        return 2
    forge = Forge(
        arguments.forge,
        arguments.api_url or API_URLS[arguments.forge],
        arguments.repository,
        arguments.pull_request,
        token,
    )
    try:
        print(post(forge, body))
    except PostFailed as failed:
        print(f"Nothing was posted: {failed}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

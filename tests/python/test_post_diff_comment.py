"""scripts/post_diff_comment.py, the step of .github/workflows/make-diff.yml that posts `make diff`'s report: one
comment per pull request, found again by its hidden marker and edited on each push, cut with a note when over the
limit. Offline: a fake GitHub (and GitLab) comments API on 127.0.0.1 stands in for the forge."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import post_diff_comment as post
import pytest
import yaml
from conftest import DEADLINE_S, PROJECT_DIR

WORKFLOW = PROJECT_DIR / ".github" / "workflows" / "make-diff.yml"
PAGE_SIZE = 2  # the fake API's page, small so that pagination is exercised


class FakeForge(ThreadingHTTPServer):
    """Issue comments as GitHub's REST API keeps them (and a GitLab merge request's notes): list (paged), create,
    edit. Records every request."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.comments: list[dict] = []
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.next_id = 100

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class Handler(BaseHTTPRequestHandler):
    server: FakeForge

    def log_message(self, *arguments: object) -> None:  # quiet
        pass

    def reply(self, status: int, payload: object, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def record(self) -> dict | None:
        self.server.requests.append((self.command, self.path, {k.lower(): v for k, v in self.headers.items()}))
        size = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(size)) if size else None

    def authorised(self) -> bool:
        if self.headers.get("Authorization") == "Bearer t0ken" or self.headers.get("PRIVATE-TOKEN") == "t0ken":
            return True
        self.reply(401, {"message": "Bad credentials"})
        return False

    def do_GET(self) -> None:
        self.record()
        if not self.authorised():
            return
        parsed = urllib.parse.urlsplit(self.path)
        page = int(urllib.parse.parse_qs(parsed.query).get("page", ["1"])[0])
        shown = self.server.comments[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        headers = {}
        if page * PAGE_SIZE < len(self.server.comments):
            if "merge_requests" in parsed.path:
                headers["X-Next-Page"] = str(page + 1)
            else:
                headers["Link"] = f'<{self.server.url}{parsed.path}?per_page=100&page={page + 1}>; rel="next"'
        self.reply(200, shown, headers)

    def do_POST(self) -> None:
        body = self.record()
        if not self.authorised():
            return
        assert body is not None
        self.server.next_id += 1
        comment = {
            "id": self.server.next_id,
            "body": body["body"],
            "html_url": f"https://forge/c/{self.server.next_id}",
        }
        self.server.comments.append(comment)
        self.reply(201, comment)

    def do_PATCH(self) -> None:
        body = self.record()
        if not self.authorised():
            return
        assert body is not None
        comment_id = int(self.path.rsplit("/", 1)[1])
        comment = next(comment for comment in self.server.comments if comment["id"] == comment_id)
        comment["body"] = body["body"]
        self.reply(200, comment)

    do_PUT = do_PATCH


@pytest.fixture()
def forge() -> Iterator[FakeForge]:
    server = FakeForge()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def run(forge: FakeForge, report: Path, *extra: str, token: str = "t0ken") -> subprocess.CompletedProcess[str]:
    """The script as the workflow runs it."""
    command = [
        sys.executable,
        str(PROJECT_DIR / "scripts" / "post_diff_comment.py"),
        "--report",
        str(report),
        "--repository",
        "owner/alms-standings",
        "--pull-request",
        "7",
        "--api-url",
        forge.url,
        *extra,
    ]
    env = {"PATH": "/usr/bin:/bin", "GITHUB_TOKEN": token, "GITLAB_TOKEN": token}
    return subprocess.run(command, env=env, capture_output=True, text=True, check=False, timeout=DEADLINE_S)


def test_the_first_push_creates_the_comment_and_the_next_ones_edit_it(forge: FakeForge, tmp_path: Path) -> None:
    forge.comments += [
        {"id": 1, "body": "Looks good to me"},
        {"id": 2, "body": "Quoting the bot:\n> <!-- alms-diff -->"},  # holds the marker, but not first: not ours
        {"id": 3, "body": "Another reviewer"},
    ]
    report = tmp_path / "report.md"
    report.write_text("**2002 LMP675 champion: KnightHawk Racing → Intersport Racing**\n", encoding="utf-8")

    created = run(forge, report)
    assert created.returncode == 0, created.stderr
    assert created.stdout == "Created the make diff comment: https://forge/c/101\n"
    ours = forge.comments[-1]
    assert ours["body"] == f"{post.MARKER}\n**2002 LMP675 champion: KnightHawk Racing → Intersport Racing**\n"

    report.write_text("No mart data changed.\n", encoding="utf-8")
    updated = run(forge, report)
    assert updated.stdout == "Updated the make diff comment: https://forge/c/101\n", updated.stderr
    assert [comment["id"] for comment in forge.comments] == [1, 2, 3, 101]  # one comment, edited: no duplicate
    assert ours["body"] == f"{post.MARKER}\nNo mart data changed.\n"
    # found on the second page of comments; the token sent as GitHub asks
    assert ("PATCH", "/repos/owner/alms-standings/issues/comments/101") in [(m, p) for m, p, _ in forge.requests]
    assert any("page=2" in path for _, path, _ in forge.requests)
    assert all(headers.get("authorization") == "Bearer t0ken" for _, _, headers in forge.requests)


def test_a_report_over_the_limit_is_cut_at_a_line_with_a_note_and_its_tags_closed() -> None:
    rows = "".join(f"| 2002 | LMP675 | Team {number} | 1 → 2 |\n" for number in range(3000))
    report = f"**Summary**\n\n<details><summary>fct_team_standings: 3000 changed</summary>\n\n{rows}\n</details>\n"
    assert post.length(report) > post.LIMITS["github"]

    body = post.comment_body(report, post.LIMITS["github"], "https://github.com/o/r/actions/runs/9")

    assert post.length(body) <= post.LIMITS["github"]
    assert body.startswith(f"{post.MARKER}\n**Summary**\n")
    kept = body.split("\n</details>")[0].splitlines()
    assert kept[-1].startswith("| 2002 | LMP675 | Team ") and kept[-1].endswith(" |")  # a whole line
    assert body.count("<details>") == body.count("</details>") == 1
    assert body.rstrip().endswith(
        f"⚠️ **Cut here**: the report is {post.length(report):,} characters and a comment holds 65,536; the full "
        "report is the artifact `alms-diff` of [this run](https://github.com/o/r/actions/runs/9)."
    )
    short = "**Summary**\n"
    assert post.comment_body(short, post.LIMITS["github"]) == f"{post.MARKER}\n{short}"


def test_a_failed_diff_replaces_the_report_with_its_reason(forge: FakeForge, tmp_path: Path) -> None:
    log = tmp_path / "errors.txt"
    log.write_text(
        "Building base 1a2b3c4d (main) and the working tree (seeds and models)...\n"
        "The head build (the working tree) failed: model dim_classes: Binder Error: no_such_column\n"
        "make: *** [Makefile:41: diff] Error 1\n"
    )
    completed = run(forge, tmp_path / "missing.md", "--failed-log", str(log))
    assert completed.returncode == 0, completed.stderr
    assert forge.comments[-1]["body"] == (
        f"{post.MARKER}\n⚠️ **`make diff` failed**, so there is no report for this push:\n\n"
        "> The head build (the working tree) failed: model dim_classes: Binder Error: no_such_column\n"
    )


def test_gitlab_notes_are_found_and_edited_the_same_way(forge: FakeForge, tmp_path: Path) -> None:
    forge.comments += [
        {"id": 1, "body": "first"},
        {"id": 2, "body": "second"},
        {"id": 3, "body": post.MARKER + "\nold"},
    ]
    report = tmp_path / "report.md"
    report.write_text("new\n", encoding="utf-8")
    completed = run(forge, report, "--forge", "gitlab")
    assert completed.returncode == 0, completed.stderr
    assert forge.comments[-1]["body"] == f"{post.MARKER}\nnew\n" and len(forge.comments) == 3
    methods = [(method, path) for method, path, _ in forge.requests]
    assert ("PUT", "/projects/owner%2Falms-standings/merge_requests/7/notes/3") in methods
    assert all(headers.get("private-token") == "t0ken" for _, _, headers in forge.requests)


def test_a_refused_token_is_one_line_and_nothing_is_posted(forge: FakeForge, tmp_path: Path) -> None:
    report = tmp_path / "report.md"
    report.write_text("x\n", encoding="utf-8")
    completed = run(forge, report, token="wrong")
    assert completed.returncode == 1 and forge.comments == []
    assert re.fullmatch(
        r"Nothing was posted: github answered 401 Unauthorized to GET http://127\.0\.0\.1:\d+/repos/owner/"
        r"alms-standings/issues/7/comments\?per_page=100&page=1: \{\"message\": \"Bad credentials\"\}\n",
        completed.stderr,
    ), completed.stderr
    assert run(forge, report, token="").stderr == "GITHUB_TOKEN is not set: nothing was posted.\n"


def test_the_workflow_runs_make_diff_and_this_script_on_pull_requests() -> None:
    """The GitHub Actions workflow calls what these tests check (zizmor, in `make lint`, checks the rest)."""
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert list(workflow[True]) == ["pull_request"]  # YAML 1.1 reads the key `on` as True
    steps = workflow["jobs"]["diff"]["steps"]
    scripts = "\n".join(step.get("run", "") for step in steps)
    assert "make diff BASE=" in scripts and "scripts/post_diff_comment.py" in scripts
    assert workflow["jobs"]["diff"]["permissions"] == {"contents": "read", "pull-requests": "write"}
    # zizmor does not check where a context may be used: `runner` is not available in a job's env, only in steps
    assert "runner." not in json.dumps(workflow["jobs"]["diff"].get("env", {}))
    assert all("@" in step["uses"] and re.search(r"@[0-9a-f]{40}$", step["uses"]) for step in steps if "uses" in step)


def test_the_gitlab_steps_in_the_docs_call_make_diff_and_this_script_as_they_expect() -> None:
    text = (PROJECT_DIR / "docs" / "reviewing.md").read_text(encoding="utf-8")
    block = re.search(r"^```yaml\n(make-diff:.*?)^```", text, re.MULTILINE | re.DOTALL)
    assert block, "docs/reviewing.md has no GitLab job"
    script = yaml.safe_load(block.group(1))["make-diff"]["script"]
    diff = next(line for line in script if line.startswith("make diff "))
    posting = next(line for line in script if "scripts/post_diff_comment.py" in line)
    output = re.search(r"OUTPUT=(\S+)", diff)
    assert output and "BASE=" in diff
    words = shlex.split(re.sub(r"\$(\w+)", lambda found: "7" if found.group(1).endswith("IID") else "x", posting))
    parsed = post.parser().parse_args(words[2:])  # as the script reads them: every option known, types right
    assert (parsed.forge, str(parsed.report)) == ("gitlab", output.group(1))

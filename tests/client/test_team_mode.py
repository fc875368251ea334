"""`lockgate run --report-to`, the outbox and `lockgate sync` against a real `lockgate serve`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lockgate import client
from lockgate.cli.main import main
from lockgate.client.outbox import Outbox
from lockgate.client.payloads import run_record
from tests.client.conftest import TOKEN, Server, free_port, outbox, serving
from tests.testing.canaries import assert_no_canaries, plant_canaries


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any], str]:
    """`lockgate run --json ...` in process: exit code, the run's JSON, stderr."""
    code = main(["run", "--json", *argv])
    out, err = capsys.readouterr()
    return code, json.loads(out), err


def stored_runs(server: Server, project_name: str) -> list[str]:
    with server.store() as store:
        return [r.id for r in store.list_runs(project_name, limit=100)]


def name_of(project: Path) -> str:
    return (project / "lockgate.toml").read_text().split('"')[1]


def test_a_run_reaches_the_server_after_it_is_recorded_locally_without_secret_values(
    server: Server, project: Path, token: str, capsys: pytest.CaptureFixture[str]
) -> None:
    canaries = plant_canaries(project)
    code, result, err = run(capsys, "--only", "secrets", "--report-to", server.url, str(project))
    assert code == 1 == result["exit_code"]  # the canaries fail the gate: the code is the run's
    assert f"reported run {result['run_id']} to {server.url}" in err and "Traceback" not in err
    assert outbox(project) == []
    with server.store() as store:
        received = store.get_run(result["run_id"])
    assert received.project == name_of(project) and received.status.value == "failed"
    assert received.project_key  # the project's stable identity travels with the run
    findings = received.results[0].findings
    assert len(findings) == len(result["stages"][0]["findings"]) > 0
    assert_no_canaries([repr(received)], canaries)


def test_an_unreachable_server_keeps_the_run_and_sync_delivers_it_once(
    tmp_path: Path, project: Path, token: str, capsys: pytest.CaptureFixture[str]
) -> None:
    canaries = plant_canaries(project)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    code, result, err = run(capsys, "--only", "secrets", "--report-to", url, str(project))
    assert code == result["exit_code"] == 1  # unchanged by the failed delivery
    warning = [line for line in err.splitlines() if "not reported" in line]
    assert warning == [
        f"warning: run {result['run_id']} not reported: cannot reach {url} (connection refused); "
        "kept in .lockgate/outbox/ — send it later with `lockgate sync`"
    ]
    (kept,) = outbox(project)
    assert kept.stat().st_mode & 0o077 == 0  # readable by its owner only
    assert_no_canaries([kept], canaries)  # the payload carries redacted findings only

    with serving(tmp_path / "team", port) as server:
        assert main(["sync", str(project)]) == 0
        out = capsys.readouterr().out
        assert f"reported run {result['run_id']} to {url}" in out
        assert "sync: 1 sent, 0 already on the server, 0 kept, 0 set aside" in out
        assert outbox(project) == []
        assert main(["sync", str(project)]) == 0
        assert "nothing to send: the outbox is empty" in capsys.readouterr().out
        assert stored_runs(server, name_of(project)) == [result["run_id"]]


def test_resending_the_same_record_stores_it_once(
    server: Server, project: Path, token: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, result, _ = run(capsys, "--only", "secrets", str(project))  # no server: not reported
    assert code == 0 and outbox(project) == []
    from lockgate.store.repository import Store

    with Store.open(project) as local:
        record = run_record(local.get_run(result["run_id"]), server.url)
    first = client.report(project, record)
    second = client.report(project, record)
    assert (first.delivery, second.delivery) == (client.Delivery.SENT, client.Delivery.DUPLICATE)
    assert second.message == f"run {result['run_id']} was already on {server.url}"
    assert stored_runs(server, name_of(project)) == [result["run_id"]]
    assert outbox(project) == []


def test_a_wrong_token_is_a_clear_error_and_the_payload_is_kept(
    server: Server,
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("LOCKGATE_TOKEN", "not-the-token")
    code, result, err = run(capsys, "--only", "secrets", "--report-to", server.url, str(project))
    assert code == 0 and "Traceback" not in err
    assert (
        f"error: {server.url} refused the token (401: a valid bearer token is needed "
        "(Authorization: Bearer TOKEN)); "
        f"run {result['run_id']} kept in .lockgate/outbox/ — set LOCKGATE_TOKEN to the token "
        "`lockgate serve` runs with, then run `lockgate sync`"
    ) in err
    assert len(outbox(project)) == 1
    assert main(["sync", str(project)]) == 2  # still the wrong token: bad input
    assert "refused the token (401" in capsys.readouterr().err
    monkeypatch.delenv("LOCKGATE_TOKEN")
    assert main(["sync", str(project)]) == 2
    assert "$LOCKGATE_TOKEN is not set" in capsys.readouterr().err
    monkeypatch.setenv("LOCKGATE_TOKEN", TOKEN)
    assert main(["sync", str(project)]) == 0
    assert stored_runs(server, name_of(project)) == [result["run_id"]]


def test_a_server_that_takes_no_writes_says_why(
    tmp_path: Path, project: Path, token: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with serving(tmp_path / "readonly", free_port(), token=None) as server:
        code, _, err = run(capsys, "--only", "secrets", "--report-to", server.url, str(project))
    assert code == 0
    assert (
        "refused the token (403: this server takes no writes: start it with LOCKGATE_TOKEN" in err
    )
    assert len(outbox(project)) == 1


def test_the_configured_server_is_used_without_the_option(
    server: Server, project: Path, token: str, capsys: pytest.CaptureFixture[str]
) -> None:
    config = project / "lockgate.toml"
    config.write_text(config.read_text() + f'\n[server]\nurl = "{server.url}/"\n')
    code, result, err = run(capsys, "--only", "secrets", str(project))
    assert code == 0 and f"reported run {result['run_id']} to {server.url}" in err
    assert stored_runs(server, name_of(project)) == [result["run_id"]]


def test_sync_can_send_the_kept_records_to_another_server(
    server: Server, project: Path, token: str, capsys: pytest.CaptureFixture[str]
) -> None:
    gone = f"http://127.0.0.1:{free_port()}"
    code, result, _ = run(capsys, "--only", "secrets", "--report-to", gone, str(project))
    assert code == 0 and len(outbox(project)) == 1
    assert main(["sync", str(project)]) == 1  # still unreachable: kept, exit 1
    assert "cannot reach" in capsys.readouterr().err
    assert main(["sync", "--report-to", server.url, str(project)]) == 0
    assert stored_runs(server, name_of(project)) == [result["run_id"]]


def test_an_unreadable_outbox_file_is_named_not_a_traceback(
    project: Path, token: str, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = project / ".lockgate" / "outbox"
    folder.mkdir(parents=True)
    (folder / "run-broken.json").write_text("{not json")
    assert main(["sync", str(project)]) == 0
    captured = capsys.readouterr()
    assert "run-broken.json: not a record lockgate can send" in captured.err
    assert "Traceback" not in captured.err and "nothing to send" in captured.out
    assert Outbox(project).records()[0] == []


def test_a_configured_server_without_a_token_is_a_note_not_a_kept_record(
    server: Server,
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # a developer's run of a team project: the config names the server, the laptop has no token
    monkeypatch.delenv("LOCKGATE_TOKEN", raising=False)
    config = project / "lockgate.toml"
    config.write_text(config.read_text() + f'\n[server]\nurl = "{server.url}"\n')
    code, _, err = run(capsys, "--only", "secrets", str(project))
    assert code == 0
    assert f"note: not reported to {server.url}: $LOCKGATE_TOKEN is not set" in err
    assert outbox(project) == [] and stored_runs(server, name_of(project)) == []

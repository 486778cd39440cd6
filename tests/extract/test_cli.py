"""``nianbao extract`` and ``nianbao evaluate`` through click's runner, and the pure comparison."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from extract.cli import evaluate_command, extract_command, find_pairs
from extract.evaluate import compare, summarize

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "text"
DOC = FIXTURES / "county-2019-gbk-pipes.txt"


def test_extract_json_is_the_contract_shape():
    res = CliRunner().invoke(extract_command, [str(DOC), str(FIXTURES / "town-2023-pdf-text.txt"), "--json"])
    assert res.exit_code == 0, res.output
    lines = res.output.strip().splitlines()
    assert len(lines) == 2
    obj = json.loads(lines[0])
    assert list(obj)[:8] == ["title", "agency", "year", "template", "active_disclosure", "applications",
                             "review_litigation", "checks"]
    assert obj["active_disclosure"]["procurement"] == {"items": 6, "amount": 251.5}


def test_extract_human_summary_and_exit_code(tmp_path):
    res = CliRunner().invoke(extract_command, [str(FIXTURES / "town-2023-pdf-text.txt")])
    assert res.exit_code == 0
    assert "南湖镇人民政府" in res.output and "行政复议" in res.output
    assert "FAILED review_litigation.total review" in res.output
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    res = CliRunner().invoke(extract_command, [str(empty), "--json"])
    assert res.exit_code == 1
    assert json.loads(res.output)["error"]["code"] == "empty_file"


def test_evaluate_fixtures_all_exact():
    res = CliRunner().invoke(evaluate_command, [str(FIXTURES), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["totals"]["documents"] == len(list(FIXTURES.glob("*.expected.json")))
    assert out["totals"]["documents_exact"] == out["totals"]["documents"]
    assert out["totals"]["cell_accuracy"] == 1.0


def test_evaluate_reports_mismatches_and_fail_under(tmp_path):
    d = tmp_path / "nested" / "dir"
    d.mkdir(parents=True)
    shutil.copy(DOC, d / "a.txt")
    exp = json.loads((FIXTURES / "county-2019-gbk-pipes.expected.json").read_text(encoding="utf-8"))
    exp["applications"]["new_received"]["total"] = 20  # wrong on purpose
    exp["agency"] = "别的局"
    (d / "a.expected.json").write_text(json.dumps(exp, ensure_ascii=False), encoding="utf-8")
    res = CliRunner().invoke(evaluate_command, [str(tmp_path)])
    assert res.exit_code == 0
    assert "applications.new_received.total: got 19, expected 20" in res.output
    assert "documents exact: 0/1" in res.output
    res = CliRunner().invoke(evaluate_command, [str(tmp_path), "--fail-under", "0.5"])
    assert res.exit_code == 1


def test_find_pairs_recursive(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "r.pdf").write_bytes(b"%PDF")
    (tmp_path / "x" / "r.expected.json").write_text("{}")
    (tmp_path / "x" / "lonely.txt").write_text("no expected file")
    # a crawler saved-page example (its expected output is requests and documents, not a report)
    (tmp_path / "x" / "list.html").write_text("<html></html>")
    (tmp_path / "x" / "list.expected.json").write_text('{"requests": [], "documents": [], "errors": []}')
    assert [(p.name, e.name) for p, e in find_pairs([tmp_path])] == [("r.pdf", "r.expected.json")]


def test_compare_rules():
    expected = {"agency": "洪泽区人民政府", "agency_aliases": ["淮安市洪泽区人民政府"], "year": 2023,
                "applications": {"new_received": {"total": 21}}, "notes": "ignored", "partial": True,
                "checks": [{"code": "review_litigation.total", "group": "review", "passed": False, "detail": "x"}]}
    got = {"title": "洪泽区人民政府2023年政府信息公开工作年度报告", "agency": "淮安市洪泽区人民政府", "year": 2023,
           "applications": {"new_received": {"total": 21.0, "natural_person": 21}},
           "checks": [{"code": "review_litigation.total", "group": "review", "passed": False, "detail": "y"}]}
    c = compare(expected, got)
    assert c.mismatches == ["title: got '洪泽区人民政府2023年政府信息公开工作年度报告', the document prints no title line"]
    assert c.extra == ["applications.new_received.natural_person: 21 not in the expected file"]
    assert c.cells_right == c.cells_total == 1
    s = summarize([c])
    assert s["documents_exact"] == 0 and s["cell_accuracy"] == 1.0
    del got["title"]
    assert compare(expected, got).exact  # extra cells do not count by default
    assert not compare(expected, got, strict=True).exact

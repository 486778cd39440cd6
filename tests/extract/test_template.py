"""The template definition and its identities, checked against the real corpus's expected checks."""
import json

from extract import template


def test_every_application_row_has_a_unique_key():
    keys = [r.key for r in template.ALL_APPLICATION_ROWS]
    assert len(keys) == len(set(keys)) == 26


def test_template_2019_has_single_other_row():
    keys = [r.key for r in template.application_rows("2019")]
    assert "other_handling" in keys and "other_other" not in keys


def test_checks_reproduce_the_corpus_expected_checks(shared):
    for path in sorted((shared / "corpus" / "hongze").glob("*.expected.json")):
        expected = json.loads(path.read_text())
        got = [{k: v for k, v in c.items() if k != "rows_failed"} for c in template.run_checks(expected)]
        assert got == expected["checks"], path.name


def test_failed_identity_is_reported_not_fixed():
    report = {"review_litigation": {"review": {"upheld": 10, "corrected": 1, "other": 0, "pending": 0, "total": 0}}}
    (check,) = template.run_checks(report)
    assert check == {"code": "review_litigation.total", "group": "review", "passed": False, "detail": "10+1+0+0 = 11 vs 总计 0"}
    assert report["review_litigation"]["review"]["total"] == 0

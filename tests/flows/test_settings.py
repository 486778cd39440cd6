"""One settings object (nianbao.config) and the small pieces of crawl coordination."""
from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import pytest

from nianbao.config import get_settings, override, settings_table

ROOT = Path(__file__).resolve().parents[2]


def test_settings_follow_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("NIANBAO_DATA", str(tmp_path))
    monkeypatch.setenv("NIANBAO_WORKERS", "3")
    monkeypatch.setenv("NIANBAO_PROGRESS", "")
    s = get_settings()
    assert s.data_dir == tmp_path and s.workers == 3 and s.progress is False
    assert get_settings() is s  # cached while the environment is the same
    monkeypatch.setenv("NIANBAO_WORKERS", "5")
    assert get_settings().workers == 5
    with override(workers=1, crawl_batch=2):
        assert (get_settings().workers, get_settings().crawl_batch) == (1, 2)
    assert get_settings().workers == 5
    with pytest.raises(ValueError):
        with override(workers=0):
            pass
    monkeypatch.setenv("NIANBAO_RUNNER", "processes")
    with pytest.raises(ValueError):
        get_settings()


def test_nianbao_variables_are_read_only_in_config():
    """No module but nianbao/config.py reads a NIANBAO_* variable from the environment."""
    reads = re.compile(r"""environ\.get\(\s*["']NIANBAO_|getenv\(\s*["']NIANBAO_|environ\[["']NIANBAO_\w+["']\](?!\s*=)""")
    offenders = [f"{f.relative_to(ROOT)}:{n}: {line.strip()}"
                 for pkg in ("archive", "crawler", "extract", "flows", "nianbao")
                 for f in (ROOT / pkg).rglob("*.py") if f != ROOT / "nianbao" / "config.py"
                 for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1) if reads.search(line)]
    assert not offenders, offenders


def test_readme_lists_every_setting():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [name for name, _, _ in settings_table() if name not in readme]
    assert not missing, missing


def test_fresh_run_id_per_attempt(tmp_path):
    from flows.records import fresh_run_id

    assert fresh_run_id(tmp_path, "r") == "r"
    (tmp_path / "crawl" / "runs" / "r").mkdir(parents=True)
    assert fresh_run_id(tmp_path, "r") == "r-r2"
    (tmp_path / "crawl" / "runs" / "r-r2").mkdir()
    assert fresh_run_id(tmp_path, "r") == "r-r3"


def test_portal_lock_excludes_a_second_crawler(tmp_path):
    from crawler.runner import portal_locks

    order = []

    def second():
        with portal_locks(tmp_path, ["b", "a"], poll=0.02):
            order.append("second")

    with portal_locks(tmp_path, ["a"]):
        t = threading.Thread(target=second)
        t.start()
        time.sleep(0.3)
        order.append("first done")
    t.join(5)
    assert order == ["first done", "second"]


def test_worker_refused_with_a_clear_message(data, monkeypatch):
    from flows import parts, workers

    store = data / "store"
    sid = workers.store_id(store)
    ok = {"store": str(store), "store_id": sid, "extractor_version": parts.extractor_version(),
          "code": workers.code_version()}
    assert workers.problem(**ok) is None
    assert "cannot read the data folder's store" in workers.problem(**{**ok, "store": str(data / "elsewhere")})
    assert "another store" in workers.problem(**{**ok, "store_id": "0" * 32})
    assert "extractor version" in workers.problem(**{**ok, "extractor_version": "0.0.0-old"})
    assert "other nianbao code" in workers.problem(**{**ok, "code": "f" * 16})
    with pytest.raises(workers.WorkerRefused, match="extractor version"):
        workers.check_worker(**{**ok, "extractor_version": "0.0.0-old"})


def test_check_cluster_asks_every_worker(data):
    distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")
    from flows import parts, workers

    with distributed.LocalCluster(n_workers=2, processes=False, dashboard_address=None) as cluster:
        check = workers.check_cluster(parts.extractor_version(), address=cluster.scheduler_address)
        assert check["store"] == str(data / "store")
        with pytest.raises(workers.WorkerRefused) as err:
            workers.check_cluster("0.0.0-old", address=cluster.scheduler_address)
    assert str(err.value).count("runs extractor version") == 2

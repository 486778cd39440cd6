"""LibreOffice (``soffice --headless --convert-to``) as a converter, isolated and time-limited.

Used by the DOC/WPS reader (→ docx) and by the report renderer (docx → pdf). Each call gets
its own throw-away profile (``-env:UserInstallation``), so runs never share state and can go
in parallel. Absent LibreOffice raises ``ExtractionError('unsupported_format', …)`` with the
install hint.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from extract.document import ExtractionError

INSTALL_HINT = "install LibreOffice (apt-get install libreoffice-writer-nogui) to read DOC/WPS"
DEFAULT_TIMEOUT = 90.0


def soffice_path() -> str | None:
    for name in ("soffice", "libreoffice"):
        p = shutil.which(name)
        if p:
            return p
    for p in ("/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice", "/opt/libreoffice/program/soffice",
              "/Applications/LibreOffice.app/Contents/MacOS/soffice"):
        if os.path.exists(p):
            return p
    return None


def available() -> bool:
    return soffice_path() is not None


def convert(data: bytes, in_ext: str, out_fmt: str, timeout: float = DEFAULT_TIMEOUT) -> bytes:
    """Convert ``data`` (a file of type ``in_ext``) to ``out_fmt`` ('pdf', 'docx' …)."""
    exe = soffice_path()
    if exe is None:
        raise ExtractionError("unsupported_format", INSTALL_HINT)
    with tempfile.TemporaryDirectory(prefix="nianbao-lo-") as tmp:
        tmpd = Path(tmp)
        src = tmpd / f"input.{in_ext}"
        src.write_bytes(data)
        outdir = tmpd / "out"
        outdir.mkdir()
        cmd = [exe, f"-env:UserInstallation={(tmpd / 'profile').as_uri()}", "--headless", "--norestore",
               "--nologo", "--nolockcheck", "--convert-to", out_fmt, "--outdir", str(outdir), str(src)]
        env = dict(os.environ, HOME=str(tmpd), SAL_USE_VCLPLUGIN="svp")
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True)
        try:
            _, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            _kill_group(proc)
            raise ExtractionError("timeout", f"LibreOffice did not finish converting within {timeout:.0f} s") from exc
        ext = out_fmt.split(":", 1)[0]
        out = outdir / f"input.{ext}"
        if not out.exists():
            msg = (stderr or b"").decode("utf-8", "replace").strip()[-300:]
            raise ExtractionError("libreoffice_failed", f"LibreOffice could not convert the .{in_ext} file ({msg or 'no output'})")
        return out.read_bytes()


def _kill_group(proc: subprocess.Popen) -> None:
    """Kill the converter and its children (soffice is a wrapper around soffice.bin)."""
    import signal

    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()
    proc.wait()

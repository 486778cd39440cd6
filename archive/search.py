"""Chinese full-text search that works from Datasette's own search box, with no compiled extension.

Why this design (measured, see benchmarks/archive.py and the notes in shared/notes/stack.md §7):

* FTS5's ``trigram`` tokenizer cannot find 2-character words (复议, 诉讼): a trigram index has no
  2-character terms, and the query silently matches nothing.
* A Chinese tokenizer (``cjk_bigram``, sqlitefts+jieba) needs a loadable extension or a Python
  callback registered in the serving process — plain ``datasette`` cannot use either.
* The default ``unicode61`` tokenizer treats an unbroken run of Hanzi as one token. So we hand it
  text that is *already split*: for every report we derive a space-separated list of search
  tokens, and index that. Datasette's ``escape_fts`` turns the query ``行政复议`` into the phrase
  ``"行政复议"``, which unicode61 tokenizes as one token; it matches when that exact string is one
  of the derived tokens.

The derived tokens of a text (after folding traditional characters to simplified with zhconv):

* every character n-gram of length 1..4 of each CJK run (so *any* query of up to four Hanzi
  matches by substring: 复议, 诉讼, 纠正, 行政复议, 结果纠正, 不予公开 …);
* every word longer than four characters that jieba's ``cut_for_search`` emits, with the
  template's labels and the phrases of :data:`PHRASES` added to jieba's dictionary;
* every phrase of :data:`PHRASES` / the template labels that occurs literally in the text
  (政府信息公开, 本机关不掌握, 本机关不掌握相关政府信息, 三安全一稳定 … — found whatever jieba
  decides);
* Latin letters and digits as lower-cased words.

Tokens are de-duplicated per report, so the index records *whether* a report contains a word,
not where or how often (``detail=none``): queries are AND-ed single-token phrases, exactly what
Datasette's search box sends. The FTS table is *contentless* (``content=''``): the tokens are
never stored, only the inverted index (measured: about 2.2× the UTF-8 size of the original text
for real reports; tokens stored as a column would be another 2×).

Limits, stated plainly: a query longer than four Hanzi is found only when it is a jieba word or a
listed phrase (政府信息公开 yes; an arbitrary 7-character substring no — search for two shorter
words instead: ``信息公开 申请``). Snippets cannot come from a contentless table; the canned
query ``search`` cuts a readable excerpt around the first occurrence from the original text with
``instr()``/``substr()``.

Deleting a row from a contentless table needs exactly the tokens it was indexed with (SQLite: with
other tokens "the results may be unpredictable" — ghost postings or a corrupt index); we recompute
them from the stored text. The tokens depend on this code, on jieba (its dictionary ships with
it), on zhconv's tables and on the phrase list (which includes the template's labels), so the
index's version, :func:`token_version`, names all four; :func:`ensure_index` (run by
``open_archive``) rebuilds the whole index whenever the archive's recorded version differs, before
any report can be re-indexed. A jieba or zhconv upgrade therefore costs one rebuild, never a wrong
delete.
"""
from __future__ import annotations

import functools
import re

from nianbao.text import to_simplified

SEARCH_VERSION = "3"  # bump when this module's tokens can change (the libraries are in token_version)
FTS_TABLE = "reports_fts"
NGRAM_MAX = 4

# Phrases researchers type that are longer than NGRAM_MAX and jieba may not produce as words.
PHRASES = (
    "政府信息公开", "政府信息公开工作", "政府信息公开申请", "政府信息公开工作年度报告", "年度报告",
    "本机关不掌握", "本机关不掌握相关政府信息", "不掌握相关政府信息", "没有现成信息", "需要另行制作",
    "补正后申请内容仍不明确", "三安全一稳定", "信访举报投诉", "无正当理由大量反复申请", "公开出版物",
    "行政规范性文件", "规范性文件", "行政事业性收费", "政府集中采购", "其他对外管理服务事项",
    "上年结转", "结转下年度", "结转下年度继续办理", "本年新收", "依申请公开", "主动公开",
    "未经复议直接起诉", "复议后起诉", "行政复议", "行政诉讼", "结果维持", "结果纠正", "尚未审结",
    "四类过程性信息", "三类内部事务信息", "行政执法案卷", "行政查询事项", "国家秘密",
    "保护第三方合法权益", "政务公开", "政府网站", "政务新媒体", "政府信息公开条例",
    "中华人民共和国政府信息公开条例",
)

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_LATIN = re.compile(r"[0-9A-Za-z]+")
_NUMBERING = re.compile(r"^[（(]?[一二三四五六七八九十\d]+[）)、.．]?")


def _label_phrases() -> tuple[str, ...]:
    """The template's labels, numbering stripped, split at punctuation: 本年新收政府信息公开申请数量 …"""
    from extract.template import label_rows

    out = set(PHRASES)
    for row in label_rows():
        label = _NUMBERING.sub("", row["label"])
        for part in _CJK.findall(label):
            if len(part) > NGRAM_MAX:
                out.add(part)
    return tuple(sorted(out))


@functools.lru_cache(maxsize=1)
def phrases() -> tuple[str, ...]:
    return _label_phrases()


@functools.lru_cache(maxsize=1)
def _jieba():
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    for p in phrases():
        jieba.add_word(p, freq=50_000)
    jieba.initialize()
    return jieba


_simplify = to_simplified


@functools.lru_cache(maxsize=200_000)
def _run_tokens(run: str) -> frozenset[str]:
    """Tokens of one CJK run (cached: boilerplate sentences repeat across thousands of reports)."""
    out = set()
    n = len(run)
    for k in range(1, min(NGRAM_MAX, n) + 1):
        for i in range(n - k + 1):
            out.add(run[i : i + k])
    if n > NGRAM_MAX:
        out.update(p for p in phrases() if len(p) > NGRAM_MAX and p in run)
        out.update(w for w in _jieba().cut_for_search(run) if len(w) > NGRAM_MAX and _CJK.fullmatch(w))
    return frozenset(out)


def token_set(text: str | None) -> set[str]:
    if not text:
        return set()
    text = _simplify(text)
    out: set[str] = set()
    for run in _CJK.findall(text):
        out |= _run_tokens(run)
    out.update(w.lower() for w in _LATIN.findall(text))
    return out


def search_tokens(*texts: str | None) -> str:
    """Space-separated, de-duplicated, sorted search tokens of the given texts."""
    out: set[str] = set()
    for t in texts:
        out |= token_set(t)
    return " ".join(sorted(out))


def query_tokens(query: str) -> list[str]:
    """What a user's query words become (for tests and the search canned query)."""
    return [w for w in re.split(r"\s+", _simplify(query).strip()) if w]


# --------------------------------------------------------------------------- the FTS table
FTS_DDL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS [{FTS_TABLE}] USING fts5("
    "title_tokens, text_tokens, content='', detail=none, tokenize='unicode61 remove_diacritics 0')"
)


def _tokens_for(title: str | None, text: str | None, agency: str | None) -> tuple[str, str]:
    return search_tokens(title, agency), search_tokens(text)


def index_report(conn, report_id: int, title, text, agency) -> None:
    a, b = _tokens_for(title, text, agency)
    conn.execute(f"INSERT INTO [{FTS_TABLE}](rowid, title_tokens, text_tokens) VALUES (?, ?, ?)", (report_id, a, b))


def unindex_report(conn, report_id: int, title, text, agency) -> None:
    """Remove a report from the contentless index (needs the tokens it was indexed with)."""
    a, b = _tokens_for(title, text, agency)
    conn.execute(
        f"INSERT INTO [{FTS_TABLE}]([{FTS_TABLE}], rowid, title_tokens, text_tokens) VALUES ('delete', ?, ?, ?)",
        (report_id, a, b),
    )


@functools.lru_cache(maxsize=1)
def token_version() -> str:
    """What the tokens are made by: this code, jieba, zhconv and the phrase list."""
    import hashlib
    from importlib.metadata import version

    import jieba

    phrase_hash = hashlib.sha1("\n".join(phrases()).encode()).hexdigest()[:10]
    return f"{SEARCH_VERSION}:jieba-{jieba.__version__}:zhconv-{version('zhconv')}:phrases-{phrase_hash}"


def ensure_index(db) -> bool:
    """Create the FTS table, or rebuild it when the tokens' version changed. True when it wrote."""
    conn = db.conn
    have = conn.execute("SELECT value FROM archive_meta WHERE key = 'search_version'").fetchone()
    exists = conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (FTS_TABLE,)).fetchone()
    if have and have[0] == token_version() and exists:
        return False
    with db.atomic():
        if exists and (have is None or have[0] != token_version()):
            rebuild_fts(conn)
        else:
            conn.execute(FTS_DDL)
        conn.execute("INSERT OR REPLACE INTO archive_meta VALUES ('search_version', ?)", (token_version(),))
    return True


def rebuild_fts(conn) -> int:
    """Drop and rebuild the whole index from reports (after a token_version() change)."""
    conn.execute(f"DROP TABLE IF EXISTS [{FTS_TABLE}]")
    conn.execute(FTS_DDL)
    n = 0
    for rid, title, text, agency in conn.execute("SELECT id, title, text, agency FROM reports").fetchall():
        index_report(conn, rid, title, text, agency)
        n += 1
    return n


def fts_size(conn) -> int:
    """Bytes of the FTS index (its shadow tables' blocks)."""
    row = conn.execute(f"SELECT coalesce(sum(length(block)), 0) FROM [{FTS_TABLE}_data]").fetchone()
    return int(row[0])

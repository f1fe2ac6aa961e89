"""The queue's filters (`right:erasure due:<2026-12-31 ...` in the search box, issue 16): run in SQL on both
backends, combined with search words and views, paged by keyset like any query; bad filters are refused with a
message that says how to write them."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dpo_tui.domain.rights import Right
from dpo_tui.store.queue import QueueQuery, QueueReader, Sort, View
from dpo_tui.store.queue_filter import BadFilter, parse_search
from tests.conftest import TODAY, make_work, new_request


def _seed(url: str, settings):  # type: ignore[no-untyped-def]
    work = make_work(url, settings)
    refs = {}

    def log(key: str, **kw) -> None:  # type: ignore[no-untyped-def]
        refs[key] = work.log_request(new_request(**kw)).ref

    log("ada", name="Ada Lovelace", email="ada@example.org", rights=(Right.ACCESS, Right.ERASURE), received=date(2026, 11, 2))
    log("bo", name="Bo Post", email="", address="1 Lane, Leeds", channel="post", received=date(2026, 10, 5))
    log("cy", name="Cy Euro", email="cy@example.org", regime="eu-gdpr", rights=(Right.ERASURE,), received=date(2026, 11, 20))
    log("di", name="Di Phone", email="", phone="+44 20 7946 0000", channel="phone", received=date(2026, 11, 10))
    work.assign("Jordan Elis", versions={refs["ada"]: work.version_of(refs["ada"]), refs["di"]: work.version_of(refs["di"])})
    work.db.dispose()
    return refs


def refs_of(reader: QueueReader, search: str, *, view: View = View.ALL, sort: Sort = Sort.DUE, me: str = "") -> set[str]:
    q = QueueQuery(view=view, sort=sort, search=search, today=TODAY, me=me)
    shown = [r.ref for r in reader.page_at(q, 0, 64)]
    assert reader.count(q) == len(shown)
    rows, _ = reader.first_page(q, 64, quick=False)
    assert [r.ref for r in rows] == shown
    return set(shown)


def test_each_filter_and_their_combination(db_url: str, settings) -> None:  # type: ignore[no-untyped-def]
    refs = _seed(db_url, settings)
    reader = QueueReader.open(db_url)
    try:
        r = refs
        assert refs_of(reader, "right:erasure") == {r["ada"], r["cy"]}
        assert refs_of(reader, "right:era,rect") == {r["ada"], r["cy"]}
        assert refs_of(reader, "regime:eu-gdpr") == {r["cy"]} == refs_of(reader, "regime:eu")
        assert refs_of(reader, "channel:post,phone") == {r["bo"], r["di"]}
        assert refs_of(reader, "assignee:jordan") == {r["ada"], r["di"]}
        assert refs_of(reader, "assignee:none") == {r["bo"], r["cy"]}
        assert refs_of(reader, "assignee:me", me="Jordan Elis") == {r["ada"], r["di"]}
        assert refs_of(reader, "received:<2026-11-01") == {r["bo"]}
        assert refs_of(reader, "received:2026-11-02..2026-11-10") == {r["ada"], r["di"]}
        assert refs_of(reader, "received:2026-11-20") == {r["cy"]}
        assert refs_of(reader, "due:<2026-12-05") == {r["bo"], r["ada"]}
        assert refs_of(reader, "due:>=2026-12-05") == {r["cy"], r["di"]}
        # combinable with each other, with search words and with the views
        assert refs_of(reader, "right:erasure assignee:jordan") == {r["ada"]}
        assert refs_of(reader, "lovelace right:erasure") == {r["ada"]}
        assert refs_of(reader, "ada channel:post") == set()
        assert refs_of(reader, "channel:phone", view=View.MINE, me="Jordan Elis") == {r["di"]}
        for sort in Sort:
            assert refs_of(reader, "right:erasure", sort=sort) == {r["ada"], r["cy"]}
    finally:
        reader.close()


def test_keyset_paging_through_a_filtered_queue(db_url: str, settings) -> None:  # type: ignore[no-untyped-def]
    refs = _seed(db_url, settings)
    reader = QueueReader.open(db_url)
    try:
        for sort in Sort:
            q = QueueQuery(view=View.ALL, sort=sort, search="channel:email,post,phone", today=TODAY)
            everything = [row.ref for row in reader.page_at(q, 0, 64)]
            assert len(everything) == 4
            first = reader.page_at(q, 0, 1)
            walked = [first[0].ref]
            while True:
                nxt = reader.page_after(q, first[-1].key, 1)
                if not nxt:
                    break
                walked.append(nxt[0].ref)
                first = nxt
            assert walked == everything, sort
            back = reader.page_before(q, first[-1].key, 10)
            assert [row.ref for row in back] == everything[:-1]
            assert reader.index_of(q, first[-1].key) == 3
        assert {row.regime for row in reader.page_at(QueueQuery(view=View.ALL, today=TODAY), 0, 64)} == {"uk-gdpr", "eu-gdpr"}
        assert refs["cy"]
    finally:
        reader.close()


@pytest.mark.parametrize(
    "text, says",
    [
        ("colour:red", "unknown filter 'colour:'"),
        ("due:soon", "is not a date range: write due:<2026-12-31"),
        ("due:<2026-13-01", "'2026-13-01' is not a date"),
        ("right:zz", "'right:zz' is not a right"),
        ("channel:fax", "'channel:fax' is not a channel"),
        ("right:", "'right:' needs a value"),
    ],
)
def test_bad_filters_say_what_is_wrong(text: str, says: str) -> None:
    with pytest.raises(BadFilter) as err:
        parse_search(f"ada {text}")
    assert says in str(err.value)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_any_typed_text_either_parses_or_is_refused_with_a_message(text: str) -> None:
    try:
        words, filters = parse_search(text)
    except BadFilter as exc:
        assert str(exc)
        return
    assert len(words) + len(filters.words) == len(text.split())  # every word is a search word or a filter
    conds, params = filters.conditions()
    assert sum(c.count("?") for c in conds) == len(params)

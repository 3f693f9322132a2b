from hypothesis import given
from hypothesis import strategies as st

from relais.core.knowledge.diff import new_text, old_text, word_diff


def test_a_changed_word_is_removed_then_added():
    diff = word_diff(
        "Les retours sont gratuits sous 30 jours.", "Les retours sont gratuits sous 14 jours."
    )

    assert diff == [
        ("=", "Les retours sont gratuits sous "),
        ("-", "30"),
        ("+", "14"),
        ("=", " jours."),
    ]


def test_identical_texts_are_one_kept_piece():
    assert word_diff("Bonjour  à tous", "Bonjour  à tous") == [("=", "Bonjour  à tous")]


def test_an_empty_old_text_is_all_added():
    assert word_diff("", "Nouvelle procédure") == [("+", "Nouvelle procédure")]


def test_added_words_keep_their_whitespace():
    diff = word_diff("Appelez le magasin.", "Appelez d'abord le magasin.")

    assert diff == [("=", "Appelez"), ("+", " d'abord"), ("=", " le magasin.")]


words = st.lists(st.sampled_from(["a", "b", "c", "é", " ", "\n", "  "]), max_size=30).map("".join)


@given(words, words)
def test_a_diff_gives_back_both_texts(old, new):
    diff = word_diff(old, new)

    assert old_text(diff) == old
    assert new_text(diff) == new
    assert all(op in {"=", "+", "-"} for op, _ in diff)
    assert all(text for _, text in diff)
    assert all(diff[i][0] != diff[i + 1][0] for i in range(len(diff) - 1))

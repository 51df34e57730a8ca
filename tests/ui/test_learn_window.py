"""Tools ▸ Learn from My Tags in the real window: asked while the analysis runs, it learns
once the analysis is done, reports in a dialog, and the table, the details panel and the
genre menus speak the owner's words; changed tags make the status bar offer to learn again;
Use the Stock Genres goes back. A library without genre tags gets a report and no change."""

from __future__ import annotations

import pytest

from genre_desktop.core import learn
from genre_desktop.core.labels import GENRES
from genre_desktop.core.library import Library, default_path
from genre_desktop.core.plan import LIBRARY, STOCK
from genre_desktop.ui.dialogs import LearnDialog
from tests import audiofactory
from tests.core.test_learn import _library as toy_library
from tests.learnfactory import WORDS, make_half_tagged, truth
from tests.ui.test_decisions import open_window, settle

pytestmark = pytest.mark.usefixtures("needs_model")


@pytest.fixture
def half_tagged(tmp_path):
    return make_half_tagged(tmp_path / "half tagged")


def _dialog(qtbot, w) -> LearnDialog:
    qtbot.waitUntil(
        lambda: isinstance(getattr(w, "_last_dialog", None), LearnDialog), timeout=60_000
    )
    dialog = w._last_dialog
    assert dialog.isVisible()
    return dialog


def test_learn_from_my_tags_proposes_the_owners_words_and_goes_back(qtbot, tmp_path, half_tagged):
    w = open_window(qtbot, tmp_path, policy="overwrite")
    assert not w.act["forget"].isEnabled() and not w.learning.link.isVisible()
    w.add_paths([str(half_tagged)])
    w.act["learn"].trigger()  # while the analysis runs: it waits for it
    assert w.analysis is not None and w.learning.when_analysed
    dialog = _dialog(qtbot, w)
    text = dialog.text.toPlainText()
    assert "Your genres are used" in dialog.headline.text(), text
    assert "Held-out check" in text and "Bleep Techno (7)" in text
    assert dialog.forget_button is not None
    # the table proposes in the owner's words, and says it is the library's model
    rows = list(w.model.rows)
    assert {r.source for r in rows} == {LIBRARY}
    untagged = [r for r in rows if not r.track.genres]
    assert len(untagged) == 4 and all(r.predicted in WORDS for r in untagged)
    right = sum(r.predicted == truth(r.track.path) for r in untagged)
    assert right >= 3, [(r.track.path, r.predicted) for r in untagged]
    # the panel, its picker and the status bar follow
    w.select_tracks([untagged[0].track.id])
    assert untagged[0].predicted in w.details.prediction.text()
    picks = [w.details.picker.itemText(i) for i in range(w.details.picker.count())]
    assert set(WORDS) <= set(picks) and "Hip-Hop" in picks  # ours stay open too
    assert w.learning.link.isVisible() and w.learning.link.text() == "Your genres"
    assert w.act["forget"].isEnabled()
    dialog.close()

    # stored with the library: a new window uses it at once
    assert w.library.get_meta(learn.META_KEY) is not None

    # the owner changes a genre in a file: a rescan offers to learn again
    audiofactory.set_tags(half_tagged / "track 00.ogg", {"genre": "Slow Drone"})
    w.start_analysis([])
    settle(qtbot, w)
    qtbot.waitUntil(lambda: "again" in w.learning.link.text(), timeout=10_000)
    assert "changed" in w.learning.link.toolTip()

    # back to the stock genres
    w.act["forget"].trigger()
    assert {r.source for r in w.model.rows} == {STOCK}
    assert all(r.predicted not in WORDS for r in w.model.rows)
    qtbot.waitUntil(lambda: w.library.get_meta(learn.META_KEY) is None, timeout=10_000)
    assert not w.act["forget"].isEnabled() and not w.learning.link.isVisible()


def test_a_library_without_genre_tags_learns_nothing_and_says_why(qtbot, tmp_path):
    folder = tmp_path / "untagged"
    folder.mkdir()
    for i in range(3):
        audiofactory.write(folder / f"t{i}.ogg", "ogg", seconds=4, seed=i)
    w = open_window(qtbot, tmp_path)
    w.add_paths([str(folder)])
    settle(qtbot, w)
    w.act["learn"].trigger()
    dialog = _dialog(qtbot, w)
    assert "Nothing changes" in dialog.headline.text()
    assert "too few tagged songs" in dialog.text.toPlainText()
    assert dialog.forget_button is None
    assert {r.source for r in w.model.rows} == {STOCK} and w.library.get_meta(
        learn.META_KEY
    ) is None


def test_a_model_learned_with_another_stock_model_is_offered_again(qtbot, tmp_path):
    lib = Library(default_path(tmp_path / "data"))
    tracks, analyses = toy_library()
    model, _ = learn.learn(tracks, analyses, "an older stock model", list(GENRES), ["beats"])
    assert model is not None
    learn.save(lib, model)
    lib.close()
    w = open_window(qtbot, tmp_path)
    assert w.learning.learned is None and w.learning.link.isVisible()
    assert "again" in w.learning.link.text() and "new stock model" in w.learning.link.toolTip()

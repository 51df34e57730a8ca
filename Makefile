# Genre Desktop: `make run` starts the app, `make test` runs every check. Both set up .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
STAMP  := $(VENV)/.installed-dev
TRAIN_STAMP := $(VENV)/.installed-train
GTZAN  ?= ../shared/gtzan
SONGS  ?= ../shared/realsongs ../shared/realworld

.PHONY: run test lint typecheck pytest monkey train bench learn-eval package screenshots clean help

help:
	@echo "make run          set up .venv and start Genre Desktop"
	@echo "make test         set up .venv, then lint (ruff), type-check (mypy) and pytest"
	@echo "make monkey       the GUI monkey test at full size (300 files, 600 actions)"
	@echo "make train        rebuild models/ from $(GTZAN) and $(SONGS) (installs TensorFlow; ~25 min on 2 cores)"
	@echo "make bench        speed and memory benchmarks (benchmarks/RESULTS.md)"
	@echo "make learn-eval   half-tagged libraries from ../shared: learned vs stock genres (model card)"
	@echo "make package      PyInstaller bundle in dist/GenreDesktop/"
	@echo "make screenshots  PNGs of the app in docs/screenshots/"

$(PY):
	bash packaging/system-deps.sh test
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

$(TRAIN_STAMP): pyproject.toml | $(STAMP)
	$(PY) -m pip install --quiet -e ".[dev,train]"
	# musicnn's declared dependencies are from 2019: only its checkpoints are used
	$(PY) -m pip install --quiet --no-deps musicnn==0.1.0
	touch $@

run: $(STAMP)
	$(BIN)/genre-desktop

lint: $(STAMP)
	$(BIN)/ruff check genre_desktop tests benchmarks packaging tools
	$(BIN)/ruff format --check genre_desktop tests benchmarks packaging tools

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest -q

test: lint typecheck pytest

# the GUI monkey at full size: 300 files, 600 random actions (make test runs a small one)
monkey: $(STAMP)
	QT_QPA_PLATFORM=offscreen GD_MONKEY_FILES=300 GD_MONKEY_ACTIONS=600 $(BIN)/pytest -q tests/ui/test_sequences.py -k monkey

train: $(TRAIN_STAMP)
	$(PY) -m genre_desktop.training.train --data $(GTZAN) --songs $(SONGS) --out models

bench: $(TRAIN_STAMP)
	$(PY) benchmarks/run.py

# `genre-desktop learn` measured on simulated half-tagged libraries (out-of-fold stock
# evidence), written into the model card; then the commands end to end on one of them
learn-eval: $(TRAIN_STAMP)
	$(PY) benchmarks/learn_sim.py --card models/MODEL_CARD.md
	$(PY) benchmarks/learn_eval.py

# The bundle is built in its own environment: runtime dependencies only, and PyAV compiled
# against an audio-only FFmpeg (packaging/ffmpeg/build.sh) instead of the PyPI wheel's.
PKG_VENV := .venv-package
package: $(STAMP)
	bash packaging/system-deps.sh package
	PYTHON=$(PY) bash packaging/ffmpeg/build.sh .cache/packaging
	test -x $(PKG_VENV)/bin/python || $(PYTHON) -m venv $(PKG_VENV)
	$(PKG_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(PKG_VENV)/bin/python -m pip install --quiet --force-reinstall --no-deps .cache/packaging/wheels/av-*.whl
	$(PKG_VENV)/bin/python -m pip install --quiet -e ".[package]"
	$(PY) packaging/smoke_fixtures.py build/smoke-audio
	$(PKG_VENV)/bin/python packaging/build.py --fixtures build/smoke-audio

screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m tools.screenshots.screenshots docs/screenshots

clean:
	rm -rf build dist .venv-package .pytest_cache .mypy_cache .ruff_cache

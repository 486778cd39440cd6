# Two commands on a fresh machine with Python 3.11, pip and make:
#   make demo   — install, then run the nightly job on the bundled offline sample portal
#   make test   — install (with test extras), then run the test suite
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: demo test install install-demo install-dev bench bench-quick lock serve clean

$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q uv

install: $(BIN)/uv
	$(BIN)/uv pip install -q -p $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install -q -p $(BIN)/python --no-deps -e .

install-dev: install
	$(BIN)/uv pip install -q -p $(BIN)/python -r requirements-extras.lock

# the demo extra: the sample renderer's reportlab and python-docx (install-dev has every extra)
install-demo: install
	$(BIN)/uv pip install -q -p $(BIN)/python -r requirements-demo.lock

demo: install-demo
	$(BIN)/nianbao demo

test: install-dev
	$(BIN)/python -m pytest

bench: install-dev
	$(BIN)/python benchmarks/run_all.py

bench-quick: install-dev
	$(BIN)/python benchmarks/run_all.py --quick

serve: install
	$(BIN)/nianbao serve

# Re-pin after changing pyproject.toml dependencies.
lock: $(BIN)/uv
	$(BIN)/uv pip compile -q -p 3.11 pyproject.toml -o requirements.lock
	$(BIN)/uv pip compile -q -p 3.11 pyproject.toml --extra demo -c requirements.lock -o requirements-demo.lock
	$(BIN)/uv pip compile -q -p 3.11 pyproject.toml --all-extras -c requirements.lock -o requirements-extras.lock

clean:
	rm -rf $(VENV) data .pytest_cache

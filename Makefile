# Each target sets itself up: a virtual environment in .venv with the package installed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-fast lint bench screenshots clean

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,units]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/tonghop demo
	@printf '%s\n' "Để gõ lệnh tonghop: chạy '. .venv/bin/activate' (Windows: '.venv\Scripts\activate'), hoặc dùng $(BIN)/tonghop."

test: $(STAMP)
	$(BIN)/python -m pytest -q

# While working: everything but what needs a browser, LibreOffice, PostgreSQL or minutes (< 2 min).
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not browser and not libreoffice and not postgres and not caddy and not slow"

lint: $(STAMP)
	$(BIN)/ruff check pipeline tests
	$(BIN)/ruff format --check pipeline tests

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py --n 1000 --round-units 500

screenshots: $(STAMP)
	TONGHOP_SCREENSHOTS=build/screenshots $(BIN)/python -m pytest -q tests/web/test_browser.py tests/web/test_browser_entry.py tests/web/test_browser_accounts.py
	$(BIN)/python docs/readme_images.py build/screenshots

clean:
	rm -rf $(VENV) output/* input_templates/*/ build *.egg-info

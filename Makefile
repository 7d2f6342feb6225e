# socek: the two commands are `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test install browser lock bench clean demo

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the lock file or the project metadata changed.
$(STAMP): requirements.lock pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

# The PDF printer of the reports: installs Chromium when it is missing (as root, with apt-get) and
# says in one line what it did; never fails (a run without it warns that its reports lack the PDF).
browser: $(STAMP)
	@$(BIN)/python -m flows.outputs.report.pdf

# The demo environment (config/demo.toml): synthetic inbox and recordings, everything under demo/.
# Exit code 3 means "completed with warnings" (the demo seeds delivery mistakes on purpose):
# everything usable was published, so `make run` succeeds; any other non-zero code fails it.
run: $(STAMP) browser
	@$(BIN)/socek --demo run; code=$$?; \
	if [ $$code -eq 3 ]; then echo "socek: completed with warnings (exit code 3), see demo/reports/validation/"; \
	elif [ $$code -ne 0 ]; then exit $$code; fi

test: $(STAMP) browser
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m bench.run --scale $(or $(SCALE),1)

# Maintainers only: re-resolve the pinned versions (needs uv).
lock:
	uv pip compile pyproject.toml --extra test --extra scale --python-version 3.11 --generate-hashes -o requirements.lock

clean:
	rm -rf demo .prefect

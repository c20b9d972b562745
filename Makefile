# skillcert — the two README commands are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.8
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
PG_URL ?= postgres://postgres@127.0.0.1:5432/skillcert
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_LINK_MODE := copy
export UV_PYTHON_DOWNLOADS := never

.PHONY: setup install fonts chromium libreoffice verifiers run dev test test-sqlite test-postgres test-later lint fmt typecheck bench demo clean

## install: venv + pinned dependencies from uv.lock (uv itself is pinned and lives in the venv)
install: $(BIN)/.installed
$(BIN)/.installed: pyproject.toml uv.lock
	@test -x $(PY) || { echo "  正在创建 Python 虚拟环境 $(VENV) ……"; $(PYTHON) -m venv $(VENV); }
	@echo "  正在安装依赖（按 uv.lock 锁定的版本；首次约需 1–3 分钟）……"
	@out=$$($(PY) -m pip install -q --disable-pip-version-check "uv==$(UV_VERSION)" 2>&1) \
	  || { echo "$$out"; echo "安装 uv 失败：请检查网络或 pip 源设置后重试"; exit 1; }
	@$(BIN)/uv sync --frozen --inexact --compile-bytecode --python $(PY) --quiet
	@echo "  依赖已安装"
	@touch $@

## fonts: Noto CJK for PDFs (tickets, certificates) and HanaMin (花园明朝) as the fallback for
## rare characters in names (CJK extensions B-F); installed from Debian when missing
FONT_PACKAGES := fonts-noto-cjk fonts-hanazono
fonts:
	@if [ -f /usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc ] && [ -f /usr/share/fonts/truetype/hanazono/HanaMinB.ttf ]; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	  echo "正在安装中文字体 $(FONT_PACKAGES) ..."; \
	  (apt-get install -y -qq $(FONT_PACKAGES) >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq $(FONT_PACKAGES) >/dev/null)) \
	  || { echo "无法安装 $(FONT_PACKAGES)，请手动安装后重试"; exit 1; }; \
	else echo "缺少中文字体：请执行 sudo apt-get install $(FONT_PACKAGES)"; exit 1; fi

## chromium: Debian's Chromium for the browser journeys (Playwright drives it; nothing is
## downloaded by Playwright itself); installed from Debian when missing
CHROMIUM := /usr/bin/chromium
chromium:
	@if [ -x $(CHROMIUM) ]; then :; \
	elif ! command -v apt-get >/dev/null; then \
	  echo "缺少 Chromium 浏览器（$(CHROMIUM)）：请用系统包管理器安装 chromium 后重试"; exit 1; \
	else \
	  if [ "$$(id -u)" = "0" ]; then sudo=""; \
	  elif command -v sudo >/dev/null; then sudo="sudo"; \
	  else echo "缺少 Chromium 浏览器：请以 root 执行 apt-get install chromium 后重试"; exit 1; fi; \
	  echo "正在安装 Chromium 浏览器（浏览器端到端测试用）..."; \
	  ($$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1 \
	    || ($$sudo apt-get update -qq && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)) \
	  || { echo "无法安装 chromium，请手动执行 sudo apt-get install chromium 后重试"; exit 1; }; \
	fi

## libreoffice: Debian's LibreOffice Calc (headless) as the independent spreadsheet implementation
## that reads the xlsx exports and writes the xlsx files imported back; installed from Debian when missing
SOFFICE := /usr/bin/soffice
libreoffice:
	@if [ -x $(SOFFICE) ]; then :; \
	elif ! command -v apt-get >/dev/null; then \
	  echo "缺少 LibreOffice（$(SOFFICE)）：请用系统包管理器安装 libreoffice-calc-nogui 后重试"; exit 1; \
	else \
	  if [ "$$(id -u)" = "0" ]; then sudo=""; \
	  elif command -v sudo >/dev/null; then sudo="sudo"; \
	  else echo "缺少 LibreOffice：请以 root 执行 apt-get install libreoffice-calc-nogui 后重试"; exit 1; fi; \
	  echo "正在安装 LibreOffice Calc（电子表格导入导出测试用）..."; \
	  ($$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-calc-nogui >/dev/null 2>&1 \
	    || ($$sudo apt-get update -qq && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-calc-nogui >/dev/null)) \
	  || { echo "无法安装 libreoffice-calc-nogui，请手动执行 sudo apt-get install libreoffice-calc-nogui 后重试"; exit 1; }; \
	fi

setup: install fonts
	@mkdir -p var
	@echo "  正在迁移数据库……"
	@$(MANAGE) migrate --noinput -v 0
	@$(MANAGE) collectstatic --noinput -v 0

demo: setup
	@echo "  正在载入演示数据（首次约 1 分钟）……"
	@$(MANAGE) demo

## verifiers: the independent credential verifiers (Digital Bazaar's VC stack, the 1EdTech
## Open Badges 3.0 schema with ajv), pinned in tools/verifiers/package-lock.json
verifiers: tools/verifiers/node_modules/.installed

tools/verifiers/node_modules/.installed: tools/verifiers/package-lock.json
	@echo "  正在安装独立验证工具（npm ci）……"
	@cd tools/verifiers && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

## run: production-grade server (gunicorn + whitenoise, DEBUG off) and the background worker,
## with the demo data; Ctrl-C stops both, a worker that exits is restarted
run:
	@echo "[1/3] 安装依赖与中文字体"
	@$(MAKE) -s install fonts
	@echo "[2/3] 准备数据库与演示数据"
	@$(MAKE) -s demo
	@echo "[3/3] 启动网站和后台任务处理程序"
	@rm -rf var/prometheus && mkdir -p var/prometheus
	@SKILLCERT_ENV=local PROMETHEUS_MULTIPROC_DIR=var/prometheus $(MANAGE) serve --bind 127.0.0.1:8000

dev: setup
	@SKILLCERT_DEBUG=1 $(MANAGE) runserver 127.0.0.1:8000

## lint: formatting, lint rules and the import contracts (pyproject.toml [tool.importlinter]:
## app layers, pure cores free of Django, each app's models private to it)
lint: install
	@$(CHECKS_NICE) $(BIN)/ruff format --check .
	@$(CHECKS_NICE) $(BIN)/ruff check .
	@out=$$($(CHECKS_NICE) $(BIN)/lint-imports --no-cache --no-logo 2>&1) || { echo "$$out"; exit 1; }; echo "$$out" | grep -E "^Contracts:"

fmt: install
	@$(BIN)/ruff format .
	@$(BIN)/ruff check --fix .

typecheck: install
	@$(CHECKS_NICE) $(BIN)/mypy .

# Python and pytest keep their compiled modules (pytest its rewritten test modules) in
# __pycache__ even where PYTHONDONTWRITEBYTECODE is set (empty counts as unset): every
# worker, and every command a test starts, would otherwise compile them again (9 s of CPU
# for one collection). The dependencies are compiled when installed (uv --compile-bytecode).
test-sqlite test-postgres test-later: export PYTHONDONTWRITEBYTECODE :=

# pytest exit code 5 ("no tests collected") is a failure here, like any non-zero code.
# The SQLite pass runs every test, the browser journeys included, with the clock moved
# $(CLOCK_OFFSET_DAYS) days ahead (a test that quietly relies on today's date fails now, not next
# year); the PostgreSQL pass runs at today's clock without the browser journeys, which drive
# the same services the rest of the suite tests on both databases.
test-sqlite: install fonts chromium libreoffice verifiers
	@echo "== pytest on SQLite, clock moved $(CLOCK_OFFSET_DAYS) days ahead, browser journeys included =="
	@env -u DATABASE_URL $(BIN)/pytest -q -n 2 --dist worksteal --durations=12 --clock-offset-days $(CLOCK_OFFSET_DAYS) $(if $(ONCE_SPLIT),--once-part first); rc=$$?; [ $$rc -eq 0 ] || { echo "pytest (SQLite, clock +$(CLOCK_OFFSET_DAYS) days) exit $$rc"; exit 1; }

## the whole suite again with the clock 400 days ahead: a test (or the demo) that quietly
## relies on today's date fails now, not next year
CLOCK_OFFSET_DAYS := 400
test-later: install fonts chromium libreoffice verifiers
	@echo "== pytest on SQLite, clock moved $(CLOCK_OFFSET_DAYS) days ahead =="
	@env -u DATABASE_URL $(BIN)/pytest -q -n 2 --clock-offset-days $(CLOCK_OFFSET_DAYS); rc=$$?; [ $$rc -eq 0 ] || { echo "pytest (clock +$(CLOCK_OFFSET_DAYS) days) exit $$rc"; exit 1; }

test-postgres: install fonts chromium
	@url="$${DATABASE_URL:-$(PG_URL)}"; \
	if $(PY) -m skillcert.config.dbping "$$url"; then \
	  echo "== pytest on PostgreSQL: the tests that use the database (browser journeys, verifiers and LibreOffice run on SQLite only; the tests marked once in one of the two passes) =="; \
	  DATABASE_URL="$$url" $(BIN)/pytest -q -n 2 --dist worksteal --database-tests-only --durations=12 -m "not browser and not verifiers and not libreoffice$(if $(ONCE_SPLIT),, and not once)" $(if $(ONCE_SPLIT),--once-part second); rc=$$?; [ $$rc -eq 0 ] || { echo "pytest (PostgreSQL) exit $$rc"; exit 1; }; \
	else echo "== PostgreSQL not reachable at $$url: skipping the PostgreSQL run =="; fi

## test: the static checks and the two database passes side by side (each pass waits on its
## browser, LibreOffice or database server part of the time; together they keep both cores
## busy); each target's output is printed whole when it ends. When PostgreSQL answers, the
## tests marked `once` are split between the two passes (`--once-part`), each test always
## to the same one, so that neither pass waits on the other at the end. The static checks
## run at a lower priority: they end minutes before the passes, in the time the passes
## wait on Chromium or PostgreSQL, instead of slowing every worker's start.
test: install fonts chromium libreoffice verifiers
	@if $(PY) -m skillcert.config.dbping "$${DATABASE_URL:-$(PG_URL)}" >/dev/null 2>&1; then split=1; else split=; fi; \
	$(MAKE) -s -j4 --output-sync=target lint typecheck test-sqlite test-postgres ONCE_SPLIT=$$split CHECKS_NICE="nice -n 15"

bench: setup
	@set -e; for f in bench/*.py; do echo "== $$f"; $(PY) $$f; done

clean:
	rm -rf $(VENV) var/staticfiles

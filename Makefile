.PHONY: demo test bench
demo:  ## install everything and serve Inspira with demo data at http://127.0.0.1:8000
	bin/demo
test:  ## install everything and run every test, on SQLite and on PostgreSQL
	bin/test
bench:  ## build S/M/L data in PostgreSQL, load the main pages under gunicorn, write bench/RESULTS.md
	bin/bench

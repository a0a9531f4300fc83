.PHONY: demo test
demo:  ## install everything and serve Inspira with demo data at http://127.0.0.1:8000
	bin/demo
test:  ## install everything and run every test, on SQLite and on PostgreSQL
	bin/test

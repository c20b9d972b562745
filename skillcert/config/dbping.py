"""Exit 0 when the database at the given URL answers (used by `make test` to decide
whether to run the PostgreSQL pass)."""

import sys

import dj_database_url


def main(url: str) -> int:
    config = dj_database_url.parse(url)
    if "postgres" not in config["ENGINE"] and "postgis" not in config["ENGINE"]:
        return 1
    try:
        import psycopg

        with psycopg.connect(
            host=config["HOST"] or "127.0.0.1",
            port=int(config["PORT"] or 5432),
            user=config["USER"] or "postgres",
            password=config["PASSWORD"] or None,
            dbname="postgres",
            connect_timeout=3,
        ):
            return 0
    except Exception:
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

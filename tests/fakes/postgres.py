"""Throwaway databases on the machine's PostgreSQL (127.0.0.1:5432, trust auth) for the tests of
the scaled-out set-up: created under a fresh name, dropped afterwards with whatever still holds them."""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from typing import Iterator

import psycopg2
import pytest

POSTGRES_HOST = "127.0.0.1"
POSTGRES_PORT = 5432
POSTGRES_USER = "postgres"


def connect(dbname: str = "postgres") -> "psycopg2.extensions.connection":
    try:
        connection = psycopg2.connect(host=POSTGRES_HOST, port=POSTGRES_PORT, user=POSTGRES_USER, dbname=dbname)
    except psycopg2.OperationalError as error:
        pytest.fail(f"these tests need PostgreSQL at 127.0.0.1:5432 (scripts/test_services.sh starts it): {error}")
    return connection


def drop_database(name: str) -> None:
    admin = connect()
    admin.autocommit = True  # DROP DATABASE cannot run in a transaction
    with admin.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        )
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.close()


@contextmanager
def throwaway_database(prefix: str, create: bool = True) -> Iterator[str]:
    """A database name unused so far (created unless `create` is False: the code under test creates
    it); dropped on the way out."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    if create:
        admin = connect()
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        admin.close()
    try:
        yield name
    finally:
        drop_database(name)


def database_url(name: str, port: int = POSTGRES_PORT) -> str:
    return f"postgresql://{POSTGRES_USER}@{POSTGRES_HOST}:{port}/{name}"

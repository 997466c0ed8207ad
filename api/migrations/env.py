"""Alembic environment: the metadata of api.models, the URL from the config carbonkit builds."""

from __future__ import annotations

from alembic import context
from sqlalchemy import engine_from_config, pool, text
from sqlmodel import SQLModel

import api.models  # noqa: F401 - registers the tables

config = context.config
target_metadata = SQLModel.metadata
# Several workers starting at once each migrate in their lifespan. On PostgreSQL they queue on this
# transaction-scoped advisory lock, so the first migrates and the others find the schema at head (without it
# two workers created the same table and one failed). On SQLite the driver does not open a transaction
# before DDL, so the same race happened there; BEGIN IMMEDIATE takes the write lock before the version is read.
MIGRATION_LOCK = 0x636B_6D69_6772  # "ckmigr"


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = engine_from_config(config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.",
                                     poolclass=pool.NullPool)
    with connectable.connect() as connection:
        # SQLite runs DDL in transactions, but Alembic assumes it cannot and commits after each migration,
        # which ended the write lock below between migrations (a second worker then applied 0002 again).
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True,
                          transactional_ddl=True)
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK})
            elif connection.dialect.name == "sqlite":
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()

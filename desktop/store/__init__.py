"""The durable case store: SQLite via sqlmodel, alembic migrations, and the Store API. Qt-free."""

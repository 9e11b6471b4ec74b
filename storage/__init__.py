"""Persistence: SQLAlchemy 2 async models, repositories returning flow dataclasses, migrations."""

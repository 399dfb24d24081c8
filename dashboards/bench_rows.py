"""Row writers for `seed_bench`: PostgreSQL COPY where the database has it, bulk_create
elsewhere (SQLite, where the suite also runs).

The seeder hands over plain tuples, one per row, whose first column is the primary key it
chose (`RowWriter.next_id`): a referral can name its consent, a goal its plan, without a
round trip. Columns a table spec leaves out take the model's default, as bulk_create would
give them. On COPY the values go through the same conversions as the model fields: JSON
as JSON text, encrypted fields as Fernet tokens from `cases.encryption`, so the app reads
the seeded rows exactly as its own.
"""

import datetime as dt
import io
import json
import time
from contextlib import contextmanager

from django.db import connection
from django.db.models import JSONField
from django.utils import timezone

from cases.encryption import EncryptedTextField, fernet

# COPY's text format with NULL written as Python writes None: a row is then
# "\t".join(map(str, row)). The seeder's values hold no tab, newline or backslash (invented
# words, numbers, dates, base64 tokens), so nothing needs escaping.
COPY_NULL = "None"


class RowWriter:
    """Collects a batch of rows per table, writes them on `flush`, in the order the tables
    were declared (parents first)."""

    def __init__(self, specs: list[tuple[type, tuple[str, ...]]]):
        self.specs = {model: columns for model, columns in specs}
        self.pending: dict[type, list[tuple]] = {model: [] for model in self.specs}
        self.last_id = {model: self._max_id(model) for model in self.specs}
        self.written: dict[str, int] = {model._meta.db_table: 0 for model in self.specs}
        self.rebuilt: dict[str, float] = {}  # seconds spent building indexes and keys again

    @staticmethod
    def _max_id(model) -> int:
        return model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def next_id(self, model) -> int:
        """Ids are handed out here: the seeder must be the only writer while it runs
        (it insists on a fresh database)."""
        self.last_id[model] += 1
        return self.last_id[model]

    def add(self, model, row: tuple) -> None:
        self.pending[model].append(row)

    def flush(self) -> None:
        for model, rows in self.pending.items():
            if rows:
                self._write(model, rows)
                self.written[model._meta.db_table] += len(rows)
                rows.clear()

    def finish(self) -> None:
        """After the last batch: the sequences continue after the ids handed out."""

    @contextmanager
    def indexes_set_aside(self):
        """Where it pays, the tables' secondary indexes and foreign keys are dropped for the
        load and built again after it."""
        yield

    def _write(self, model, rows: list[tuple]) -> None:
        raise NotImplementedError


class BulkWriter(RowWriter):
    """Model instances and bulk_create: the fields' own conversions and defaults apply."""

    def _write(self, model, rows):
        columns = self.specs[model]
        model.objects.bulk_create(
            [model(**dict(zip(columns, row, strict=True))) for row in rows], batch_size=2_000
        )


class CopyWriter(RowWriter):
    """COPY … FROM STDIN, a few megabytes at a time."""

    def __init__(self, specs):
        super().__init__(specs)
        self.layout = {model: self._layout(model, columns) for model, columns in self.specs.items()}

    def _layout(self, model, columns):
        fields = {f.attname: f for f in model._meta.concrete_fields}
        unknown = set(columns) - set(fields)
        if unknown:
            raise ValueError(f"{model.__name__} has no columns {sorted(unknown)}")
        converters = [
            (index, _converter(fields[name]))
            for index, name in enumerate(columns)
            if _converter(fields[name])
        ]
        # The other columns: one text for the constant defaults, computed once; a default
        # that differs on every call (a random key, say) is computed for every row.
        constant, per_row = [], []
        for name, field in fields.items():
            if name in columns:
                continue
            value = _default(field)
            if field.has_default() and callable(field.default) and value != _default(field):
                if not isinstance(value, dt.datetime):  # "now": taken once a batch
                    per_row.append(field)
                    continue
            constant.append((field, value))
        names = [
            *(fields[name].column for name in columns),
            *(field.column for field, _value in constant),
            *(field.column for field in per_row),
        ]
        quoted = ", ".join(connection.ops.quote_name(n) for n in names)
        sql = (
            f"COPY {connection.ops.quote_name(model._meta.db_table)} ({quoted}) "
            f"FROM STDIN WITH (FORMAT text, NULL '{COPY_NULL}')"
        )
        return sql, converters, constant, per_row

    def _write(self, model, rows):
        sql, converters, constant, per_row = self.layout[model]
        # "now" is taken again for every batch, as bulk_create would: the latest batch alone
        # carries the latest change (what an `updated_since` request finds).
        tail = "".join(
            "\t" + _text(field, _default(field) if isinstance(value, dt.datetime) else value)
            for field, value in constant
        )
        buffer = io.StringIO()
        write = buffer.write
        for row in rows:
            if converters:
                row = list(row)
                for index, convert in converters:
                    if row[index] is not None:
                        row[index] = convert(row[index])
            line = "\t".join(map(str, row)) + tail
            for field in per_row:
                line += "\t" + _text(field, _default(field))
            write(line + "\n")
        buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.copy_expert(sql, buffer)

    def finish(self):
        with connection.cursor() as cursor:
            for model in self.specs:
                table, pk = model._meta.db_table, model._meta.pk.column
                last = self.last_id[model]
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, %s), %s, %s)",
                    [table, pk, max(last, 1), last > 0],
                )

    @contextmanager
    def indexes_set_aside(self):
        """Without secondary indexes and foreign keys during the load (COPY then only appends,
        and no commit checks every row's parents one by one), and built again after it from
        their own definitions, whatever other migrations added: one sort per index, one join
        per foreign key, which checks every row as the triggers would have. Unique indexes
        stay (and check every row as it comes). Run it inside a transaction: a failed load
        then leaves the schema as it was."""
        if not connection.in_atomic_block:
            raise RuntimeError("indexes_set_aside needs a transaction around the load.")
        tables = [model._meta.db_table for model in self.specs]
        with connection.cursor() as cursor:
            # The rows written so far (organisations, users) are checked now: a table with
            # checks pending cannot be altered.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                "FROM pg_constraint WHERE contype = 'f' AND conrelid IN "
                "(SELECT oid FROM pg_class WHERE relname = ANY(%s)) ORDER BY conname",
                [tables],
            )
            foreign_keys = cursor.fetchall()
            cursor.execute(
                "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
                "WHERE indrelid IN (SELECT oid FROM pg_class WHERE relname = ANY(%s)) "
                "AND NOT indisunique ORDER BY 1",
                [tables],
            )
            indexes = cursor.fetchall()
            for table, name, _definition in foreign_keys:
                cursor.execute(
                    f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}"
                )
            for name, _definition in indexes:
                cursor.execute(f"DROP INDEX {name}")
        yield
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            started = time.monotonic()
            for _name, definition in indexes:
                cursor.execute(definition)
            self.rebuilt[f"{len(indexes)} indexes"] = time.monotonic() - started
            started = time.monotonic()
            for table, name, definition in foreign_keys:
                name = connection.ops.quote_name(name)
                cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
            self.rebuilt[f"{len(foreign_keys)} foreign keys"] = time.monotonic() - started
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def row_writer(specs) -> RowWriter:
    return CopyWriter(specs) if connection.vendor == "postgresql" else BulkWriter(specs)


def _converter(field):
    if isinstance(field, EncryptedTextField):
        cipher = fernet()
        return lambda value: cipher.encrypt(value.encode()).decode() if value else value
    if isinstance(field, JSONField):
        return lambda value: json.dumps(value, cls=field.encoder)
    return None


def _default(field):
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return timezone.now()
    return field.get_default()


def _text(field, value) -> str:
    if value is None:
        return COPY_NULL
    convert = _converter(field)
    if convert:
        return convert(value)
    value = field.get_db_prep_save(value, connection)
    return str(value)

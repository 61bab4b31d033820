"""The finance batch export: its columns, defined once as SQL, and its rows; rendered to
CSV and XLSX by workforce/platform/exports.py, which also holds the one formula guard.

- The same batch gives the same bytes on every download until its claims are marked paid
  (the tax-year column then fills in): rows come only from data that can no longer change
  otherwise (claims in a batch, the batch's own copy of names), in a fixed order, and the
  XLSX is stamped with the batch's creation time.
- Both stream at a million lines in bounded memory (bench/export.py measures it): the CSV
  is PostgreSQL's COPY of the columns, and the XLSX rows come as plain tuples from a
  server-side cursor.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from payments.models import Batch, BatchLine, Claim, ExpenseLine, PaymentMethod, RateCard
from workforce.platform.exports import CHUNK, copy_csv, neutralise_sql, render_xlsx

Row = list  # of str | Decimal | int | date
# The tax year the claim was paid in; empty while the claim is not yet paid.
TAX_YEAR_HEADER = "Tax year paid (blank until paid)"


class Column:
    """One column of an export: its header, its SQL (giving text), and its kind of value.

    kind: "text" (people's words: neutralised in the CSV, an empty one left empty), "label"
    (text the app composes), "int", "money" (rounded to the penny in the SQL), "date"."""

    def __init__(self, header: str, sql: str, kind: str = "text", params=()):
        self.header, self.sql, self.kind, self.params = header, sql, kind, list(params)


_PARSE = {"int": int, "money": Decimal, "date": dt.date.fromisoformat}


def _gbp_sql(expr: str) -> str:
    """format_gbp in SQL, for amounts that are never negative (a CHECK says so)."""
    return f"'£' || to_char({expr}, 'FM99,999,990.00')"


def _reference_sql(letter: str, expr: str, digits: int) -> str:
    """Claim.reference / Batch.reference in SQL (lpad alone would cut a longer number)."""
    return (
        f"'{letter}' || CASE WHEN {expr} < {10**digits} "
        f"THEN lpad({expr}::text, {digits}, '0') ELSE {expr}::text END"
    )


class BatchExport:
    """The finance report of one batch: its header and rows.

    The columns are SQL, defined once. The CSV is PostgreSQL's own COPY of them (a million
    lines in about the time the database takes to read them); rows() (XLSX, tests) reads
    the same SELECT through a server-side cursor and turns the text back into typed values.
    """

    money_columns = {"Fee", "Expenses", "Total"}
    widths = [9, 9, 16, 24, 16, 36, 12, 5, 30, 10, 10, 10, 12, 14, 22, 17, 30]

    def __init__(self, batch: Batch):
        self.batch = batch

    @property
    def filename(self) -> str:
        return f"payments-{self.batch.reference}"

    @staticmethod
    def columns() -> list[Column]:
        methods = " ".join("WHEN %s THEN %s" for _ in PaymentMethod.choices)
        method_params = [value for choice in PaymentMethod.choices for value in choice]
        # periods.tax_year_label of the payment date: HMRC and DWP count income when it is
        # paid, so a March activity paid in April belongs to the new tax year (6 April to
        # 5 April). A claim not yet paid has no tax year: the cell is empty, as the header says.
        year = "extract(year FROM c.paid_on)::int"
        start = f"({year} - CASE WHEN c.paid_on < make_date({year}, 4, 6) THEN 1 ELSE 0 END)"
        gbp = _gbp_sql("c.fee")
        flag = (
            f"CASE WHEN c.payment_method = %s THEN 'Declined (card fee ' || {gbp} || ')' "
            f"WHEN c.payment_method = %s THEN 'Expenses only (card fee ' || {gbp} || ')' "
            f"WHEN c.payment_method = %s AND c.fee_payable < c.fee THEN 'Reduced from ' || {gbp} "
            "ELSE '' END"
        )
        return [
            Column("Batch", _reference_sql("B", "l.batch_id", 5), "label"),
            Column("Claim", _reference_sql("C", "c.id", 6), "label"),
            Column("Payee reference", "l.payee_reference"),
            Column("Name", "l.payee_name"),
            Column(
                "Payment method", f"CASE c.payment_method {methods} END", "label", method_params
            ),
            Column("Activity", "c.description"),
            Column("Activity date", "to_char(c.activity_date, 'YYYY-MM-DD')", "date"),
            Column("Tier", "c.tier::text", "int"),
            Column("Rate card", "r.name"),
            Column("Fee", "round(c.fee_payable, 2)::text", "money"),
            Column("Expenses", "round(COALESCE(e.total, 0), 2)::text", "money"),
            Column("Total", "round(c.fee_payable + COALESCE(e.total, 0), 2)::text", "money"),
            Column("Cost code", "c.cost_code"),
            Column(
                TAX_YEAR_HEADER,
                f"COALESCE({start}::text || '/' || lpad(mod({start} + 1, 100)::text, 2, '0'), '')",
                "label",
            ),
            Column("Approved by", "l.approved_by_name"),
            Column(
                "Approved at",
                "to_char(c.decided_at AT TIME ZONE %s, 'YYYY-MM-DD HH24:MI')",
                "label",
                [timezone.get_current_timezone_name()],
            ),
            Column(
                "Declined or reduced",
                flag,
                "label",
                [PaymentMethod.DECLINED, PaymentMethod.EXPENSES_ONLY, PaymentMethod.REDUCED],
            ),
        ]

    headers = [
        "Batch",
        "Claim",
        "Payee reference",
        "Name",
        "Payment method",
        "Activity",
        "Activity date",
        "Tier",
        "Rate card",
        "Fee",
        "Expenses",
        "Total",
        "Cost code",
        TAX_YEAR_HEADER,
        "Approved by",
        "Approved at",
        "Declined or reduced",
    ]

    def _select(self, *, neutralised: bool) -> tuple[str, list]:
        """The batch's lines in position order; `neutralised`: as the CSV shows them."""
        line, claim = BatchLine._meta.db_table, Claim._meta.db_table
        card, expense = RateCard._meta.db_table, ExpenseLine._meta.db_table
        columns, params = [], []
        for column in self.columns():
            if neutralised and column.kind == "text":
                guarded, guard_params = neutralise_sql(column.sql)
                columns.append(guarded)
                params.extend(guard_params)
            else:
                columns.append(column.sql)
            params.extend(column.params)
        # Table names from the models and the fixed SQL above; every value is a parameter.
        sql = (
            f"SELECT {', '.join(columns)} FROM {line} l "  # noqa: S608
            f"JOIN {claim} c ON c.id = l.claim_id "
            f"JOIN {card} r ON r.id = c.rate_card_id "
            f"LEFT JOIN (SELECT x.claim_id, sum(x.amount) AS total FROM {expense} x "
            f"WHERE x.claim_id IN (SELECT claim_id FROM {line} WHERE batch_id = %s) "
            f"GROUP BY x.claim_id) e ON e.claim_id = l.claim_id "
            f"WHERE l.batch_id = %s ORDER BY l.position"
        )
        return sql, [*params, self.batch.pk, self.batch.pk]

    @property
    def kinds(self) -> list[str]:
        return [column.kind for column in self.columns()]

    def lines(self) -> Iterator[list]:
        """The header, then the rows: what the XLSX (and the tests' CSV) is rendered from."""
        yield list(self.headers)
        yield from self.rows()

    def rows(self) -> Iterator[Row]:
        parsers = [(i, _PARSE[c.kind]) for i, c in enumerate(self.columns()) if c.kind in _PARSE]
        sql, params = self._select(neutralised=False)
        # In a transaction the server-side cursor streams; outside one Django declares it
        # WITH HOLD, and PostgreSQL first copies the whole result aside.
        with transaction.atomic(), connection.chunked_cursor() as cursor:
            cursor.execute(sql, params)
            while chunk := cursor.fetchmany(CHUNK):
                for values in chunk:
                    row = list(values)
                    for i, parse in parsers:
                        row[i] = parse(row[i])
                    yield row

    def csv(self) -> Iterator[bytes]:
        """The same rows as CSV, written by PostgreSQL (COPY) with the text cells neutralised
        in the SQL."""
        sql, params = self._select(neutralised=True)
        yield from copy_csv(self.headers, sql, params)


def batch_csv(batch: Batch) -> Iterator[bytes]:
    return BatchExport(batch).csv()


def batch_xlsx(batch: Batch):
    export = BatchExport(batch)
    return render_xlsx(
        export.lines(),
        title=f"Batch {batch.reference}",
        stamped=batch.created_at,
        kinds=export.kinds,
        widths=export.widths,
    )

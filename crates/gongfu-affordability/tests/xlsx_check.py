"""Opens an affordability workbook with openpyxl, as a finance clerk's spreadsheet would,
and checks that every sheet is one aligned table: row 1 holds a header in every column
that has data, every header has data under it, and no value stands right of the last
header. Prints one line per sheet; exits 1 with every problem found.

Usage: python3 xlsx_check.py RUN.xlsx
"""

import sys

import openpyxl


def main(path):
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    problems = []
    for ws in book.worksheets:
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        if not rows:
            problems.append(f"{ws.title}: the sheet is empty")
            continue
        header = rows[0]
        while header and header[-1] in (None, ""):
            header.pop()
        data = [r for r in rows[1:] if any(v not in (None, "") for v in r)]
        if not data:
            problems.append(f"{ws.title}: no data rows under the header")
        for c, h in enumerate(header):
            name = openpyxl.utils.get_column_letter(c + 1)
            if h in (None, ""):
                problems.append(f"{ws.title}!{name}1: a column without a header")
                continue
            empty = [i + 2 for i, r in enumerate(data) if c >= len(r) or r[c] in (None, "")]
            if empty:
                problems.append(
                    f"{ws.title}!{name} ({h}): no value in data row(s) {empty[:5]}"
                )
        for i, r in enumerate(data):
            extra = [c for c in range(len(header), len(r)) if r[c] not in (None, "")]
            if extra:
                name = openpyxl.utils.get_column_letter(extra[0] + 1)
                problems.append(
                    f"{ws.title}!{name}{i + 2}: a value right of the last header ({r[extra[0]]!r})"
                )
        print(f"{ws.title}: {len(header)} columns, {len(data)} rows")
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

#!/usr/bin/env python3
"""Checks gongfu's Open Referral HSDS 3.0 exports against the official compiled schemas.

Usage: hsds_check.py SCHEMAS DIR

SCHEMAS is data/hsds/schema: `organization.json` and `tabular.json` as Open Referral
publishes them (schema/compiled/ of openreferral/specification, tag v3.0; see the README
there). DIR holds what tests/api/hsds.rs fetched from the export endpoints:

- `items.hsds.json` (GET /api/v1/exports/items?format=hsds): every `organizations[]` is
  validated against compiled/organization.json (its services, their funding and attributes
  nested as the schema nests them), every `taxonomies[]` and `taxonomy_terms[]` against its
  table in compiled/tabular.json;
- `items.hsds.zip` (format=hsds-csv): every row of every `<table>.csv` against that table in
  compiled/tabular.json, an empty cell read as an absent value (CSV has no null);
- `points.hsds.json` (GET /api/v1/exports/points?format=hsds): every `locations[]` against
  the location of compiled/organization.json (addresses, phones and schedules nested),
  every `service_at_locations[]` against its table in compiled/tabular.json.

A top-level array of an export this script does not know fails, so a table added to an
export is checked or noticed. Validation is Draft 2020-12 (the dialect of HSDS 3.0's
OpenAPI document) with formats checked, in two passes, the way the specification checks its
own examples: as published, then with every object closed except to the profile's
`gongfu_*` properties (docs/hsds-profile.md), so a field HSDS 3.0 does not define fails.

Every failure is printed with the export, the record and the JSON path at fault, and the
failures of each pass are counted; the exit status is 1 when anything failed. Written for
the test, run by it; needs `python3 -m pip install jsonschema`.
"""

import copy
import csv
import io
import json
import sys
import zipfile
from pathlib import Path

from jsonschema import Draft202012Validator

# Failures printed per export and pass at most; the rest are counted.
PRINTED = 15
# The profile's own properties: the only ones the closed pass lets through.
PROFILE_PREFIX = "^gongfu_"


def close(schema):
    """Closes every object schema that lists properties to all but the profile's, in place."""
    if isinstance(schema, dict):
        if "properties" in schema and "additionalProperties" not in schema:
            schema["additionalProperties"] = False
            schema.setdefault("patternProperties", {})[PROFILE_PREFIX] = {}
        for value in schema.values():
            close(value)
    elif isinstance(schema, list):
        for value in schema:
            close(value)


def validators(schema):
    """The two passes over one schema: as published, and closed."""
    closed = copy.deepcopy(schema)
    close(closed)
    fmt = Draft202012Validator.FORMAT_CHECKER
    return {
        "published": Draft202012Validator(schema, format_checker=fmt),
        "closed": Draft202012Validator(closed, format_checker=fmt),
    }


class Checker:
    def __init__(self, schemas):
        organization = json.loads((schemas / "organization.json").read_text(encoding="utf-8"))
        tabular = json.loads((schemas / "tabular.json").read_text(encoding="utf-8"))
        self.tables = tabular["properties"]
        self.compiled = {
            "organization": validators(organization),
            "location": validators(organization["properties"]["locations"]["items"]),
        }
        self.table_validators = {}
        self.failures = {"published": 0, "closed": 0}
        self.records = 0
        self.printed = {}

    def table(self, name):
        """The validators of an HSDS table (compiled/tabular.json), or None."""
        if name not in self.tables:
            return None
        if name not in self.table_validators:
            self.table_validators[name] = validators(self.tables[name]["items"])
        return self.table_validators[name]

    def fail(self, export, message, kind="published"):
        self.failures[kind] += 1
        shown = self.printed.get((export, kind), 0)
        self.printed[(export, kind)] = shown + 1
        if shown < PRINTED:
            print(f"FAIL [{kind}] {export}: {message}")

    def record(self, export, where, record, passes):
        """Validates one record; the closed pass only runs when the published one passed."""
        self.records += 1
        for kind, validator in passes.items():
            errors = sorted(validator.iter_errors(record), key=lambda e: list(e.absolute_path))
            for e in errors:
                what = e.message if len(e.message) < 200 else e.message[:200] + "…"
                path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}"
                               for p in e.absolute_path)
                if where.endswith(" "):
                    path = path.lstrip(".") or "(the row)"
                self.fail(export, f"{where}{path}: {what}", kind)
            if errors:
                break

    def arrays(self, export, doc, schemas):
        """Each known top-level array's records against its schema; unknown arrays fail."""
        for key, value in doc.items():
            if not isinstance(value, list):
                continue
            passes = schemas.get(key)
            if passes is None:
                self.fail(export, f"top-level array `{key}` has no HSDS schema in this check")
                continue
            for i, record in enumerate(value):
                self.record(export, f"{key}[{i}]", record, passes)
        for key in schemas:
            if not isinstance(doc.get(key), list):
                self.fail(export, f"no `{key}` array")

    def items_json(self, path):
        doc = json.loads(path.read_text(encoding="utf-8"))
        self.arrays(path.name, doc, {
            "organizations": self.compiled["organization"],
            "taxonomies": self.table("taxonomy"),
            "taxonomy_terms": self.table("taxonomy_term"),
        })

    def points_json(self, path):
        doc = json.loads(path.read_text(encoding="utf-8"))
        self.arrays(path.name, doc, {
            "locations": self.compiled["location"],
            "service_at_locations": self.table("service_at_location"),
        })

    def csv_zip(self, path):
        with zipfile.ZipFile(path) as z:
            names = [n for n in z.namelist() if n.endswith(".csv")]
            if not names:
                self.fail(path.name, "no CSV tables in the package")
            for name in names:
                table = name[: -len(".csv")]
                passes = self.table(table)
                if passes is None:
                    self.fail(path.name, f"{name}: `{table}` is not an HSDS 3.0 table")
                    continue
                text = z.read(name).decode("utf-8")
                for i, row in enumerate(csv.DictReader(io.StringIO(text))):
                    record = {k: v for k, v in row.items() if v != ""}
                    # Row 1 is the header, as a spreadsheet counts.
                    self.record(path.name, f"{name} row {i + 2}, ", record, passes)


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    schemas, folder = Path(sys.argv[1]), Path(sys.argv[2])
    c = Checker(schemas)
    c.items_json(folder / "items.hsds.json")
    c.csv_zip(folder / "items.hsds.zip")
    c.points_json(folder / "points.hsds.json")
    for (export, kind), n in sorted(c.printed.items()):
        if n > PRINTED:
            print(f"     ... {export} [{kind}]: {n - PRINTED} more")
    print(f"{c.records} records validated; {c.failures['published']} failure(s) against the "
          f"published schemas, {c.failures['closed']} more with objects closed to HSDS 3.0's "
          f"fields and the gongfu_* profile")
    return 1 if sum(c.failures.values()) else 0


if __name__ == "__main__":
    sys.exit(main())

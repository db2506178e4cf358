#!/usr/bin/env python3
"""Checks gongfu's OpenAPI document, and real answers of the API against it.

Usage: openapi_check.py DIR

DIR holds what tests/api/openapi.rs writes: `openapi.json`, the document served at
/api/openapi.json, and `samples.json`, a list of answers, each
{"method", "path" (the documented template), "url", "status", "content_type", "json" (whether
the body is JSON), "body"}.

1. The document is valid OpenAPI 3.1 (openapi-spec-validator).
2. Each answer's status is documented for its operation, with the answer's content type (no
   content for 204 and 304); a file's schema is a string.
3. Each JSON body validates against the schema of its operation, status and content type
   (jsonschema, Draft 2020-12, the dialect of OpenAPI 3.1; `$ref`s resolve into the document).
4. No JSON body carries a property its schema does not name: the bodies are validated again
   with every object schema that lists properties closed (`unevaluatedProperties: false`).

Every failure is printed with the operation, the status and the JSON path at fault; the exit
status is 1 when anything failed. Written for the test, run by it; needs
`python3 -m pip install openapi-spec-validator jsonschema`.
"""

import copy
import json
import sys
import urllib.parse
from pathlib import Path

from jsonschema import Draft202012Validator
from openapi_spec_validator import OpenAPIV31SpecValidator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

DOC_URI = "urn:gongfu:openapi"
BODILESS = {204, 304}
# Failures printed per answer at most; the rest are counted.
PER_ANSWER = 10


def pointer(*parts):
    """A JSON pointer to `parts`, as a URI fragment."""
    escaped = (str(p).replace("~", "~0").replace("/", "~1") for p in parts)
    return urllib.parse.quote("/" + "/".join(escaped), safe="/~")


def media_type(content_type):
    return content_type.split(";")[0].strip().lower()


def find_content(content, content_type):
    """The declared media type matching an answer's Content-Type, or None."""
    if content_type in content:
        return content_type
    base = media_type(content_type)
    for key in content:
        if media_type(key) == base:
            return key
    return None


def resolve(doc, schema):
    while isinstance(schema, dict) and "$ref" in schema:
        ref = schema["$ref"]
        if not ref.startswith("#/"):
            return schema
        node = doc
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        schema = node
    return schema


def schema_children(schema):
    """The subschemas of a schema, with whether each is a direct member of an allOf."""
    if not isinstance(schema, dict):
        return
    for key in ("properties", "patternProperties", "$defs"):
        for sub in (schema.get(key) or {}).values():
            yield sub, False
    for key in ("items", "additionalProperties", "unevaluatedProperties", "not",
                "contains", "propertyNames", "if", "then", "else"):
        if isinstance(schema.get(key), dict):
            yield schema[key], False
    for key in ("prefixItems", "oneOf", "anyOf"):
        for sub in schema.get(key) or []:
            yield sub, False
    for sub in schema.get("allOf") or []:
        yield sub, True


def close(schema, in_all_of, opened):
    """Closes every object schema that lists its properties, in place. A direct member of
    an allOf stays open (its parent is closed instead, which sees the properties all members
    evaluate); a `$ref` member is pointed at an open copy of its target, named in `opened`."""
    if not isinstance(schema, dict):
        return
    lists = "properties" in schema or "allOf" in schema
    if lists and not in_all_of and not (
        "additionalProperties" in schema or "unevaluatedProperties" in schema
    ):
        schema["unevaluatedProperties"] = False
    for i, member in enumerate(schema.get("allOf") or []):
        ref = member.get("$ref", "") if isinstance(member, dict) else ""
        if ref.startswith("#/components/schemas/"):
            name = ref.rsplit("/", 1)[1]
            opened.add(name)
            schema["allOf"][i] = dict(member, **{"$ref": ref + "__open"})
    for sub, member in schema_children(schema):
        close(sub, member, opened)


def closed_document(doc):
    strict = copy.deepcopy(doc)
    opened = set()
    schemas = strict.get("components", {}).get("schemas", {})
    for schema in schemas.values():
        close(schema, False, opened)
    for ops in strict.get("paths", {}).values():
        for op in ops.values():
            if not isinstance(op, dict):
                continue
            for response in (op.get("responses") or {}).values():
                for media in (response.get("content") or {}).values():
                    close(media.get("schema"), False, opened)
    for name in opened:
        open_copy = copy.deepcopy(schemas[name])
        open_copy.pop("unevaluatedProperties", None)
        schemas[name + "__open"] = open_copy
    return strict


def registry_for(doc):
    resource = Resource.from_contents(doc, default_specification=DRAFT202012)
    return Registry().with_resource(DOC_URI, resource)


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    folder = Path(sys.argv[1])
    doc = json.loads((folder / "openapi.json").read_text(encoding="utf-8"))
    samples = json.loads((folder / "samples.json").read_text(encoding="utf-8"))
    failures = 0

    for error in OpenAPIV31SpecValidator(doc).iter_errors():
        failures += 1
        where = "/".join(str(p) for p in error.absolute_path)
        print(f"FAIL document: /{where}: {error.message}")

    registries = {"plain": registry_for(doc), "closed": registry_for(closed_document(doc))}
    validated = 0
    for s in samples:
        method, path, status = s["method"], s["path"], s["status"]
        op_name = f"{method.upper()} {path} {status}"
        op = doc.get("paths", {}).get(path, {}).get(method)
        if op is None:
            failures += 1
            print(f"FAIL {op_name} ({s['url']}): the operation is not in the document")
            continue
        responses = op.get("responses", {})
        code = next(
            (c for c in (str(status), f"{str(status)[0]}XX", "default") if c in responses), None
        )
        if code is None:
            failures += 1
            print(f"FAIL {op_name} ({s['url']}): status {status} is not documented; "
                  f"documented: {', '.join(responses)}")
            continue
        content = responses[code].get("content") or {}
        if status in BODILESS:
            if content:
                failures += 1
                print(f"FAIL {op_name}: a {status} answer has no body, but content is declared")
            continue
        media = find_content(content, s["content_type"])
        if media is None:
            failures += 1
            print(f"FAIL {op_name} ({s['url']}): content type {s['content_type']!r} is not "
                  f"declared; declared: {', '.join(content) or 'none'}")
            continue
        schema = content[media].get("schema")
        if schema is None:
            failures += 1
            print(f"FAIL {op_name} {media}: no schema")
            continue
        if not s["json"]:
            if resolve(doc, schema).get("type") != "string":
                failures += 1
                print(f"FAIL {op_name} {media}: a file's schema must be a string (binary)")
            continue
        ref = {"$ref": DOC_URI + "#" + pointer("paths", path, method, "responses", code,
                                                "content", media, "schema")}
        validated += 1
        for kind, registry in registries.items():
            errors = list(Draft202012Validator(ref, registry=registry).iter_errors(s["body"]))
            for e in errors[:PER_ANSWER]:
                what = e.message if len(e.message) < 300 else e.message[:300] + "…"
                if kind == "closed" and e.validator == "unevaluatedProperties":
                    what = f"a property the schema does not name: {what}"
                print(f"FAIL {op_name} ({s['url']}): {e.json_path}: {what}")
            if len(errors) > PER_ANSWER:
                print(f"     ... and {len(errors) - PER_ANSWER} more")
            failures += len(errors)
            if errors:
                break  # the closed pass would repeat the plain one's findings

    operations = len({(s["method"], s["path"]) for s in samples})
    print(f"{len(samples)} answers of {operations} operations, {validated} JSON bodies "
          f"validated; {failures} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

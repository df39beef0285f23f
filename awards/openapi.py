"""The public interface as an OpenAPI 3.1 document, written by hand and served at /openapi.json.

tests/views/test_public.py checks that every path here is routed and that the JSON open data
has the documented required keys. Column and key names are English and stable.
"""

from awards.services.public_results import CSV_COLUMNS

_SLUG = {"name": "edition_slug", "in": "path", "required": True, "schema": {"type": "string"},
         "description": "The edition's short name, e.g. psw-2026.", "example": "psw-2026"}
_CODE = {"name": "category_code", "in": "path", "required": True, "schema": {"type": "string"},
         "description": "The category's code within the edition, e.g. innovation.", "example": "innovation"}
_LANG = {"name": "Accept-Language", "in": "header", "required": False, "schema": {"type": "string"},
         "description": "sw (default) or en: the language of the HTML pages."}
_IF_NONE_MATCH = {"name": "If-None-Match", "in": "header", "required": False, "schema": {"type": "string"},
                  "description": "The ETag of a copy you hold: 304 (no body) when it is still current."}
_CACHED = {
    "ETag": {"description": "Changes when the publication, the language or the public places change.",
             "schema": {"type": "string"}},
    "Cache-Control": {"description": "public, max-age=60", "schema": {"type": "string"}},
}
_HTML = {"text/html": {"schema": {"type": "string"}}}
_NOT_MODIFIED = {"description": "Not modified: the If-None-Match validator is still current."}
_NOT_FOUND = {"description": "No such edition or category, or nothing published in it yet."}

ROW_SCHEMA = {
    "type": "object",
    "required": list(CSV_COLUMNS),
    "properties": {
        "place": {"type": "integer", "minimum": 1, "description": "1 is first; tied entries share a place."},
        "tied": {"type": "boolean"},
        "institution": {"type": "string"},
        "acronym": {"type": "string"},
        "entry": {"type": "string", "description": "The entry's title."},
        "score": {"type": "string", "pattern": r"^\d+(\.\d+)?$",
                  "description": "The panel's score out of 100, as a decimal string (exact, never a float)."},
        "judges": {"type": "integer", "minimum": 0, "description": "How many judges' scores were counted."},
    },
}

RESULTS_SCHEMA = {
    "type": "object",
    "required": ["edition", "category", "published_at", "sha256", "corrected", "correction_reason",
                 "aggregation", "public_places", "rows", "other_entries"],
    "properties": {
        "edition": {"type": "object", "required": ["slug", "year", "name_sw", "name_en"],
                    "properties": {"slug": {"type": "string"}, "year": {"type": "integer"},
                                   "name_sw": {"type": "string"}, "name_en": {"type": "string"}}},
        "category": {"type": "object", "required": ["code", "name_sw", "name_en"],
                     "properties": {"code": {"type": "string"}, "name_sw": {"type": "string"},
                                    "name_en": {"type": "string"}}},
        "published_at": {"type": "string", "format": "date-time"},
        "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$",
                   "description": "Fingerprint of the frozen publication (shown on the page and certificates)."},
        "corrected": {"type": "boolean", "description": "True when this publication corrects an earlier one."},
        "correction_reason": {"type": ["string", "null"]},
        "aggregation": {"type": "string", "description": "How the judges' scores were combined (e.g. mean)."},
        "public_places": {"type": ["integer", "null"],
                          "description": "null: every place is public; 3: only the podium is listed."},
        "rows": {"type": "array", "items": {"$ref": "#/components/schemas/ResultRow"},
                 "description": "The public places, best first."},
        "other_entries": {"type": "integer", "minimum": 0,
                          "description": "Ranked entries that took part but whose place is not public."},
    },
}


def _page(summary: str, *params) -> dict:
    return {"get": {"summary": summary, "parameters": [*params, _LANG, _IF_NONE_MATCH], "responses": {
        "200": {"description": "The page.", "headers": _CACHED, "content": _HTML},
        "304": _NOT_MODIFIED, "404": _NOT_FOUND}}}


def document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Tuzo public results",
            "version": "1.0.0",
            "description": "Published results of Tanzania's Public Service Week awards (Wiki ya Utumishi wa "
                           "Umma) as pages and open data, and certificate verification. Everything is read "
                           "from the frozen publications; nothing needs an account.",
        },
        "paths": {
            "/": _page("Editions with published results"),
            "/results/{edition_slug}": _page("An edition's categories, published or not, with each podium",
                                             _SLUG),
            "/results/{edition_slug}/{category_code}": _page("A category's published ranking", _SLUG, _CODE),
            "/results/{edition_slug}/{category_code}.json": {"get": {
                "summary": "A category's published ranking as JSON",
                "parameters": [_SLUG, _CODE, _IF_NONE_MATCH],
                "responses": {
                    "200": {"description": "The public places of the ranking.", "headers": _CACHED,
                            "content": {"application/json": {
                                "schema": {"$ref": "#/components/schemas/CategoryResults"}}}},
                    "304": _NOT_MODIFIED, "404": _NOT_FOUND}}},
            "/results/{edition_slug}/{category_code}.csv": {"get": {
                "summary": "A category's published ranking as CSV",
                "description": "UTF-8 (with a byte-order mark), comma-separated, CRLF lines, one header line "
                               f"with the columns {', '.join(CSV_COLUMNS)} (as in ResultRow; tied is true or "
                               "false). Only the public places are listed.",
                "parameters": [_SLUG, _CODE, _IF_NONE_MATCH],
                "responses": {
                    "200": {"description": "The public places of the ranking.", "headers": _CACHED,
                            "content": {"text/csv": {"schema": {"type": "string"}}}},
                    "304": _NOT_MODIFIED, "404": _NOT_FOUND}}},
            "/verify": {"get": {
                "summary": "The certificate verification form; with ?serial= it redirects to the certificate",
                "parameters": [{"name": "serial", "in": "query", "required": False,
                                "schema": {"type": "string"}}, _LANG],
                "responses": {"200": {"description": "The form.", "content": _HTML},
                              "302": {"description": "To /verify/{serial}."},
                              "400": {"description": "Not a serial number.", "content": _HTML},
                              "429": {"description": "Too many lookups from this address; see Retry-After.",
                                      "headers": {"Retry-After": {"schema": {"type": "integer"}}},
                                      "content": _HTML}}}},
            "/verify/{serial}": {"get": {
                "summary": "Whether a certificate is genuine, superseded or revoked, and what it states",
                "parameters": [{"name": "serial", "in": "path", "required": True, "schema": {"type": "string"},
                                "example": "PSW-2026-XXXX-XXXX-XXXX"}, _LANG],
                "responses": {"200": {"description": "The certificate.", "content": _HTML},
                              "404": {"description": "No certificate has this number.", "content": _HTML},
                              "429": {"description": "Too many lookups from this address; see Retry-After.",
                                      "headers": {"Retry-After": {"schema": {"type": "integer"}}},
                                      "content": _HTML}}}},
            "/openapi.json": {"get": {
                "summary": "This document",
                "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {
                    "schema": {"type": "object"}}}}}}},
        },
        "components": {"schemas": {"CategoryResults": RESULTS_SCHEMA, "ResultRow": ROW_SCHEMA}},
    }

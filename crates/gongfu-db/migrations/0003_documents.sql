-- Texts the district holds: standard texts (标准文本) and service guides (办事指南), stored as
-- the structured document the parser made of them (gongfu-texts `Document`, as JSON), with
-- its plain text for search. Same rules as 0001: portable types, times as RFC 3339 text.
--
-- `kind` is 'standard' (doc_key = the canonical standard number, one text per edition) or
-- 'guide' (doc_key = the item code, one guide per item). A text outlives nothing it hangs
-- off: the service layer checks the standard or item exists when the text is written.
CREATE TABLE documents (
    kind TEXT NOT NULL,
    doc_key TEXT NOT NULL,
    title TEXT NOT NULL,
    source_name TEXT NOT NULL,
    source_format TEXT NOT NULL,
    body TEXT NOT NULL,
    plain_text TEXT NOT NULL,
    demo BIGINT NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (kind, doc_key)
);

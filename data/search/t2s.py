#!/usr/bin/env python3
"""Writes t2s.tsv from OpenCC's TSCharacters.txt (Apache-2.0).

Usage: python3 data/search/t2s.py path/to/TSCharacters.txt > data/search/t2s.tsv

Each line of TSCharacters.txt is a traditional character, a tab, and one or more simplified
candidates separated by spaces, the usual one first. gongfu keeps the first candidate and
drops lines whose first candidate is the character itself (OpenCC leaves those to its
phrase dictionary, which gongfu does not use).
"""
import sys

rows = []
with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        line = line.rstrip("\n")
        if not line:
            continue
        trad, cands = line.split("\t")
        simp = cands.split(" ")[0]
        if len(trad) != 1 or len(simp) != 1:
            sys.exit(f"unexpected entry {line!r}: gongfu maps one character to one character")
        if simp != trad:
            rows.append((trad, simp))
rows.sort()
sys.stdout.write("繁体\t简体\n")
for trad, simp in rows:
    sys.stdout.write(f"{trad}\t{simp}\n")

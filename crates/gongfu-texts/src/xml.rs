//! One XML part of a .docx, read as a stream of events straight from the archive.
//!
//! The part is never held whole: it is inflated a chunk at a time, decoded to UTF-8 (a part
//! may be UTF-16 with a byte-order mark), and handed to the XML reader, so that what reading
//! costs is the structures the parsers keep, not the size of the part. Holding the part
//! whole, and a second copy to decode it, cost 120 MB for a 60 MiB `document.xml` that
//! compresses to 200 KB.
//!
//! Three bounds are kept here for every part: at most [`MAX_PART_BYTES`] inflated, whatever
//! the zip header claims; at most [`MAX_NODE_BYTES`] in one node, which the XML reader holds
//! whole; at most [`MAX_DEPTH`] levels of nesting, whose names the XML reader keeps to check
//! end tags.
//!
//! The XML declaration is dropped before the XML reader sees it. What it reads is UTF-8
//! whatever the declaration says, and quick-xml, when another crate of the build enables its
//! `encoding` feature, would otherwise decode the text by the declared encoding.

use std::io::{self, BufRead, Read};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::limits::{Limit, MAX_DEPTH, MAX_NODE_BYTES};
use crate::{TextError, MAX_PART_BYTES};

/// How much is inflated at a time.
const CHUNK: usize = 16 * 1024;

/// The longest XML declaration looked for at the start of a part.
const DECLARATION: usize = 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    /// Not yet known: the first bytes decide.
    Unknown,
    Utf8,
    Utf16 {
        big_endian: bool,
    },
}

/// Why a part stopped being read, kept for the error the XML reader's I/O error stands for.
#[derive(Debug, Clone)]
enum Fault {
    TooLarge,
    NotText,
    Node(usize),
    Inflate(String),
}

/// A part's bytes as UTF-8, a chunk at a time, within the bounds.
struct Decoded<R> {
    inner: R,
    /// Read but not yet decoded: an incomplete character at a chunk's end.
    raw: Vec<u8>,
    /// Decoded, served from `pos`.
    out: Vec<u8>,
    pos: usize,
    encoding: Encoding,
    /// Bytes inflated so far.
    inflated: u64,
    eof: bool,
    /// The declaration is still to be looked for.
    at_start: bool,
    /// Bytes consumed since the current node began.
    node: usize,
    fault: Option<Fault>,
}

impl<R: Read> Decoded<R> {
    fn new(inner: R) -> Self {
        Decoded {
            inner,
            raw: Vec::new(),
            out: Vec::new(),
            pos: 0,
            encoding: Encoding::Unknown,
            inflated: 0,
            eof: false,
            at_start: true,
            node: 0,
            fault: None,
        }
    }

    fn fail(&mut self, fault: Fault) -> io::Error {
        self.fault = Some(fault);
        io::Error::other("the part cannot be read further")
    }

    /// Inflates one chunk and decodes what is whole of it onto `out`.
    fn read_chunk(&mut self) -> io::Result<()> {
        let mut chunk = [0u8; CHUNK];
        let n = loop {
            match self.inner.read(&mut chunk) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(self.fail(Fault::Inflate(e.to_string()))),
            }
        };
        self.inflated += n as u64;
        if self.inflated > MAX_PART_BYTES {
            return Err(self.fail(Fault::TooLarge));
        }
        if n == 0 {
            self.eof = true;
        }
        self.raw.extend_from_slice(&chunk[..n]);
        if self.encoding == Encoding::Unknown {
            if self.raw.len() < 3 && !self.eof {
                return Ok(());
            }
            let (encoding, bom) = match self.raw[..] {
                [0xFF, 0xFE, ..] => (Encoding::Utf16 { big_endian: false }, 2),
                [0xFE, 0xFF, ..] => (Encoding::Utf16 { big_endian: true }, 2),
                [0xEF, 0xBB, 0xBF, ..] => (Encoding::Utf8, 3),
                _ => (Encoding::Utf8, 0),
            };
            self.encoding = encoding;
            self.raw.drain(..bom);
        }
        let whole = match self.encoding {
            Encoding::Utf16 { big_endian } => self.utf16(big_endian),
            _ => self.utf8(),
        };
        match whole {
            Some(used) => {
                self.raw.drain(..used);
                Ok(())
            }
            None => Err(self.fail(Fault::NotText)),
        }
    }

    /// Moves the valid UTF-8 of `raw` to `out`; returns how much, or None when it is not
    /// UTF-8 (a character cut off by the chunk's end waits for the next chunk).
    fn utf8(&mut self) -> Option<usize> {
        let used = match std::str::from_utf8(&self.raw) {
            Ok(s) => s.len(),
            Err(e) if e.error_len().is_none() && !self.eof => e.valid_up_to(),
            Err(_) => return None,
        };
        self.out.extend_from_slice(&self.raw[..used]);
        Some(used)
    }

    /// Decodes the whole UTF-16 units of `raw` onto `out`; returns how many bytes, or None
    /// when they are not UTF-16 (a high surrogate at the chunk's end waits for its pair).
    fn utf16(&mut self, big_endian: bool) -> Option<usize> {
        let unit = |c: &[u8]| {
            if big_endian {
                u16::from_be_bytes([c[0], c[1]])
            } else {
                u16::from_le_bytes([c[0], c[1]])
            }
        };
        let mut end = self.raw.len() & !1;
        if self.eof && end != self.raw.len() {
            return None;
        }
        if !self.eof && end >= 2 && (0xD800..0xDC00).contains(&unit(&self.raw[end - 2..end])) {
            end -= 2;
        }
        let units = self.raw[..end].chunks_exact(2).map(unit);
        for c in char::decode_utf16(units) {
            let c = c.ok()?;
            self.out
                .extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
        }
        Some(end)
    }

    /// Refills `out` once all of it has been served.
    fn refill(&mut self) -> io::Result<()> {
        self.out.clear();
        self.pos = 0;
        while self.out.is_empty() && !self.eof {
            self.read_chunk()?;
        }
        if self.at_start {
            let open =
                |o: &[u8]| o.starts_with(b"<?xml") && o.get(5).is_some_and(u8::is_ascii_whitespace);
            let decided = |o: &[u8]| o.len() >= 6 && (!open(o) || o.windows(2).any(|w| w == b"?>"));
            while !self.eof && self.out.len() < DECLARATION && !decided(&self.out) {
                self.read_chunk()?;
            }
            self.at_start = false;
            if open(&self.out) {
                if let Some(end) = self.out.windows(2).position(|w| w == b"?>") {
                    self.pos = end + 2;
                }
            }
        }
        Ok(())
    }
}

impl<R: Read> Read for Decoded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: Read> BufRead for Decoded<R> {
    /// Hands out no more than what is left of the current node's allowance, so a node one
    /// byte too long makes the XML reader ask again, and be refused.
    #[inline]
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        // The XML reader asks several times per event: most asks find bytes waiting.
        if self.pos < self.out.len() && self.node < MAX_NODE_BYTES && self.fault.is_none() {
            let end = self.out.len().min(self.pos + (MAX_NODE_BYTES - self.node));
            return Ok(&self.out[self.pos..end]);
        }
        self.fill_buf_slow()
    }

    #[inline]
    fn consume(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.out.len());
        self.node = self.node.saturating_add(n);
    }
}

impl<R: Read> Decoded<R> {
    fn fill_buf_slow(&mut self) -> io::Result<&[u8]> {
        if self.fault.is_some() {
            return Err(io::Error::other("the part cannot be read further"));
        }
        if self.node >= MAX_NODE_BYTES {
            return Err(self.fail(Fault::Node(self.node + 1)));
        }
        while self.pos == self.out.len() && !self.eof {
            self.refill()?;
        }
        let end = self.out.len().min(self.pos + (MAX_NODE_BYTES - self.node));
        Ok(&self.out[self.pos..end])
    }
}

/// One part of a .docx as XML events.
pub(crate) struct XmlPart<R> {
    name: String,
    reader: Reader<Decoded<R>>,
    buf: Vec<u8>,
    depth: usize,
}

impl<R: Read> XmlPart<R> {
    /// Reads the part `name` from `inner` (its inflated bytes).
    pub(crate) fn new(name: &str, inner: R) -> Self {
        XmlPart {
            name: name.to_string(),
            reader: Reader::from_reader(Decoded::new(inner)),
            buf: Vec::new(),
            depth: 0,
        }
    }

    /// The part's name in the archive.
    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// Where the reader is, in bytes of the decoded part.
    pub(crate) fn position(&self) -> u64 {
        self.reader.buffer_position()
    }

    /// The next event. A part that is not well-formed is [`TextError::Xml`]; one that cannot
    /// be inflated, is not text, or is over a bound is the error that says so.
    pub(crate) fn next(&mut self) -> Result<Event<'_>, TextError> {
        self.buf.clear();
        self.reader.get_mut().node = 0;
        match self.reader.read_event_into(&mut self.buf) {
            Ok(event) => {
                match &event {
                    Event::Start(_) => {
                        self.depth += 1;
                        if self.depth > MAX_DEPTH {
                            return Err(TextError::OverLimit {
                                limit: Limit::Depth,
                                found: self.depth,
                            });
                        }
                    }
                    Event::End(_) => self.depth = self.depth.saturating_sub(1),
                    _ => {}
                }
                Ok(event)
            }
            // Fields, not `self`: the event's buffer is borrowed.
            Err(e) => Err(fault(&self.name, &self.reader, e)),
        }
    }
}

/// The error for what stopped `reader`.
fn fault<R>(part: &str, reader: &Reader<Decoded<R>>, e: quick_xml::Error) -> TextError {
    let part = part.to_string();
    match reader.get_ref().fault.clone() {
        Some(Fault::TooLarge) => TextError::TooLarge {
            part,
            limit: MAX_PART_BYTES,
        },
        Some(Fault::NotText) => TextError::Docx {
            reason: gongfu_domain::msg!("docx-not-unicode", part = part),
        },
        Some(Fault::Node(found)) => TextError::OverLimit {
            limit: Limit::NodeBytes,
            found,
        },
        Some(Fault::Inflate(reason)) => TextError::Docx {
            reason: format!("{part} cannot be decompressed ({reason})"),
        },
        None => TextError::Xml {
            part,
            position: reader.error_position(),
            reason: e.to_string(),
        },
    }
}

/// An attribute's value by local name, unescaped.
pub(crate) fn attr(e: &BytesStart<'_>, local: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == local)
        .and_then(|a| {
            let raw = String::from_utf8_lossy(&a.value);
            quick_xml::escape::unescape(&raw)
                .map(|v| v.into_owned())
                .ok()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hands out at most `.1` bytes per read, as an inflater may, so that characters and
    /// the declaration are cut at every place.
    struct Trickle<'a>(&'a [u8], usize);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.0.len().min(buf.len()).min(self.1);
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    /// Element names and texts of `bytes`, read three bytes at a time.
    fn events(bytes: &[u8]) -> Result<Vec<String>, TextError> {
        events_by(bytes, 3)
    }

    fn events_by(bytes: &[u8], step: usize) -> Result<Vec<String>, TextError> {
        let mut part = XmlPart::new("p.xml", Trickle(bytes, step));
        let mut out = vec![];
        loop {
            match part.next()? {
                Event::Eof => return Ok(out),
                Event::Start(e) | Event::Empty(e) => {
                    out.push(String::from_utf8_lossy(e.local_name().as_ref()).into_owned())
                }
                Event::Text(t) => out.push(t.decode().unwrap().into_owned()),
                Event::Decl(_) => out.push("decl".into()),
                _ => {}
            }
        }
    }

    #[test]
    fn utf8_and_utf16_read_the_same_across_chunk_ends() {
        let xml = r#"<?xml version="1.0" encoding="UTF-16"?><a>服务𠀀规范</a>"#;
        let want = vec!["a".to_string(), "服务𠀀规范".to_string()];
        assert_eq!(events(xml.as_bytes()).unwrap(), want);
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(xml.as_bytes());
        assert_eq!(events(&bom).unwrap(), want);
        for big_endian in [false, true] {
            let mut b = if big_endian {
                vec![0xFE, 0xFF]
            } else {
                vec![0xFF, 0xFE]
            };
            for u in xml.encode_utf16() {
                b.extend(if big_endian {
                    u.to_be_bytes()
                } else {
                    u.to_le_bytes()
                });
            }
            assert_eq!(events(&b).unwrap(), want, "big endian: {big_endian}");
        }
        // The declaration is dropped, whatever its encoding says: the reader never decodes
        // by it.
        assert!(!events(xml.as_bytes())
            .unwrap()
            .contains(&"decl".to_string()));
    }

    #[test]
    fn bytes_that_are_not_text_are_refused() {
        for bad in [
            &b"<a>\xB0\xEC</a>"[..],
            b"<a>\xE6\x9C",
            b"\xFF\xFE<\x00a",
            b"\xFF\xFE\x00\xD8",
        ] {
            let e = events(bad).unwrap_err();
            assert!(
                e.to_string().contains("不是 UTF-8 或 UTF-16"),
                "{bad:?}: {e}"
            );
        }
    }

    #[test]
    fn depth_and_node_size_are_bounded() {
        let deep = "<a>".repeat(MAX_DEPTH + 1);
        match events(deep.as_bytes()).unwrap_err() {
            TextError::OverLimit { limit, found } => {
                assert_eq!((limit, found), (Limit::Depth, MAX_DEPTH + 1));
            }
            e => panic!("{e}"),
        }
        // As deep as allowed is read (quick-xml ends a part cut off inside elements quietly).
        assert_eq!(
            events("<a>".repeat(MAX_DEPTH).as_bytes()).unwrap().len(),
            MAX_DEPTH
        );
        let mut long = b"<a>".to_vec();
        long.resize(MAX_NODE_BYTES + 2 * CHUNK, b'x');
        match events_by(&long, CHUNK).unwrap_err() {
            TextError::OverLimit { limit, found } => {
                assert_eq!((limit, found), (Limit::NodeBytes, MAX_NODE_BYTES + 1));
            }
            e => panic!("{e}"),
        }
        // A text node of exactly the allowance (with the `<` that ends it) is read.
        let mut exact = b"<a>".to_vec();
        exact.resize(3 + MAX_NODE_BYTES - 1, b'x');
        exact.extend_from_slice(b"</a>");
        assert_eq!(events_by(&exact, CHUNK).unwrap().len(), 2);
    }
}

//! Streaming XML reading shared by the list parsers: element paths, attributes, text and line
//! numbers over quick-xml, and the integrity checks every official file gets (empty, cut
//! short, wrong type).

use chrono::NaiveDate;
use quick_xml::errors::SyntaxError;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::error::ImportError;

/// One open element: its local name (namespace prefix dropped), the line it starts on and its
/// attributes (local names, values unescaped).
#[derive(Debug)]
pub(super) struct Frame {
    pub(super) name: String,
    pub(super) line: usize,
    attributes: Vec<(String, String)>,
}

impl Frame {
    /// The value of attribute `key`, if present.
    pub(super) fn attr(&self, key: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The value of attribute `key`, trimmed, or `None` when absent or blank.
    pub(super) fn attr_text(&self, key: &str) -> Option<String> {
        self.attr(key)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    }
}

/// What a parser does with the elements of a file, in document order.
pub(super) trait Handler {
    /// `element` opens inside `parents` (outermost first).
    fn open(&mut self, parents: &[Frame], element: &Frame) -> Result<(), ImportError>;

    /// `element` closes; `text` is its own text content, trimmed, with entities resolved.
    fn close(&mut self, parents: &[Frame], element: &Frame, text: &str) -> Result<(), ImportError>;
}

/// What the root element must be.
pub(super) struct Root<'a> {
    /// The format, for messages: `an EU Financial Sanctions Files XML`.
    pub(super) format: &'static str,
    /// The root element's local name.
    pub(super) name: &'a str,
    /// The default namespace the root must declare, if any.
    pub(super) namespace: Option<&'a str>,
}

/// Reads `bytes` (named `file` in errors) element by element into `handler`.
///
/// Refuses a file that is blank ([`ImportError::Empty`]), is not XML or has another root
/// ([`ImportError::WrongFormat`], saying what it looks like), or ends before its root element
/// closes ([`ImportError::Truncated`], naming the innermost unclosed element and its line).
pub(super) fn walk(
    file: &str,
    bytes: &[u8],
    root: &Root<'_>,
    handler: &mut impl Handler,
) -> Result<(), ImportError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ImportError::Empty { file: file.into() });
    }
    let body = strip_bom(bytes);
    if body.trim_ascii_start().first() != Some(&b'<') {
        return Err(wrong(file, root.format, describe(bytes)));
    }
    let mut lines = Lines::new(bytes);
    let mut reader = Reader::from_reader(bytes);
    let mut stack: Vec<Frame> = Vec::new();
    let mut text = String::new();
    let mut seen_root = false;
    let mut closed_root = false;
    loop {
        let before = reader.buffer_position();
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(quick_xml::Error::Syntax(e)) if e != SyntaxError::InvalidBangMarkup => {
                // Any other syntax error is markup left open at the end of the input.
                let at = lines.at(reader.error_position());
                return Err(truncated(
                    file,
                    &stack,
                    at,
                    &format!("cut inside markup: {e}"),
                ));
            }
            Err(e) => {
                let line = lines.at(reader.error_position());
                return Err(malformed(file, line, format!("invalid XML: {e}")));
            }
        };
        let line = lines.at(before);
        match event {
            Event::Start(ref start) | Event::Empty(ref start) => {
                let empty = matches!(event, Event::Empty(_));
                let frame = frame(file, start, line)?;
                if stack.is_empty() {
                    if seen_root {
                        return Err(malformed(file, line, "a second root element"));
                    }
                    check_root(file, root, &frame)?;
                    seen_root = true;
                }
                text.clear();
                handler.open(&stack, &frame)?;
                if empty {
                    handler.close(&stack, &frame, "")?;
                    closed_root |= stack.is_empty();
                } else {
                    stack.push(frame);
                }
            }
            Event::End(_) => {
                let Some(frame) = stack.pop() else {
                    return Err(malformed(file, line, "an end tag without a start tag"));
                };
                handler.close(&stack, &frame, text.trim())?;
                text.clear();
                closed_root |= stack.is_empty();
            }
            Event::Text(t) => {
                let t = t
                    .unescape()
                    .map_err(|e| malformed(file, line, format!("invalid text: {e}")))?;
                text.push_str(&t);
            }
            Event::CData(data) => {
                let data = data
                    .decode()
                    .map_err(|e| malformed(file, line, format!("invalid text: {e}")))?;
                text.push_str(&data);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !stack.is_empty() {
        let line = lines.at(u64::MAX);
        return Err(truncated(file, &stack, line, "never closed"));
    }
    if !closed_root {
        return Err(ImportError::Truncated {
            file: file.into(),
            line: lines.at(u64::MAX),
            what: format!("the document: it has no {} element", root.name),
        });
    }
    Ok(())
}

fn frame(file: &str, start: &BytesStart<'_>, line: usize) -> Result<Frame, ImportError> {
    let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
    let mut attributes = Vec::new();
    for attribute in start.attributes() {
        let attribute = attribute
            .map_err(|e| malformed(file, line, format!("a bad attribute in <{name}>: {e}")))?;
        let key = if attribute.key.as_ref() == b"xmlns" {
            "xmlns".to_owned()
        } else {
            String::from_utf8_lossy(attribute.key.local_name().as_ref()).into_owned()
        };
        let value = attribute.unescape_value().map_err(|e| {
            malformed(
                file,
                line,
                format!("a bad value of attribute {key} in <{name}>: {e}"),
            )
        })?;
        attributes.push((key, value.into_owned()));
    }
    Ok(Frame {
        name,
        line,
        attributes,
    })
}

fn check_root(file: &str, root: &Root<'_>, frame: &Frame) -> Result<(), ImportError> {
    let namespace_ok = root
        .namespace
        .is_none_or(|ns| frame.attr("xmlns") == Some(ns));
    if frame.name == root.name && namespace_ok {
        return Ok(());
    }
    Err(wrong(
        file,
        root.format,
        describe_root(&frame.name, frame.attr("xmlns")),
    ))
}

fn truncated(file: &str, stack: &[Frame], line: usize, what: &str) -> ImportError {
    match stack.last() {
        Some(open) => ImportError::Truncated {
            file: file.into(),
            line: open.line,
            what: format!("element <{}> ({what})", open.name),
        },
        None => ImportError::Truncated {
            file: file.into(),
            line,
            what: what.into(),
        },
    }
}

pub(super) fn malformed(file: &str, line: usize, what: impl Into<String>) -> ImportError {
    ImportError::Malformed {
        file: file.into(),
        line,
        what: what.into(),
    }
}

/// [`ImportError::WrongFormat`] for a file that looks like `looks_like` (e.g. `an OFAC legacy
/// CSV`), said as the other parsers say it: "it looks like ...".
pub(super) fn wrong(
    file: &str,
    expected: &'static str,
    looks_like: impl std::fmt::Display,
) -> ImportError {
    ImportError::WrongFormat {
        file: file.into(),
        expected,
        found: format!("it looks like {looks_like}"),
    }
}

/// Line numbers of byte positions, counting newlines incrementally.
struct Lines<'a> {
    bytes: &'a [u8],
    line: usize,
    counted: usize,
}

impl<'a> Lines<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Lines {
            bytes,
            line: 1,
            counted: 0,
        }
    }

    /// The line of byte `position` (positions only move forward).
    fn at(&mut self, position: u64) -> usize {
        let position = usize::try_from(position)
            .unwrap_or(usize::MAX)
            .min(self.bytes.len());
        if position > self.counted {
            self.line += memchr::memchr_iter(b'\n', &self.bytes[self.counted..position]).count();
            self.counted = position;
        }
        self.line
    }
}

fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// What `bytes` look like, in words, for a [`ImportError::WrongFormat`]: the official list
/// formats by their roots or first lines, a zip archive, an HTML page, binary data.
pub(super) fn describe(bytes: &[u8]) -> String {
    if bytes.starts_with(b"PK\x03\x04") {
        return "a zip archive".into();
    }
    let body = strip_bom(bytes).trim_ascii_start();
    let head = &body[..body.len().min(4096)];
    let text = match std::str::from_utf8(head) {
        Ok(text) => text,
        // A multi-byte character cut by the 4096-byte window is still text.
        Err(e) if e.error_len().is_none() => {
            std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or_default()
        }
        Err(_) => return "binary data (not UTF-8 text)".into(),
    };
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{1a}'))
    {
        return "binary data".into();
    }
    if text.starts_with('<') {
        return match root_name(text) {
            Some((name, xmlns)) => describe_root(&name, xmlns.as_deref()),
            None => "markup without a root element".into(),
        };
    }
    let first = text.lines().next().unwrap_or("");
    if first.starts_with("Report Date:") {
        "a UK Sanctions List CSV".into()
    } else if first.contains("Entity_LogicalId") {
        "an EU Financial Sanctions Files CSV".into()
    } else if is_ofac_csv_line(first) {
        "an OFAC legacy CSV (sdn.csv layout: ent_num, then quoted fields)".into()
    } else if first.starts_with('{') || first.starts_with('[') {
        "JSON".into()
    } else if first.contains(',') || first.contains(';') {
        "a CSV file of another layout".into()
    } else {
        "plain text, not XML".into()
    }
}

/// `44541,"OPEN JOINT STOCK COMPANY …",…`: digits, then a comma and a quoted field.
fn is_ofac_csv_line(line: &str) -> bool {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0 && line[digits..].starts_with(",\"")
}

/// The root element's name and default namespace, skipping the declaration, comments and a
/// doctype.
fn root_name(text: &str) -> Option<(String, Option<String>)> {
    let mut rest = text;
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix("<?") {
            rest = &after[after.find("?>")? + 2..];
        } else if let Some(after) = rest.strip_prefix("<!--") {
            rest = &after[after.find("-->")? + 3..];
        } else if let Some(after) = rest.strip_prefix("<!") {
            rest = &after[after.find('>')? + 1..];
        } else {
            break;
        }
    }
    let tag = rest.strip_prefix('<')?;
    let end = tag.find(|c: char| c.is_whitespace() || c == '>' || c == '/')?;
    let qualified = &tag[..end];
    let name = qualified.rsplit(':').next().unwrap_or(qualified).to_owned();
    let attrs = &tag[end..tag.find('>').unwrap_or(tag.len())];
    let xmlns = attrs.find("xmlns=\"").and_then(|at| {
        let value = &attrs[at + 7..];
        value.find('"').map(|close| value[..close].to_owned())
    });
    Some((name, xmlns))
}

fn describe_root(name: &str, xmlns: Option<&str>) -> String {
    match name {
        "CONSOLIDATED_LIST" => "a UN Security Council consolidated list (XML)".into(),
        "sdnList" => "an OFAC SDN XML (legacy format)".into(),
        "sanctionsData" => "an OFAC ENHANCED XML".into(),
        "Sanctions" if xmlns.is_some_and(|ns| ns.contains("ADVANCED")) => {
            "an OFAC ADVANCED XML".into()
        }
        "export" if xmlns == Some(super::eu::NAMESPACE) => {
            "an EU Financial Sanctions Files XML".into()
        }
        "Designations" => "a UK Sanctions List XML".into(),
        "ArrayOfFinancialSanctionsTarget" => "an OFSI Consolidated List XML".into(),
        "html" | "HTML" => "an HTML page".into(),
        _ => match xmlns {
            Some(ns) => format!("an XML document with root element <{name}> in namespace {ns}"),
            None => format!("an XML document with root element <{name}>"),
        },
    }
}

/// An `xs:date` (`YYYY-MM-DD`), or the date part of an `xs:dateTime` (`2024-07-03T00:00:00`).
pub(super) fn iso_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    let (day, rest) = (text.get(..10)?, text.get(10..)?);
    if !(rest.is_empty() || rest.starts_with('T')) {
        return None;
    }
    NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()
}

/// `true` / `false` (also `1` / `0`, which `xs:boolean` allows).
pub(super) fn boolean(text: &str) -> Option<bool> {
    match text.trim() {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_what_a_file_looks_like() {
        let cases: [(&[u8], &str); 9] = [
            (b"PK\x03\x04rest", "a zip archive"),
            (
                b"<?xml version=\"1.0\"?>\n<!-- c -->\n<CONSOLIDATED_LIST dateGenerated=\"x\">",
                "a UN Security Council consolidated list (XML)",
            ),
            (b"\xEF\xBB\xBF<html><body>", "an HTML page"),
            (
                b"<export xmlns=\"http://eu.europa.ec/fpi/fsd/export\">",
                "an EU Financial Sanctions Files XML",
            ),
            (b"<a:Designations xmlns:a=\"x\">", "a UK Sanctions List XML"),
            (
                b"36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\"\r\n",
                "an OFAC legacy CSV (sdn.csv layout: ent_num, then quoted fields)",
            ),
            (b"Report Date: 10-Sep-2026\r\n", "a UK Sanctions List CSV"),
            (b"\x00\x01\x02", "binary data"),
            (b"\xff\xfe\x00", "binary data (not UTF-8 text)"),
        ];
        for (bytes, want) in cases {
            assert_eq!(describe(bytes), want, "{bytes:?}");
        }
    }

    #[test]
    fn dates_and_booleans() {
        assert_eq!(
            iso_date("2024-07-03T00:00:00"),
            NaiveDate::from_ymd_opt(2024, 7, 3)
        );
        assert_eq!(iso_date("2024-07-03"), NaiveDate::from_ymd_opt(2024, 7, 3));
        for bad in ["2024-07-3", "2024-07-03Z", "03/07/2024", "2024-02-30", ""] {
            assert_eq!(iso_date(bad), None, "{bad:?}");
        }
        assert_eq!(boolean(" true "), Some(true));
        assert_eq!(boolean("0"), Some(false));
        assert_eq!(boolean("yes"), None);
    }
}

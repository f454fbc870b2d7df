//! JSON exports: whether a file is one, and its document.

use crate::import::ImportError;
use serde_json::Value;
use std::path::Path;

/// JSON when the name says so or the first non-blank byte opens an object
/// or an array.
pub(crate) fn looks_like_json(path: &Path) -> Result<bool, ImportError> {
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    if ext.as_deref() == Some("json") {
        return Ok(true);
    }
    if ext.as_deref() == Some("csv") {
        return Ok(false);
    }
    use std::io::Read;
    let mut head = [0u8; 512];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .map_err(|e| ImportError::File { path: path.to_path_buf(), reason: e.to_string() })?;
    let first = head[..n].iter().copied().find(|b| !b.is_ascii_whitespace() && *b != 0xEF && *b != 0xBB && *b != 0xBF);
    Ok(matches!(first, Some(b'{') | Some(b'[')))
}

/// The whole document (a byte-order mark is allowed before it).
pub(crate) fn read_json(path: &Path) -> Result<Value, ImportError> {
    let bytes =
        std::fs::read(path).map_err(|e| ImportError::File { path: path.to_path_buf(), reason: e.to_string() })?;
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    serde_json::from_slice(text)
        .map_err(|e| ImportError::File { path: path.to_path_buf(), reason: format!("not valid JSON: {e}") })
}

/// A decimal field of a JSON export (a quantity, a unit price), written as
/// a number or a string ("1000.5", "2.5e3"), read exactly; `None` when
/// absent or null.
pub fn decimal(v: &Value, k: &str) -> Result<Option<rust_decimal::Decimal>, String> {
    use rust_decimal::Decimal;
    let text = match v.get(k) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(t)) => t.trim().to_string(),
        Some(other) => return Err(format!("{k}: {other} is not a number")),
    };
    let parsed =
        if text.contains(['e', 'E']) { Decimal::from_scientific(&text) } else { Decimal::from_str_exact(&text) };
    parsed.map(|d| Some(d.normalize())).map_err(|_| format!("{k}: \"{text}\" is not a number ardesk can keep"))
}

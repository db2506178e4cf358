//! Request tracing: one span per request with its method, route, request id, user,
//! status and latency, and the request id returned in a header so a clerk's report of a
//! failure can be found in the log.

use axum::extract::{MatchedPath, Request};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use std::time::Instant;
use tracing::Instrument;

/// The header that carries the request id, both ways: a proxy's id is kept, otherwise
/// one is made.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// The id of the request being served, in the request's extensions.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

tokio::task_local! {
    /// The id of the request this task serves, for answers built without the request in
    /// hand (an error's body, the error page).
    static REQUEST_ID: String;
}

/// The id of the request being served, when called while serving one.
pub fn current_request_id() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}

/// A proxy's id is kept when it is short and plain; anything else is replaced, so log
/// lines cannot be forged through the header.
fn usable(v: &HeaderValue) -> Option<String> {
    let s = v.to_str().ok()?;
    (!s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.'))
    .then(|| s.to_string())
}

/// A new request id: 16 hex digits, unique in this process and unguessable across
/// processes: a random key drawn once at start, mixed with a counter (one multiply and
/// xor per request, no system call on the hot path).
pub fn new_id() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::OnceLock;
    static KEY: OnceLock<u64> = OnceLock::new();
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let key = *KEY.get_or_init(|| {
        let mut b = [0u8; 8];
        // Never fail a request over its id; the start time is unique enough for a log.
        if getrandom::fill(&mut b).is_err() {
            let t = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or_default();
            b = t.to_be_bytes();
        }
        u64::from_le_bytes(b) | 1
    });
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    // An odd multiplier is a bijection on u64, so ids never repeat within a process.
    format!("{:016x}", (n ^ key).wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// The middleware: wraps the request in a span, records the outcome, sets the header.
pub async fn requests(mut req: Request, next: Next) -> Response {
    let id = req
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(usable)
        .unwrap_or_else(new_id);
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| "(unmatched)".into());
    let span = tracing::info_span!(
        "request",
        method = %req.method(),
        route = %route,
        request_id = %id,
        user = tracing::field::Empty,
        status = tracing::field::Empty,
        latency_ms = tracing::field::Empty,
    );
    req.extensions_mut().insert(RequestId(id.clone()));
    let started = Instant::now();
    let mut res = REQUEST_ID
        .scope(id.clone(), next.run(req).instrument(span.clone()))
        .await;
    let status = res.status().as_u16();
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    span.record("status", status);
    span.record("latency_ms", (ms * 100.0).round() / 100.0);
    span.in_scope(|| {
        if status >= 500 {
            tracing::warn!("request failed");
        } else {
            tracing::info!("request finished");
        }
    });
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut().insert(REQUEST_ID_HEADER, v);
    }
    res
}

/// Records the acting user on the current request's span.
pub fn record_user(name: &str) {
    tracing::Span::current().record("user", name);
}

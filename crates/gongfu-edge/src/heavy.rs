//! Admission for heavy requests: work that costs a second of CPU or tens of megabytes (the
//! GB/T 1.1 checker, which anyone may call, and file imports) runs a few at a time. A
//! request that finds every slot taken waits briefly, then is answered 503 with
//! `Retry-After`, so a burst of uploads queues or is turned away instead of exhausting the
//! server's memory, while pages and light API calls go on being served.

use crate::{ApiError, ErrorCode};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// How long a heavy request waits for a slot before it is turned away.
const WAIT: Duration = Duration::from_secs(10);

/// Seconds a turned-away client is told to wait.
const RETRY_AFTER_SECS: u64 = 5;

/// The slots for heavy work.
#[derive(Debug, Clone)]
pub struct Heavy {
    slots: Arc<Semaphore>,
    wait: Duration,
}

impl Heavy {
    /// `slots` heavy requests at a time.
    pub fn new(slots: usize) -> Self {
        Self::with_wait(slots, WAIT)
    }

    /// `slots` at a time, a request waiting at most `wait` for one.
    pub fn with_wait(slots: usize, wait: Duration) -> Self {
        Self {
            slots: Arc::new(Semaphore::new(slots.max(1))),
            wait,
        }
    }

    /// As many slots as the machine has cores: the work is CPU-bound, so more at once
    /// would only hold more memory while each waits for a core.
    pub fn per_core() -> Self {
        Self::new(std::thread::available_parallelism().map_or(2, |n| n.get()))
    }

    /// A slot, held until the returned permit is dropped; 503 when none frees up in time.
    pub async fn admit(&self) -> Result<OwnedSemaphorePermit, ApiError> {
        match tokio::time::timeout(self.wait, self.slots.clone().acquire_owned()).await {
            Ok(Ok(permit)) => Ok(permit),
            _ => {
                tracing::warn!("heavy request turned away: every slot busy");
                Err(ApiError {
                    retry_after: Some(RETRY_AFTER_SECS),
                    ..ApiError::new(
                        ErrorCode::Busy,
                        "the server is checking or importing other files; send it again in a few seconds",
                    )
                })
            }
        }
    }
}

/// Whether a request is heavy: an upload to check or import, or a microsimulation run.
/// Decided by route here, in one list, so no such handler can forget to take a slot.
pub fn is_heavy(method: &axum::http::Method, path: &str) -> bool {
    method == axum::http::Method::POST
        && (path.starts_with("/api/v1/imports/")
            || path.ends_with("/upload")
            || matches!(
                path,
                "/api/v1/standards/check"
                    | "/standards/check"
                    | "/admin/import"
                    | "/api/v1/affordability/runs"
                    | "/api/v1/populations"
                    | "/admin/affordability/runs"
                    | "/admin/affordability/populations"
            ))
}

/// Middleware for the API: a heavy request holds a slot while it runs, or is answered 503.
pub async fn api_gate(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    if !is_heavy(req.method(), req.uri().path()) {
        return next.run(req).await;
    }
    match state.heavy.admit().await {
        Ok(_slot) => next.run(req).await,
        Err(e) => axum::response::IntoResponse::into_response(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_request_past_the_slots_is_turned_away_with_retry_after_then_admitted() {
        let heavy = Heavy::with_wait(1, Duration::from_millis(20));
        let first = heavy.admit().await.expect("a free slot");
        let e = heavy.admit().await.expect_err("every slot busy");
        assert_eq!(e.code, ErrorCode::Busy);
        assert_eq!(e.code.status(), axum::http::StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(e.retry_after, Some(RETRY_AFTER_SECS));
        let r = axum::response::IntoResponse::into_response(e);
        assert_eq!(r.headers()["retry-after"], "5");
        drop(first);
        let _again = heavy.admit().await.expect("the slot is free again");
    }

    #[test]
    fn uploads_and_runs_are_heavy_reads_are_not() {
        use axum::http::Method;
        for p in [
            "/api/v1/imports/points",
            "/api/v1/standards/check",
            "/standards/check",
            "/admin/places/upload",
            "/admin/import",
            "/api/v1/affordability/runs",
        ] {
            assert!(is_heavy(&Method::POST, p), "{p}");
        }
        assert!(!is_heavy(&Method::GET, "/standards/check"));
        assert!(!is_heavy(&Method::POST, "/api/v1/adjustments"));
    }
}

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

/// Requests in flight at once beyond which new ones are turned away at once. A queue past
/// this point only grows latency and memory (each waiting request holds its buffers): at
/// a few milliseconds a request on two cores it is already a second of work.
pub const MAX_IN_FLIGHT: usize = 512;

/// Requests in flight, counted by [`shed`], and how many may be.
#[derive(Debug)]
pub struct InFlight(std::sync::atomic::AtomicUsize, usize);

impl InFlight {
    /// A shared counter with the limit [`MAX_IN_FLIGHT`].
    pub fn shared() -> Arc<Self> {
        Self::with_limit(MAX_IN_FLIGHT)
    }

    /// A shared counter with another limit.
    pub fn with_limit(limit: usize) -> Arc<Self> {
        Arc::new(Self(std::sync::atomic::AtomicUsize::new(0), limit))
    }
}

struct Leaving<'a>(&'a InFlight);

impl Drop for Leaving<'_> {
    fn drop(&mut self) {
        self.0 .0.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Middleware: past [`MAX_IN_FLIGHT`] requests in flight, answer 503 with `Retry-After`
/// at once (the catalogue's JSON on the API, a short Chinese page elsewhere) instead of
/// queueing without bound.
pub async fn shed(
    counter: Arc<InFlight>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use std::sync::atomic::Ordering;
    let now = counter.0.fetch_add(1, Ordering::Relaxed);
    let _leaving = Leaving(&counter);
    if now < counter.1 {
        return next.run(req).await;
    }
    tracing::warn!(in_flight = now, "request shed: server overloaded");
    if req.uri().path().starts_with("/api/") {
        let e = ApiError {
            retry_after: Some(1),
            ..ApiError::new(
                ErrorCode::Busy,
                "too many requests in flight; retry in a second",
            )
        };
        return axum::response::IntoResponse::into_response(e);
    }
    let mut r = axum::response::IntoResponse::into_response((
        axum::http::StatusCode::SERVICE_UNAVAILABLE,
        axum::response::Html(
            "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>服务器繁忙</title><h1>服务器繁忙</h1><p>访问的人太多，请稍等几秒后刷新页面。</p></html>",
        ),
    ));
    r.headers_mut()
        .insert(axum::http::header::RETRY_AFTER, 1u64.into());
    r
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

    #[tokio::test]
    async fn past_the_limit_requests_are_shed_at_once_and_admitted_again_after() {
        use tower::ServiceExt;
        let gate = Arc::new(tokio::sync::Notify::new());
        let counter = InFlight::with_limit(1);
        let app = {
            let gate = gate.clone();
            let counter = counter.clone();
            axum::Router::new()
                .route(
                    "/api/slow",
                    axum::routing::get(move || {
                        let gate = gate.clone();
                        async move { gate.notified().await }
                    }),
                )
                .route("/page", axum::routing::get(|| async { "ok" }))
                .layer(axum::middleware::from_fn(move |req, next| {
                    shed(counter.clone(), req, next)
                }))
        };
        let get = |uri: &str| {
            axum::http::Request::get(uri)
                .body(axum::body::Body::empty())
                .unwrap()
        };
        let held = tokio::spawn(app.clone().oneshot(get("/api/slow")));
        while counter.0.load(std::sync::atomic::Ordering::Relaxed) == 0 {
            tokio::task::yield_now().await;
        }
        let r = app.clone().oneshot(get("/api/slow")).await.unwrap();
        assert_eq!(r.status(), axum::http::StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(r.headers()["retry-after"], "1");
        let r = app.clone().oneshot(get("/page")).await.unwrap();
        assert_eq!(r.status(), axum::http::StatusCode::SERVICE_UNAVAILABLE);
        gate.notify_one();
        held.await.unwrap().unwrap();
        let r = app.oneshot(get("/page")).await.unwrap();
        assert_eq!(r.status(), axum::http::StatusCode::OK);
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

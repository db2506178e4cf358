//! A query parameter a GET operation does not take is refused, not ignored: a caller who
//! writes `/api/v1/items?origin_level=national` would otherwise read the whole list as if it
//! were filtered. What an operation takes is what the OpenAPI document says it takes, so the
//! check covers every route without a line in its handler, and a parameter a handler reads
//! but the document does not name is refused too (the document cannot fall behind).

use axum::extract::{MatchedPath, Request};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use gongfu_edge::{ApiError, ErrorCode};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// The query parameters of each documented GET operation, by its route template
/// (`/api/v1/items/{code}`), read from the OpenAPI document.
#[derive(Debug, Default)]
pub struct Accepted(HashMap<String, Vec<String>>);

impl Accepted {
    /// The GET operations of `doc` (the document as JSON) and the query parameters each
    /// takes, its path item's and its own.
    pub fn of(doc: &Value) -> Self {
        let query_names = |params: &Value| -> Vec<String> {
            params
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["in"] == "query")
                .filter_map(|p| p["name"].as_str().map(str::to_string))
                .collect()
        };
        let mut by_route = HashMap::new();
        for (path, item) in doc["paths"].as_object().into_iter().flatten() {
            if let Some(op) = item.get("get") {
                let mut names = query_names(&item["parameters"]);
                names.extend(query_names(&op["parameters"]));
                by_route.insert(path.clone(), names);
            }
        }
        Accepted(by_route)
    }

    /// The first parameter of `query` the GET operation at `route` does not take, with
    /// the ones it does; None when all are known or the route is not a documented GET.
    pub fn unknown<'a>(&'a self, route: &str, query: &str) -> Option<(String, &'a [String])> {
        let names = self.0.get(route)?;
        // A query string that does not decode is left to the handler, which says why.
        let axum::extract::Query(pairs) =
            axum::extract::Query::<Vec<(String, String)>>::try_from_uri(
                &format!("/?{query}").parse().ok()?,
            )
            .ok()?;
        pairs
            .into_iter()
            .map(|(k, _)| k)
            .find(|k| !names.contains(k))
            .map(|k| (k, names.as_slice()))
    }
}

/// The middleware: a GET (or HEAD) of a documented operation with a query parameter it
/// does not take is answered 400 `invalid_input`, naming the parameter and the ones the
/// operation takes, before the handler runs.
pub async fn refuse_unknown(accepted: Arc<Accepted>, req: Request, next: Next) -> Response {
    let checked = matches!(*req.method(), Method::GET | Method::HEAD);
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(MatchedPath::as_str);
    let unknown = match (checked, route, req.uri().query()) {
        (true, Some(route), Some(query)) => accepted
            .unknown(route, query)
            .map(|(name, names)| refusal(route, &name, names)),
        _ => None,
    };
    match unknown {
        Some(r) => r,
        None => next.run(req).await,
    }
}

/// The 400: `detail` in English like the catalogue's other details, `message` in Chinese
/// naming the parameter and what the operation takes instead of the code's bare title, and
/// one entry in `errors` for programs.
fn refusal(route: &str, name: &str, names: &[String]) -> Response {
    let (takes_en, takes_zh) = if names.is_empty() {
        (
            "takes no query parameters".to_string(),
            gongfu_domain::msg!("param-unknown-takes-none"),
        )
    } else {
        (
            format!("takes only {}", names.join(", ")),
            gongfu_domain::msg!("param-unknown-takes", names = names.join("、")),
        )
    };
    let err = ApiError {
        errors: vec![json!({"parameter": name, "accepted": names})],
        ..ApiError::new(
            ErrorCode::InvalidInput,
            format!(
                "unknown query parameter `{name}`: GET {route} {takes_en}; remove it or correct \
                 its name (see /api/openapi.json)"
            ),
        )
        .message(gongfu_domain::msg!(
            "param-unknown",
            route = route,
            name = name,
            takes = takes_zh
        ))
        .field(name)
    };
    err.into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Value {
        json!({"paths": {
            "/api/v1/items": {"get": {"parameters": [
                {"name": "area", "in": "query"}, {"name": "page", "in": "query"}]}},
            "/api/v1/items/{code}": {"get": {"parameters": [{"name": "code", "in": "path"}]}},
            "/api/v1/imports/items": {"post": {"parameters": [{"name": "file", "in": "query"}]}},
        }})
    }

    #[test]
    fn only_documented_query_parameters_pass() {
        let a = Accepted::of(&doc());
        assert_eq!(a.unknown("/api/v1/items", "area=1&page=2"), None);
        let (name, names) = a
            .unknown("/api/v1/items", "area=1&origin_level=national")
            .unwrap();
        assert_eq!(
            (name.as_str(), names),
            (
                "origin_level",
                &["area".to_string(), "page".to_string()][..]
            )
        );
        // Path parameters are not query parameters; names are decoded before comparing.
        assert_eq!(
            a.unknown("/api/v1/items/{code}", "code=N2001").unwrap().0,
            "code"
        );
        assert_eq!(a.unknown("/api/v1/items", "%61rea=1"), None);
        // Only GET operations are in the table.
        assert_eq!(a.unknown("/api/v1/imports/items", "anything=1"), None);
    }
}

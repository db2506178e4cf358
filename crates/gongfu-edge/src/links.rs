//! The public page of each kind of thing, for search results on the API and on the pages.

use gongfu_search::{DocKind, Hit};

/// The page a search hit links to.
pub fn hit_url(h: &Hit) -> String {
    match h.kind {
        DocKind::Item => format!("/items/{}", h.key),
        DocKind::Standard => format!(
            "/standards/view/{}",
            h.key.replace('/', "%2F").replace(' ', "%20")
        ),
        DocKind::Guide => format!("/guides/{}", h.key),
    }
}

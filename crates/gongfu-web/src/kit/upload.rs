//! File uploads (multipart forms). `StaffUpload<T>` reads one posted from a staff page:
//! the session (else the login page, as for `StaffForm`), the file and the text fields,
//! the CSRF token checked (else 403), the other text fields as a `T` read the way `form`
//! reads a form (else 400).
//! `read_multipart` reads one without a session (the public GB/T self-check).
//!
//! It must never look inside the file: the capability crate parses it, all or nothing.

use super::form::{check_csrf, parse, staff};
use super::{urlencode, PageCtx, WebError};
use axum::body::Bytes;
use axum::extract::multipart::MultipartError;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::StatusCode;
use gongfu_accounts::Session;
use gongfu_edge::AppState;
use serde::de::DeserializeOwned;

/// The one file of an upload: its name as sent and its bytes (never empty).
pub(crate) struct File {
    /// The file's name as the browser sent it ("upload" when it sent none).
    pub name: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// A staff upload, read and checked: who sent it, the page to answer on, its text fields
/// and its file (none when no file, or an empty one, was chosen).
pub(crate) struct StaffUpload<T> {
    /// The session that posted it, its CSRF token checked.
    pub session: Session,
    /// The context to render the answer (or an error) in: the page the form was on.
    pub page: PageCtx,
    /// The text fields.
    pub fields: T,
    /// The file.
    pub file: Option<File>,
}

impl<T: DeserializeOwned> FromRequest<AppState> for StaffUpload<T> {
    type Rejection = WebError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let (session, page) = staff(&mut parts, state).await?;
        let mut mp = Multipart::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|e| {
                tracing::info!(detail = %e.body_text(), "upload refused");
                WebError::new(e.status(), "上传失败", super::refused(e.status())).with_page(&page)
            })?;
        let (pairs, file) = read_multipart(&mut mp, &page).await?;
        let csrf = pairs
            .iter()
            .find(|(k, _)| k == "csrf")
            .map_or("", |(_, v)| v.as_str());
        check_csrf(&session, csrf, &page)?;
        // The text fields read exactly as a urlencoded form's would.
        let encoded: Vec<String> = pairs
            .iter()
            .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
            .collect();
        let fields = parse(Bytes::from(encoded.join("&")), &page).await?;
        Ok(StaffUpload {
            session,
            page,
            fields,
            file,
        })
    }
}

/// Reads a multipart form: the text fields in order and the one file (not an empty one).
pub(crate) async fn read_multipart(
    mp: &mut Multipart,
    page: &PageCtx,
) -> Result<(Vec<(String, String)>, Option<File>), WebError> {
    let mut fields = vec![];
    let mut file = None;
    let bad = |e: MultipartError| {
        tracing::info!(detail = %e, "upload unreadable");
        WebError::new(
            StatusCode::BAD_REQUEST,
            "上传失败",
            super::refused(e.status()),
        )
        .with_page(page)
    };
    while let Some(field) = mp.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or("").to_string();
        if name == "file" {
            let fname = field.file_name().unwrap_or("upload").to_string();
            let bytes = field.bytes().await.map_err(bad)?;
            file = Some(File {
                name: fname,
                bytes: bytes.to_vec(),
            });
        } else {
            fields.push((name, field.text().await.map_err(bad)?));
        }
    }
    Ok((fields, file.filter(|f| !f.bytes.is_empty())))
}

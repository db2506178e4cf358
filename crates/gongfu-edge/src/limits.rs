//! Request body limits, one value per kind of upload, for the API and the pages alike.

/// Largest import file accepted, over the API and the admin pages. axum's default (2 MiB)
/// is less than a large district's workbook.
pub const IMPORT_LIMIT: usize = 64 << 20;

/// Largest population table accepted over the API: about 3 million persons as CSV. A
/// whole city's table goes through `gongfu import population`, which reads the file.
pub const POPULATION_LIMIT: usize = 256 << 20;

/// The body limit layer for import routes.
pub fn imports() -> axum::extract::DefaultBodyLimit {
    axum::extract::DefaultBodyLimit::max(IMPORT_LIMIT)
}

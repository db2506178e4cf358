//! The look every workbook gongfu writes shares, so a clerk who opens one export knows the
//! next: a bold, shaded, centred header row, and long text wrapped at the top of its cell.

use rust_xlsxwriter::{Format, FormatAlign};

/// The header row's cells.
pub fn header() -> Format {
    Format::new()
        .set_bold()
        .set_background_color("#DDEBF7")
        .set_align(FormatAlign::Center)
}

/// Body cells of long text.
pub fn wrapped() -> Format {
    Format::new().set_text_wrap().set_align(FormatAlign::Top)
}

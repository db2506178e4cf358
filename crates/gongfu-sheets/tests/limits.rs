//! `set_limits` changes what every reader accepts. Its own test binary, so that no other
//! test runs under the limits it sets.

use gongfu_sheets::{limits, read_table, set_limits, Limits};

#[test]
fn limits_set_at_startup_apply_to_every_reader() {
    assert_eq!(limits(), Limits::default());
    let csv = "名称\n甲\n乙\n丙\n";
    assert!(read_table("a.csv", csv.as_bytes(), &["名称"]).is_ok());
    set_limits(Limits {
        max_rows: 2,
        ..Limits::DEFAULT
    });
    assert_eq!(limits().max_rows, 2);
    let e = read_table("a.csv", csv.as_bytes(), &["名称"]).unwrap_err();
    assert!(e.errors[0].message.contains("有 3 行数据"), "{e}");
}

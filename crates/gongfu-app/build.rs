//! Embeds the demo texts (data/demo/texts, listed in its manifest.csv) into the binary, so
//! `gongfu demo` works from any directory. The manifest is the list: a file it does not
//! name is not shipped, and a name without a file fails the build with the name.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/demo/texts");
    let manifest = root.join("manifest.csv");
    println!("cargo:rerun-if-changed={}", root.display());
    println!("cargo:rerun-if-changed={}", manifest.display());
    let text = std::fs::read_to_string(&manifest).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run data/demo/generate_texts.py",
            manifest.display()
        )
    });
    let mut out = String::from("/// (kind, key, file, bytes) of every demo text.\npub(crate) const DEMO_TEXTS: &[(&str, &str, &str, &[u8])] = &[\n");
    for (i, line) in text.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split(',').collect();
        let [kind, key, file] = cols[..] else {
            panic!("{}:{}: expected 类型,编号,文件", manifest.display(), i + 1);
        };
        let path = root.join(file);
        assert!(
            path.is_file(),
            "{}:{}: {} is missing",
            manifest.display(),
            i + 1,
            path.display()
        );
        let path = path.canonicalize().unwrap_or(path);
        writeln!(
            out,
            "    ({kind:?}, {key:?}, {file:?}, include_bytes!({:?})),",
            path.display().to_string()
        )
        .unwrap_or_default();
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap_or_default()).join("demo_texts.rs");
    std::fs::write(&dest, out).unwrap_or_else(|e| panic!("{}: {e}", dest.display()));
}

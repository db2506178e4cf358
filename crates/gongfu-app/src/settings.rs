//! Settings, defined once as data. Each has a key (in the TOML file), an environment
//! variable, a command-line flag, a default and a description; `gongfu --help` and
//! `gongfu.example.toml` are both generated from [`SETTINGS`], and a test fails when the
//! example file drifts from it.
//!
//! Precedence, highest first: flag, environment variable, TOML file (`--config`), default.

use gongfu_domain::standard::{InternalPattern, NumberRules};
use gongfu_search::Synonyms;
use std::collections::BTreeMap;

/// One setting.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    /// Key in the TOML file; the flag is `--` + key with `_` as `-`.
    pub key: &'static str,
    /// Environment variable.
    pub env: &'static str,
    /// Default value.
    pub default: &'static str,
    /// What it does.
    pub help: &'static str,
}

impl Spec {
    /// The command-line flag, without dashes.
    pub fn flag(&self) -> String {
        self.key.replace('_', "-")
    }
}

/// Every setting.
pub const SETTINGS: &[Spec] = &[
    Spec { key: "database_url", env: "GONGFU_DATABASE_URL", default: "sqlite://./gongfu-data/gongfu.db", help: "Database: sqlite://PATH (embedded, created if missing) or postgres://USER:PASSWORD@HOST:PORT/DB" },
    Spec { key: "listen", env: "GONGFU_LISTEN", default: "127.0.0.1:8080", help: "Address and port to serve on; 0.0.0.0:8080 to accept connections from other machines" },
    Spec { key: "data_dir", env: "GONGFU_DATA_DIR", default: "./gongfu-demo", help: "Directory of the demo's SQLite database (demo only)" },
    Spec { key: "secure_cookies", env: "GONGFU_SECURE_COOKIES", default: "false", help: "Mark login cookies Secure; set to true when served over HTTPS" },
    Spec { key: "internal_norm_patterns", env: "GONGFU_INTERNAL_NORM_PATTERNS", default: "", help: "Number patterns of the district's internal norms (内部规范), separated by ';': literal code, {seq} and {year}, e.g. FTNB {seq}-{year}" },
    Spec { key: "search_synonyms", env: "GONGFU_SEARCH_SYNONYMS", default: "", help: "A synonyms file (CSV, header 同义词组, one group per line, words separated by |) replacing the shipped groups of data/search/synonyms.csv; empty for the shipped ones" },
    Spec { key: "import_max_rows", env: "GONGFU_IMPORT_MAX_ROWS", default: "20000", help: "Most data rows one imported table may have (points, sites, lists, standards, populations' finance tables); a larger file is refused and should be split" },
    Spec { key: "log", env: "GONGFU_LOG", default: "info", help: "Log filter, e.g. info or gongfu=debug,sqlx=warn" },
    Spec { key: "log_format", env: "GONGFU_LOG_FORMAT", default: "text", help: "Log lines as text (one readable line per event) or json (one JSON object per event with the request's span fields, for a log collector)" },
];

/// Resolved settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Database URL.
    pub database_url: String,
    /// Listen address.
    pub listen: String,
    /// Demo data directory.
    pub data_dir: String,
    /// Secure cookies.
    pub secure_cookies: bool,
    /// Log filter.
    pub log: String,
    /// Log line format.
    pub log_format: crate::LogFormat,
    /// Patterns of the district's internal-norm numbers.
    pub internal_norm_patterns: Vec<InternalPattern>,
    /// The synonyms file that replaces the shipped groups; empty for the shipped ones.
    pub search_synonyms: String,
    /// Most data rows per imported table.
    pub import_max_rows: usize,
}

impl Settings {
    /// Every setting at its default (tests, benchmarks).
    pub fn defaults() -> Self {
        Self::resolve(&BTreeMap::new(), |_| None, &BTreeMap::new())
            .expect("the defaults in SETTINGS are valid; a unit test checks them")
    }

    /// How standard numbers are read: the shipped sector codes and the configured
    /// internal-norm patterns.
    pub fn number_rules(&self) -> NumberRules {
        self.internal_norm_patterns
            .iter()
            .fold(NumberRules::default(), |r, p| r.with_internal(p.clone()))
    }

    /// The synonym groups search expands queries with: the configured file's, else the
    /// shipped ones.
    pub fn synonyms(&self) -> Result<Synonyms, SettingsError> {
        read_synonyms(&self.search_synonyms, "settings")
    }
}

fn read_synonyms(path: &str, source_name: &str) -> Result<Synonyms, SettingsError> {
    if path.trim().is_empty() {
        return Ok(Synonyms::shipped());
    }
    let value = |detail: String| SettingsError::Value {
        key: "search_synonyms",
        value: path.to_string(),
        source_name: source_name.to_string(),
        detail,
    };
    let text = std::fs::read_to_string(path).map_err(|e| {
        value(format!(
            "cannot read the file ({e}); give the path of a UTF-8 CSV file"
        ))
    })?;
    Synonyms::parse(&text)
        .map_err(|e| value(format!("{e}; see data/search/README.md for the format")))
}

/// A setting that could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// The TOML file could not be read or parsed.
    #[error("config file {path}: {detail}")]
    File {
        /// The file.
        path: String,
        /// What is wrong.
        detail: String,
    },
    /// A value is not of the right form.
    #[error("setting {key} = '{value}' from {source_name}: {detail}")]
    Value {
        /// Key.
        key: &'static str,
        /// Value.
        value: String,
        /// Where it came from (flag, environment, file).
        source_name: String,
        /// What is expected.
        detail: String,
    },
}

/// Parses a TOML config file into key -> string value, refusing unknown keys.
pub fn read_file(path: &str, text: &str) -> Result<BTreeMap<String, String>, SettingsError> {
    let table: toml::Table = toml::from_str(text).map_err(|e| SettingsError::File {
        path: path.into(),
        detail: e.to_string(),
    })?;
    let mut out = BTreeMap::new();
    for (k, v) in table {
        if !SETTINGS.iter().any(|s| s.key == k) {
            let known: Vec<_> = SETTINGS.iter().map(|s| s.key).collect();
            return Err(SettingsError::File {
                path: path.into(),
                detail: format!(
                    "unknown setting '{k}'; known settings: {}",
                    known.join(", ")
                ),
            });
        }
        let s = match v {
            toml::Value::String(s) => s,
            toml::Value::Boolean(b) => b.to_string(),
            toml::Value::Integer(i) => i.to_string(),
            other => {
                return Err(SettingsError::File {
                    path: path.into(),
                    detail: format!(
                        "setting '{k}' must be a string, boolean or integer, not {}",
                        other.type_str()
                    ),
                })
            }
        };
        out.insert(k, s);
    }
    Ok(out)
}

impl Settings {
    /// Resolves every setting from flags, the environment, the file and the defaults.
    pub fn resolve(
        flags: &BTreeMap<String, String>,
        env: impl Fn(&str) -> Option<String>,
        file: &BTreeMap<String, String>,
    ) -> Result<Self, SettingsError> {
        let get = |key: &'static str| -> (String, String) {
            let spec = SETTINGS
                .iter()
                .find(|s| s.key == key)
                .copied()
                .unwrap_or(SETTINGS[0]);
            if let Some(v) = flags.get(key) {
                (v.clone(), format!("--{}", spec.flag()))
            } else if let Some(v) = env(spec.env).filter(|v| !v.is_empty()) {
                (v, spec.env.to_string())
            } else if let Some(v) = file.get(key) {
                (v.clone(), "config file".into())
            } else {
                (spec.default.to_string(), "default".into())
            }
        };
        let (secure, src) = get("secure_cookies");
        let secure_cookies = match secure.as_str() {
            "true" | "1" | "yes" => true,
            "false" | "0" | "no" => false,
            _ => {
                return Err(SettingsError::Value {
                    key: "secure_cookies",
                    value: secure,
                    source_name: src,
                    detail: "expected true or false".into(),
                })
            }
        };
        let (listen, src) = get("listen");
        if listen.parse::<std::net::SocketAddr>().is_err() && !listen.starts_with("localhost:") {
            return Err(SettingsError::Value {
                key: "listen",
                value: listen,
                source_name: src,
                detail: "expected HOST:PORT, e.g. 127.0.0.1:8080".into(),
            });
        }
        let (patterns, src) = get("internal_norm_patterns");
        let internal_norm_patterns = patterns
            .split(';')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(InternalPattern::parse)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| SettingsError::Value {
                key: "internal_norm_patterns",
                value: patterns.clone(),
                source_name: src,
                detail: e.to_string(),
            })?;
        let (format, src) = get("log_format");
        let log_format = match format.as_str() {
            "text" => crate::LogFormat::Text,
            "json" => crate::LogFormat::Json,
            _ => {
                return Err(SettingsError::Value {
                    key: "log_format",
                    value: format,
                    source_name: src,
                    detail: "expected text or json".into(),
                })
            }
        };
        let (rows, src) = get("import_max_rows");
        let import_max_rows = rows
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=10_000_000).contains(n))
            .ok_or_else(|| SettingsError::Value {
                key: "import_max_rows",
                value: rows.clone(),
                source_name: src,
                detail: "expected a whole number from 1 to 10000000".into(),
            })?;
        let (search_synonyms, src) = get("search_synonyms");
        read_synonyms(&search_synonyms, &src)?;
        Ok(Self {
            internal_norm_patterns,
            search_synonyms,
            database_url: get("database_url").0,
            listen,
            data_dir: get("data_dir").0,
            secure_cookies,
            log: get("log").0,
            log_format,
            import_max_rows,
        })
    }
}

/// The example config file: every setting commented with its description and default.
pub fn example_toml() -> String {
    let mut s = String::from("# gongfu configuration. Pass with --config FILE (or GONGFU_CONFIG).\n# Generated from the settings table; `cargo test` fails when this file drifts.\n");
    for spec in SETTINGS {
        s.push_str(&format!(
            "\n# {} (env {}, flag --{})\n# {} = \"{}\"\n",
            spec.help,
            spec.env,
            spec.flag(),
            spec.key,
            spec.default
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precedence_flag_env_file_default() {
        let flags = BTreeMap::from([("listen".to_string(), "127.0.0.1:1".to_string())]);
        let file = BTreeMap::from([
            ("listen".to_string(), "127.0.0.1:3".to_string()),
            ("log".to_string(), "debug".to_string()),
        ]);
        let env = |k: &str| {
            (k == "GONGFU_LISTEN" || k == "GONGFU_LOG").then(|| "127.0.0.1:2".to_string())
        };
        let s = Settings::resolve(&flags, env, &file).unwrap();
        assert_eq!(s.listen, "127.0.0.1:1");
        assert_eq!(s.log, "127.0.0.1:2", "env beats file");
        let s = Settings::resolve(&BTreeMap::new(), |_| None, &file).unwrap();
        assert_eq!(s.listen, "127.0.0.1:3");
        let s = Settings::resolve(&BTreeMap::new(), |_| None, &BTreeMap::new()).unwrap();
        assert_eq!(s.database_url, "sqlite://./gongfu-data/gongfu.db");
        assert!(!s.secure_cookies);
    }

    #[test]
    fn bad_values_say_where_they_came_from() {
        let e = Settings::resolve(
            &BTreeMap::new(),
            |k| (k == "GONGFU_SECURE_COOKIES").then(|| "maybe".into()),
            &BTreeMap::new(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("GONGFU_SECURE_COOKIES"), "{e}");
        let e = read_file("g.toml", "colour = \"red\"").unwrap_err();
        assert!(e.to_string().contains("unknown setting 'colour'"), "{e}");
    }

    #[test]
    fn a_synonyms_file_replaces_the_shipped_groups_or_names_its_bad_line() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("syn.csv");
        std::fs::write(&good, "同义词组\n长者|老年人|老人\n").unwrap();
        let flags = BTreeMap::from([("search_synonyms".to_string(), good.display().to_string())]);
        let s = Settings::resolve(&flags, |_| None, &BTreeMap::new()).unwrap();
        assert_eq!(s.synonyms().unwrap().groups().len(), 1);
        let shipped = Settings::resolve(&BTreeMap::new(), |_| None, &BTreeMap::new()).unwrap();
        assert!(shipped.synonyms().unwrap().groups().len() > 10);
        let bad = dir.path().join("bad.csv");
        std::fs::write(&bad, "同义词组\n长者|老年人\n孤单\n").unwrap();
        let flags = BTreeMap::from([("search_synonyms".to_string(), bad.display().to_string())]);
        let e = Settings::resolve(&flags, |_| None, &BTreeMap::new()).unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.contains("search_synonyms") && msg.contains("bad.csv") && msg.contains("line 3"),
            "{msg}"
        );
        let flags = BTreeMap::from([(
            "search_synonyms".to_string(),
            "/nonexistent/syn.csv".to_string(),
        )]);
        let e = Settings::resolve(&flags, |_| None, &BTreeMap::new()).unwrap_err();
        assert!(e.to_string().contains("cannot read"), "{e}");
    }

    /// Lemmy's rule: the documented defaults are the code's defaults.
    #[test]
    fn example_file_matches_the_table() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../gongfu.example.toml");
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        assert_eq!(text, example_toml(), "gongfu.example.toml drifted from SETTINGS; regenerate it with `gongfu config example > gongfu.example.toml`");
    }
}

//! A resident's answers kept behind a link, only when they ask for one.

use std::collections::BTreeMap;

use gongfu_db::eligibility as store;

use crate::{Eligibility, EligibilityError};

/// How long kept answers stay behind their link.
pub const ANSWERS_KEPT_DAYS: i64 = 30;

impl Eligibility {
    /// Keeps a resident's answers (field name to the text answered) behind a new random
    /// token, for [`ANSWERS_KEPT_DAYS`] days; only the token's hash is stored. Returns the
    /// token for the link. Nothing is kept unless the resident asks for this.
    pub async fn keep_answers(
        &self,
        answers: &BTreeMap<String, String>,
    ) -> Result<String, EligibilityError> {
        let mut raw = [0u8; 24];
        getrandom::fill(&mut raw).map_err(|e| {
            EligibilityError::Invalid(vec![format!(
                "no randomness from the operating system for the link: {e}"
            )])
        })?;
        let token: String = raw.iter().map(|b| format!("{b:02x}")).collect();
        let expires = self.catalog().clock().now() + time::Duration::days(ANSWERS_KEPT_DAYS);
        let expires = expires
            .replace_nanosecond(0)
            .unwrap_or(expires)
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        store::save_answers(
            self.db(),
            &token_hash(&token),
            &serde_json::to_string(answers).unwrap_or_default(),
            &expires,
        )
        .await?;
        Ok(token)
    }

    /// Answers kept behind a token, unless expired or forgotten.
    pub async fn kept_answers(
        &self,
        token: &str,
    ) -> Result<Option<BTreeMap<String, String>>, EligibilityError> {
        if token.len() != 48 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(None);
        }
        Ok(store::saved_answers(self.db(), &token_hash(token))
            .await?
            .and_then(|s| serde_json::from_str(&s).ok()))
    }

    /// Forgets answers kept behind a token.
    pub async fn forget_answers(&self, token: &str) -> Result<bool, EligibilityError> {
        Ok(store::forget_answers(self.db(), &token_hash(token)).await?)
    }
}

fn token_hash(token: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

//! Who may do what: account roles and user names.

/// What an account may do. Residents need no account; these are for staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 管理员: everything, including publishing versions and managing accounts.
    Administrator,
    /// 部门编辑: proposes changes to the items its departments lead.
    DepartmentEditor,
    /// 审核人: decides on proposals.
    Reviewer,
    /// 查看者: reads the admin pages.
    Viewer,
}

impl Role {
    /// Every role, most powerful first.
    pub const ALL: [Role; 4] = [
        Self::Administrator,
        Self::DepartmentEditor,
        Self::Reviewer,
        Self::Viewer,
    ];

    /// Stable English name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Administrator => "administrator",
            Self::DepartmentEditor => "department_editor",
            Self::Reviewer => "reviewer",
            Self::Viewer => "viewer",
        }
    }

    /// Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Administrator => "管理员",
            Self::DepartmentEditor => "部门编辑",
            Self::Reviewer => "审核人",
            Self::Viewer => "查看者",
        }
    }

    /// Parses the English name or the Chinese label.
    pub fn parse(raw: &str) -> Option<Self> {
        let s = raw.trim();
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == s || r.label() == s)
    }

    /// May propose changes to items (editors only for their departments' items).
    pub fn can_propose(self) -> bool {
        matches!(self, Self::Administrator | Self::DepartmentEditor)
    }

    /// May accept or reject proposals.
    pub fn can_review(self) -> bool {
        matches!(self, Self::Administrator | Self::Reviewer)
    }

    /// May approve an adjustment, publishing a version, import lists and manage accounts.
    pub fn can_administer(self) -> bool {
        matches!(self, Self::Administrator)
    }
}

/// A login name: 3-32 ASCII letters, digits, '.', '_' or '-'.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Username(String);

impl Username {
    /// Parses and lowercases a user name.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let s = raw.trim().to_ascii_lowercase();
        if !(3..=32).contains(&s.len()) {
            return Err(format!("user name '{s}' must be 3 to 32 characters long"));
        }
        if let Some(c) = s
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || "._-".contains(*c)))
        {
            return Err(format!(
                "user name '{s}' contains '{c}'; use letters, digits, '.', '_' or '-'"
            ));
        }
        Ok(Self(s))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_and_permissions() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
            assert_eq!(Role::parse(r.label()), Some(r));
        }
        assert!(Role::Administrator.can_administer());
        assert!(!Role::Reviewer.can_propose());
        assert!(Role::Reviewer.can_review());
        assert!(!Role::Viewer.can_review());
    }

    #[test]
    fn usernames() {
        assert_eq!(Username::parse(" Admin ").unwrap().as_str(), "admin");
        assert!(Username::parse("ab").is_err());
        assert!(Username::parse("张三").is_err());
    }
}

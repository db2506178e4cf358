//! Who may do what: account roles, the acting account, the one permission check, and user
//! names.
//!
//! Every capability asks [`Actor::may`] (what the role allows) and, for changes to things a
//! department owns (list items, service points), [`Actor::may_change`] (whose things they
//! are before and after). Nothing else decides permissions, so a new write path cannot
//! quietly grow a check of its own that differs.

use std::collections::BTreeSet;

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

/// What an actor wants to do, as the permission check sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Open adjustments and propose changes to the list (editors within their departments).
    Propose,
    /// Accept or reject proposals.
    Review,
    /// Change service points (editors within their departments).
    EditPoints,
    /// Run affordability assessments: whoever proposes or reviews.
    Assess,
    /// Everything else that changes shared data: publish versions, import lists, standards,
    /// boundaries, residential sites, populations and finance figures, manage accounts.
    Administer,
}

impl Action {
    /// Chinese name, for refusals.
    pub fn label(self) -> &'static str {
        match self {
            Self::Propose => "提出清单调整",
            Self::Review => "审核调整建议",
            Self::EditPoints => "修改服务点",
            Self::Assess => "运行财政承受能力测算",
            Self::Administer => "管理员操作",
        }
    }

    /// The roles that may do it.
    pub fn roles(self) -> &'static [Role] {
        match self {
            Self::Propose | Self::EditPoints => &[Role::Administrator, Role::DepartmentEditor],
            Self::Review => &[Role::Administrator, Role::Reviewer],
            Self::Assess => &[Role::Administrator, Role::DepartmentEditor, Role::Reviewer],
            Self::Administer => &[Role::Administrator],
        }
    }
}

/// Who is acting: a staff account, or the server itself on an operator's command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// User name, recorded in the audit log.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Short names of the departments an editor works for (区教育局, …).
    pub departments: Vec<String>,
}

/// A refusal, saying who, what and why in Chinese (the page and the API show it as is).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    /// The role does not allow the action at all.
    #[error("{}", crate::msg!("denied-role", actor = actor, role = role.label(), action = action.label(), roles = roles_label(action.roles())))]
    Role {
        /// User name.
        actor: String,
        /// Their role.
        role: Role,
        /// What was asked.
        action: Action,
    },
    /// The thing as it stands belongs to departments the editor does not work for.
    #[error("{}", crate::msg!("denied-not-theirs", actor = actor, mine = join(mine), what = what, owners = if owners.is_empty() { crate::msg!("denied-no-department") } else { join(owners) }))]
    NotTheirs {
        /// User name.
        actor: String,
        /// Their departments.
        mine: Vec<String>,
        /// What it is: 事项 L0302, 服务点 SP00003.
        what: String,
        /// Its departments as it stands.
        owners: Vec<String>,
    },
    /// The change would add or remove a department the editor does not work for.
    #[error("{}", if *added { crate::msg!("denied-department-added", actor = actor, what = what, departments = join(departments)) } else { crate::msg!("denied-department-removed", actor = actor, what = what, departments = join(departments)) })]
    OtherDepartment {
        /// User name.
        actor: String,
        /// What it is.
        what: String,
        /// The departments added or removed.
        departments: Vec<String>,
        /// Added (true) or removed (false).
        added: bool,
    },
    /// Only the account that made it (or an administrator) may do this.
    #[error("{}", crate::msg!("denied-not-owner", actor = actor, what = what, owner = owner))]
    NotOwner {
        /// User name.
        actor: String,
        /// What it is.
        what: String,
        /// Who made it.
        owner: String,
    },
}

/// Departments as a message lists them, each once, in order.
fn join(v: &[String]) -> String {
    let mut once: Vec<&String> = vec![];
    for d in v {
        if !once.contains(&d) {
            once.push(d);
        }
    }
    crate::message::join(&once)
}

fn roles_label(roles: &[Role]) -> String {
    roles
        .iter()
        .map(|r| r.label())
        .collect::<Vec<_>>()
        .join("或")
}

/// One thing a change touches, and the departments that own it (lead an item, operate a
/// point).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owned {
    /// What it is, for refusals: 事项 L0302.
    pub what: String,
    /// Its departments' short names.
    pub departments: Vec<String>,
}

impl Owned {
    /// A thing and its departments.
    pub fn new<D: AsRef<str>>(what: impl Into<String>, departments: &[D]) -> Self {
        Self {
            what: what.into(),
            departments: departments.iter().map(|d| d.as_ref().to_string()).collect(),
        }
    }
}

impl Actor {
    /// The server acting on an operator's command (CLI, demo loader): an administrator.
    pub fn system(name: &str) -> Self {
        Self {
            name: name.into(),
            role: Role::Administrator,
            departments: vec![],
        }
    }

    /// Whether the role allows the action at all.
    pub fn may(&self, action: Action) -> Result<(), Denied> {
        if action.roles().contains(&self.role) {
            Ok(())
        } else {
            Err(Denied::Role {
                actor: self.name.clone(),
                role: self.role,
                action,
            })
        }
    }

    /// Whether the actor may make a change to things departments own: `before` is every
    /// existing thing the change touches (each target of a merge, too) as it stands, `after`
    /// the owners once the change is made (`None` when the things go away). Beyond
    /// [`Actor::may`], an editor must work for a department that owns every thing before,
    /// and may not add or remove another department's name through the change (which is
    /// how an editor could otherwise claim or shed another department's item).
    pub fn may_change(
        &self,
        action: Action,
        before: &[Owned],
        after: Option<&Owned>,
    ) -> Result<(), Denied> {
        self.may(action)?;
        if self.role == Role::Administrator {
            return Ok(());
        }
        let mine: BTreeSet<&str> = self.departments.iter().map(String::as_str).collect();
        for b in before {
            if !b.departments.iter().any(|d| mine.contains(d.as_str())) {
                return Err(Denied::NotTheirs {
                    actor: self.name.clone(),
                    mine: self.departments.clone(),
                    what: b.what.clone(),
                    owners: b.departments.clone(),
                });
            }
        }
        let Some(after) = after else {
            return Ok(());
        };
        let was: BTreeSet<&str> = before
            .iter()
            .flat_map(|b| b.departments.iter().map(String::as_str))
            .collect();
        let now: BTreeSet<&str> = after.departments.iter().map(String::as_str).collect();
        if before.is_empty() && !now.iter().any(|d| mine.contains(d)) {
            // Something new must belong to the editor's department.
            return Err(Denied::NotTheirs {
                actor: self.name.clone(),
                mine: self.departments.clone(),
                what: after.what.clone(),
                owners: after.departments.clone(),
            });
        }
        for (set, other, added) in [(&now, &was, true), (&was, &now, false)] {
            let foreign: Vec<String> = set
                .difference(other)
                .filter(|d| !mine.contains(*d))
                .map(|d| d.to_string())
                .collect();
            if !foreign.is_empty() {
                return Err(Denied::OtherDepartment {
                    actor: self.name.clone(),
                    what: after.what.clone(),
                    departments: foreign,
                    added,
                });
            }
        }
        Ok(())
    }

    /// Whether the actor may withdraw something `owner` made: the owner or an administrator.
    pub fn may_withdraw(&self, what: &str, owner: &str) -> Result<(), Denied> {
        if self.name == owner || self.role == Role::Administrator {
            Ok(())
        } else {
            Err(Denied::NotOwner {
                actor: self.name.clone(),
                what: what.to_string(),
                owner: owner.to_string(),
            })
        }
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
            return Err(crate::msg!("username-length", name = s));
        }
        if let Some(c) = s
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || "._-".contains(*c)))
        {
            return Err(crate::msg!("username-bad-char", name = s, char = c));
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
    fn a_refusal_names_each_department_once() {
        let e = Denied::NotTheirs {
            actor: "editor".into(),
            mine: vec!["区卫生健康局".into()],
            what: "这项调整涉及的事项".into(),
            owners: vec!["区民政局".into(), "区民政局".into(), "区教育局".into()],
        }
        .to_string();
        assert!(e.contains("由区民政局、区教育局负责"), "{e}");
        assert_eq!(e.matches("区民政局").count(), 1, "{e}");
    }

    fn editor(deps: &[&str]) -> Actor {
        Actor {
            name: "wsj".into(),
            role: Role::DepartmentEditor,
            departments: deps.iter().map(|d| d.to_string()).collect(),
        }
    }

    #[test]
    fn roles_gate_actions() {
        for role in Role::ALL {
            let a = Actor {
                name: "x".into(),
                role,
                departments: vec![],
            };
            assert_eq!(a.may(Action::Administer).is_ok(), role.can_administer());
            assert_eq!(a.may(Action::Review).is_ok(), role.can_review());
            assert_eq!(a.may(Action::Propose).is_ok(), role.can_propose());
        }
        let e = Actor {
            name: "guest".into(),
            role: Role::Viewer,
            departments: vec![],
        }
        .may(Action::Propose)
        .unwrap_err();
        assert!(e.to_string().contains("查看者"), "{e}");
    }

    #[test]
    fn editors_change_only_their_departments_things() {
        let ed = editor(&["区卫生健康局"]);
        let o = |what: &str, d: &[&str]| Owned::new(what, d);
        let own = o("事项 L1001", &["区卫生健康局"]);
        let foreign = o("事项 L0302", &["区教育局", "区妇联"]);
        let p = Action::Propose;
        // Their own item, unchanged owners: yes.
        assert!(ed
            .may_change(p, std::slice::from_ref(&own), Some(&own))
            .is_ok());
        // Another department's item, even with their own name added: no.
        let claimed = o("事项 L0302", &["区教育局", "区妇联", "区卫生健康局"]);
        let e = ed
            .may_change(p, std::slice::from_ref(&foreign), Some(&claimed))
            .unwrap_err();
        assert!(matches!(e, Denied::NotTheirs { .. }), "{e}");
        assert!(e.to_string().contains("区教育局、区妇联"), "{e}");
        // A merge of their item with another department's: no.
        assert!(ed
            .may_change(p, &[own.clone(), foreign.clone()], Some(&own))
            .is_err());
        // Adding or removing another department on their own item: no.
        let joint = o("事项 L1001", &["区卫生健康局", "区民政局"]);
        let e = ed
            .may_change(p, std::slice::from_ref(&own), Some(&joint))
            .unwrap_err();
        assert!(
            matches!(e, Denied::OtherDepartment { added: true, .. }),
            "{e}"
        );
        let e = ed
            .may_change(p, std::slice::from_ref(&joint), Some(&own))
            .unwrap_err();
        assert!(
            matches!(e, Denied::OtherDepartment { added: false, .. }),
            "{e}"
        );
        // Something new must be theirs, and theirs alone.
        let q = Action::EditPoints;
        assert!(ed
            .may_change(q, &[], Some(&o("服务点 SP1", &["区卫生健康局"])))
            .is_ok());
        assert!(ed
            .may_change(q, &[], Some(&o("服务点 SP1", &["区教育局"])))
            .is_err());
        assert!(ed.may_change(q, &[], Some(&joint)).is_err());
        // A thing with no department is the administrator's.
        assert!(ed.may_change(q, &[o("服务点 SP2", &[])], None).is_err());
        // Removing their own thing: yes; a reviewer: never.
        assert!(ed.may_change(p, std::slice::from_ref(&own), None).is_ok());
        let reviewer = Actor {
            role: Role::Reviewer,
            ..ed.clone()
        };
        assert!(reviewer.may_change(p, &[own], None).is_err());
        assert!(Actor::system("cli")
            .may_change(p, &[foreign], Some(&joint))
            .is_ok());
    }

    #[test]
    fn usernames() {
        assert_eq!(Username::parse(" Admin ").unwrap().as_str(), "admin");
        assert!(Username::parse("ab").is_err());
        assert!(Username::parse("张三").is_err());
    }
}

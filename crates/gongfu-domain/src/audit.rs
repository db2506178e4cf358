//! The audit log's actions as people read them: `version.publish` is stored (a stable key
//! for machines and queries), 发布清单版本 is shown.
//!
//! Every action a write records must have a name here: `gongfu-db` asserts it (in debug
//! builds, so every test that writes checks it), and the names live in the message
//! catalogue (`audit.ftl`).

/// The Chinese name of a stored audit action, or `None` for an action nobody named.
pub fn action_label(action: &str) -> Option<String> {
    Some(match action {
        "version.publish" => crate::msg!("audit-version-publish"),
        "national.import" => crate::msg!("audit-national-import"),
        "adjustment.open" => crate::msg!("audit-adjustment-open"),
        "adjustment.close" => crate::msg!("audit-adjustment-close"),
        "proposal.add" => crate::msg!("audit-proposal-add"),
        "proposal.decide" => crate::msg!("audit-proposal-decide"),
        "proposal.decide_all" => crate::msg!("audit-proposal-decide-all"),
        "regions.import" => crate::msg!("audit-regions-import"),
        "departments.import" => crate::msg!("audit-departments-import"),
        "standards.tree.replace" => crate::msg!("audit-standards-tree-replace"),
        "standards.import" => crate::msg!("audit-standards-import"),
        "standards.add" => crate::msg!("audit-standards-add"),
        "standards.edit" => crate::msg!("audit-standards-edit"),
        "standards.remove" => crate::msg!("audit-standards-remove"),
        "texts.import" => crate::msg!("audit-texts-import"),
        "texts.remove" => crate::msg!("audit-texts-remove"),
        "points.import" => crate::msg!("audit-points-import"),
        "points.remove" => crate::msg!("audit-points-remove"),
        "sites.import" => crate::msg!("audit-sites-import"),
        "boundaries.import" => crate::msg!("audit-boundaries-import"),
        "population.create" => crate::msg!("audit-population-create"),
        "population.delete" => crate::msg!("audit-population-delete"),
        "finance.save" => crate::msg!("audit-finance-save"),
        "affordability.run" => crate::msg!("audit-affordability-run"),
        "user.login" => crate::msg!("audit-user-login"),
        "user.save" => crate::msg!("audit-user-save"),
        "user.lock" => crate::msg!("audit-user-lock"),
        "user.disable" => crate::msg!("audit-user-disable"),
        "user.enable" => crate::msg!("audit-user-enable"),
        "user.reset_password" => crate::msg!("audit-user-reset-password"),
        "user.logout_all" => crate::msg!("audit-user-logout-all"),
        "user.unlock" => crate::msg!("audit-user-unlock"),
        _ => return None,
    })
}

/// The name to show: the Chinese name, or the stored key when nobody named it.
pub fn action_text(action: &str) -> String {
    action_label(action).unwrap_or_else(|| action.to_string())
}

/// The Chinese name of the kind of record an entry concerns (`version` → 清单版本), or the
/// stored key for a kind nobody named.
pub fn entity_text(entity: &str) -> String {
    match entity {
        "version" => crate::msg!("entity-version"),
        "national_edition" => crate::msg!("entity-national-edition"),
        "adjustment" => crate::msg!("entity-adjustment"),
        "user" => crate::msg!("entity-user"),
        "document" => crate::msg!("entity-document"),
        "population" => crate::msg!("entity-population"),
        "finance" => crate::msg!("entity-finance"),
        "affordability_run" => crate::msg!("entity-affordability-run"),
        "service_point" => crate::msg!("entity-service-point"),
        "boundary" => crate::msg!("entity-boundary"),
        "residential_site" => crate::msg!("entity-residential-site"),
        "region" => crate::msg!("entity-region"),
        "department" => crate::msg!("entity-department"),
        "standard" => crate::msg!("entity-standard"),
        "standard_node" => crate::msg!("entity-standard-node"),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn actions_read_in_chinese() {
        assert_eq!(super::action_text("user.login"), "登录");
        assert_eq!(super::action_text("version.publish"), "发布清单版本");
        assert!(super::action_label("no.such").is_none());
    }
}

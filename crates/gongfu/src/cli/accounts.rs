//! Staff accounts: `gongfu user add|list`.

use super::Ctx;
use anyhow::{Context, Result};
use clap::Subcommand;
use gongfu_domain::Role;

/// `gongfu user …`.
#[derive(Subcommand)]
pub enum User {
    /// Create an account, or reset its password and role. The password is read from
    /// GONGFU_PASSWORD or, when unset, from the first line of standard input.
    Add {
        /// Login name.
        username: String,
        /// administrator, department_editor, reviewer or viewer.
        #[arg(long, default_value = "viewer")]
        role: String,
        /// Departments an editor works for (short names, separated by 、 or commas).
        #[arg(long, default_value = "")]
        departments: String,
        /// Name shown on pages.
        #[arg(long, default_value = "")]
        name: String,
    },
    /// List accounts.
    List,
}

/// Runs `gongfu user …`.
pub async fn run(what: User, ctx: &Ctx) -> Result<()> {
    match what {
        User::Add {
            username,
            role,
            departments,
            name,
        } => {
            let role = Role::parse(&role).with_context(|| format!("unknown role '{role}'; use administrator, department_editor, reviewer or viewer"))?;
            let password = match std::env::var("GONGFU_PASSWORD") {
                Ok(p) => p,
                Err(_) => {
                    eprintln!("password for {username} (one line on standard input):");
                    let mut line = String::new();
                    std::io::stdin().read_line(&mut line)?;
                    line.trim_end_matches(['\r', '\n']).to_string()
                }
            };
            let s = ctx.services().await?;
            let depts = gongfu_domain::text::split_list(&departments);
            gongfu_accounts::save_user(
                &s.db,
                &username,
                &name,
                &password,
                role,
                &depts,
                &ctx.actor.name,
            )
            .await?;
            println!("saved user {username} ({})", role.label());
        }
        User::List => {
            let s = ctx.services().await?;
            for u in gongfu_db::accounts::users(&s.db).await? {
                println!(
                    "{}\t{}\t{}\t{}{}",
                    u.username,
                    u.display_name,
                    u.role.as_str(),
                    u.departments.join("、"),
                    if u.disabled { "\tdisabled" } else { "" }
                );
            }
        }
    }
    Ok(())
}

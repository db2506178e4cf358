//! Staff accounts: `gongfu user add|list|disable|enable|reset-password|logout-all|unlock`.

use super::Ctx;
use anyhow::{Context, Result};
use clap::Subcommand;
use gongfu_accounts::Change;
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
    /// Disable an account: it cannot log in, and its sessions end.
    Disable {
        /// Login name.
        username: String,
    },
    /// Enable a disabled account (and lift a lock).
    Enable {
        /// Login name.
        username: String,
    },
    /// Set a new password (from GONGFU_PASSWORD or standard input); the account's sessions
    /// end and a lock after wrong passwords is lifted.
    ResetPassword {
        /// Login name.
        username: String,
    },
    /// End every session of an account (log it out everywhere).
    LogoutAll {
        /// Login name.
        username: String,
    },
    /// Lift the lock that wrong passwords put on an account.
    Unlock {
        /// Login name.
        username: String,
    },
}

/// Applies an administrator's change and says what it did, in Chinese.
async fn change(ctx: &Ctx, username: &str, change: Change) -> Result<()> {
    let done = change.done();
    let s = ctx.services().await?;
    let ended = s.accounts.change(&ctx.actor, username, change).await?;
    println!("账号 {username} {done}（结束会话 {ended} 个）");
    Ok(())
}

fn read_password(username: &str) -> Result<String> {
    Ok(match std::env::var("GONGFU_PASSWORD") {
        Ok(p) => p,
        Err(_) => {
            eprintln!("请输入 {username} 的密码（标准输入一行）：");
            let mut line = String::new();
            std::io::stdin().read_line(&mut line)?;
            line.trim_end_matches(['\r', '\n']).to_string()
        }
    })
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
            let password = read_password(&username)?;
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
                    if u.disabled {
                        "\t已停用"
                    } else if u.locked_until.is_some() {
                        "\t已锁定"
                    } else {
                        ""
                    }
                );
            }
        }
        User::Disable { username } => change(ctx, &username, Change::Disable).await?,
        User::Enable { username } => change(ctx, &username, Change::Enable).await?,
        User::LogoutAll { username } => change(ctx, &username, Change::LogoutAll).await?,
        User::Unlock { username } => change(ctx, &username, Change::Unlock).await?,
        User::ResetPassword { username } => {
            let password = read_password(&username)?;
            change(ctx, &username, Change::ResetPassword(password)).await?
        }
    }
    Ok(())
}

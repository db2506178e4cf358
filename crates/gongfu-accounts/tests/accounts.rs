//! Login and sessions on a real database, on a clock the tests move forward.

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] fns may panic: that is how a test fails

use gongfu_accounts::{
    csrf_matches, logout, save_user, AccountError, Accounts, Attempt, Change, IDLE_MINUTES,
    LOCK_AFTER, LOCK_MINUTES,
};
use gongfu_db::testing;
use gongfu_domain::{Actor, Clock, Role};
use std::sync::{Arc, Mutex};
use time::{Duration, OffsetDateTime};

/// A clock the test moves forward.
#[derive(Debug)]
struct TestClock(Mutex<OffsetDateTime>);

impl Clock for TestClock {
    fn now(&self) -> OffsetDateTime {
        *self.0.lock().unwrap()
    }
}

impl TestClock {
    fn advance(&self, d: Duration) {
        *self.0.lock().unwrap() += d;
    }
}

async fn setup() -> (testing::TestDb, Accounts, Arc<TestClock>) {
    let t = testing::fresh().await;
    save_user(
        &t.db,
        "Alice",
        "王丽",
        "a long password",
        Role::Reviewer,
        &[],
        "cli",
    )
    .await
    .unwrap();
    let clock = Arc::new(TestClock(Mutex::new(OffsetDateTime::now_utc())));
    let accounts = Accounts::new(t.db.clone(), clock.clone());
    (t, accounts, clock)
}

fn attempt<'a>(username: &'a str, password: &'a str, client: &'a str) -> Attempt<'a> {
    Attempt {
        username,
        password,
        client,
    }
}

#[tokio::test]
async fn login_session_logout() {
    let (t, accounts, _) = setup().await;
    let login = |u, p| accounts.login(attempt(u, p, "10.0.0.1"));
    assert!(matches!(
        login("alice", "wrong password").await,
        Err(AccountError::BadCredentials)
    ));
    assert!(matches!(
        login("nobody", "a long password").await,
        Err(AccountError::BadCredentials)
    ));
    let (token, s) = login("ALICE", "a long password").await.unwrap();
    assert_eq!(s.user.role, Role::Reviewer);
    let again = accounts.session(&token).await.unwrap().unwrap();
    assert_eq!(again.user.username, "alice");
    assert!(csrf_matches(&again, &s.csrf));
    assert!(!csrf_matches(&again, "forged"));
    assert!(accounts.session("not-a-token").await.unwrap().is_none());
    logout(&t.db, &token).await.unwrap();
    assert!(accounts.session(&token).await.unwrap().is_none());
}

#[tokio::test]
async fn wrong_passwords_lock_the_account_until_it_unlocks_or_is_unlocked() {
    let (_t, accounts, clock) = setup().await;
    for _ in 0..LOCK_AFTER {
        let e = accounts
            .login(attempt("alice", "guess", "10.0.0.2"))
            .await
            .unwrap_err();
        assert!(matches!(e, AccountError::BadCredentials), "{e}");
    }
    // Locked: even the right password is refused, without being checked, and says when.
    let e = accounts
        .login(attempt("alice", "a long password", "10.0.0.3"))
        .await
        .unwrap_err();
    assert!(
        matches!(e, AccountError::Locked { retry_after } if retry_after > 0),
        "{e}"
    );
    assert!(e.to_string().contains("锁定"), "{e}");
    clock.advance(Duration::minutes(LOCK_MINUTES) + Duration::seconds(1));
    accounts
        .login(attempt("alice", "a long password", "10.0.0.3"))
        .await
        .expect("the lock runs out");
    // Locked again; an administrator lifts it at once, nobody else may.
    for _ in 0..LOCK_AFTER {
        let _ = accounts.login(attempt("alice", "guess", "10.0.0.4")).await;
    }
    assert!(accounts
        .login(attempt("alice", "a long password", "10.0.0.4"))
        .await
        .is_err());
    let viewer = Actor {
        name: "v".into(),
        role: Role::Viewer,
        departments: vec![],
    };
    assert!(matches!(
        accounts.change(&viewer, "alice", Change::Unlock).await,
        Err(AccountError::Forbidden(_))
    ));
    accounts
        .change(&Actor::system("cli"), "alice", Change::Unlock)
        .await
        .unwrap();
    accounts
        .login(attempt("alice", "a long password", "10.0.0.4"))
        .await
        .expect("unlocked");
}

#[tokio::test]
async fn a_client_guessing_across_accounts_is_made_to_wait() {
    let (_t, accounts, clock) = setup().await;
    // Unknown names never lock an account, so only the count per address stops this.
    let mut last = None;
    for i in 0..40 {
        let name = format!("user{i}");
        last = Some(
            accounts
                .login(attempt(&name, "guess", "203.0.113.9"))
                .await
                .map(|_| ()),
        );
    }
    let e = last.unwrap().unwrap_err();
    assert!(matches!(e, AccountError::Throttled { .. }), "{e}");
    // Another address is not held up, and the first may try again once the window passed.
    accounts
        .login(attempt("alice", "a long password", "203.0.113.10"))
        .await
        .unwrap();
    clock.advance(Duration::minutes(11));
    accounts
        .login(attempt("alice", "a long password", "203.0.113.9"))
        .await
        .unwrap();
}

#[tokio::test]
async fn sessions_end_when_idle_reset_disabled_or_logged_out_everywhere() {
    let (t, accounts, clock) = setup().await;
    let admin = Actor::system("cli");
    let login = || accounts.login(attempt("alice", "a long password", ""));
    // Used within the idle limit, a session lives on; idle past it, it ends.
    let (token, _) = login().await.unwrap();
    clock.advance(Duration::minutes(IDLE_MINUTES - 5));
    assert!(accounts.session(&token).await.unwrap().is_some());
    clock.advance(Duration::minutes(IDLE_MINUTES - 5));
    assert!(
        accounts.session(&token).await.unwrap().is_some(),
        "use keeps it alive"
    );
    clock.advance(Duration::minutes(IDLE_MINUTES + 1));
    assert!(
        accounts.session(&token).await.unwrap().is_none(),
        "idle ends it"
    );
    assert!(accounts.purge_sessions().await.unwrap() >= 1);
    // A password reset ends every session; the new password works, the old does not.
    let (a, _) = login().await.unwrap();
    let (b, _) = login().await.unwrap();
    let ended = accounts
        .change(
            &admin,
            "alice",
            Change::ResetPassword("another long one".into()),
        )
        .await
        .unwrap();
    assert_eq!(ended, 2);
    for tok in [&a, &b] {
        assert!(accounts.session(tok).await.unwrap().is_none());
    }
    assert!(login().await.is_err());
    let (c, _) = accounts
        .login(attempt("alice", "another long one", ""))
        .await
        .unwrap();
    // Saving the account again with a new password ends its sessions too.
    save_user(
        &t.db,
        "alice",
        "",
        "a long password",
        Role::Reviewer,
        &[],
        "cli",
    )
    .await
    .unwrap();
    assert!(accounts.session(&c).await.unwrap().is_none());
    // Disabled: its sessions end and it cannot log in; enabled: it can again.
    let (d, _) = login().await.unwrap();
    accounts
        .change(&admin, "alice", Change::Disable)
        .await
        .unwrap();
    assert!(accounts.session(&d).await.unwrap().is_none());
    assert!(login().await.is_err());
    accounts
        .change(&admin, "alice", Change::Enable)
        .await
        .unwrap();
    let (e, _) = login().await.unwrap();
    assert_eq!(
        accounts
            .change(&admin, "alice", Change::LogoutAll)
            .await
            .unwrap(),
        1
    );
    assert!(accounts.session(&e).await.unwrap().is_none());
    assert!(matches!(
        accounts.change(&admin, "nobody", Change::Disable).await,
        Err(AccountError::NoSuchUser(_))
    ));
}

#[tokio::test]
async fn editors_need_departments() {
    let t = testing::fresh().await;
    let e = save_user(
        &t.db,
        "editor",
        "",
        "a long password",
        Role::DepartmentEditor,
        &[],
        "cli",
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("至少需要一个部门"), "{e}");
}

#[tokio::test]
async fn an_administrator_cannot_disable_their_own_account() {
    let (t, accounts, _) = setup().await;
    save_user(
        &t.db,
        "boss",
        "",
        "a long password",
        Role::Administrator,
        &[],
        "cli",
    )
    .await
    .unwrap();
    let boss = Actor {
        name: "boss".into(),
        role: Role::Administrator,
        departments: vec![],
    };
    let e = accounts
        .change(&boss, "boss", Change::Disable)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("另一位管理员"), "{e}");
    // Another administrator (or the operator's command line) may.
    accounts
        .change(&Actor::system("cli"), "boss", Change::Disable)
        .await
        .unwrap();
}

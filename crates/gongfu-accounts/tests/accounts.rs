//! Login and sessions on a real database.

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] fns may panic: that is how a test fails

use gongfu_accounts::{csrf_matches, login, logout, save_user, session, AccountError};
use gongfu_db::testing;
use gongfu_domain::Role;

#[tokio::test]
async fn login_session_logout() {
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
    assert!(matches!(
        login(&t.db, "alice", "wrong password").await,
        Err(AccountError::BadCredentials)
    ));
    assert!(matches!(
        login(&t.db, "nobody", "a long password").await,
        Err(AccountError::BadCredentials)
    ));
    let (token, s) = login(&t.db, "ALICE", "a long password").await.unwrap();
    assert_eq!(s.user.role, Role::Reviewer);
    let again = session(&t.db, &token).await.unwrap().unwrap();
    assert_eq!(again.user.username, "alice");
    assert!(csrf_matches(&again, &s.csrf));
    assert!(!csrf_matches(&again, "forged"));
    assert!(session(&t.db, "not-a-token").await.unwrap().is_none());
    logout(&t.db, &token).await.unwrap();
    assert!(session(&t.db, &token).await.unwrap().is_none());
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
    assert!(e.to_string().contains("department"), "{e}");
}

//! The profile-resolution cache: fewer requests, identical results.

use crate::support::*;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

const BALANCE: &str = r#"{"properties":{"balanceSummary":{"estimatedBalance":{"currency":"USD","value":996.13},"currentBalance":{"currency":"USD","value":1000.00}}}}"#;

fn balance_path(account: &str) -> String {
    consumption_path(&profile_id(account, DEV_PROFILE), "credits/balanceSummary")
}

/// Serves the accounts list with Development in account 1234:5678 for the first listing
/// only, and its balance: the state a cache is filled from.
async fn cached_once(fake: &Fake) {
    Mock::given(method("GET"))
        .and(path(ACCOUNTS_PATH))
        .respond_with(json_response(&accounts_body(&[(
            ACCOUNT,
            "Contoso",
            &[(DEV_PROFILE, "Development", "USD")],
        )])))
        .up_to_n_times(1)
        .mount(&fake.server)
        .await;
    fake.serve(&balance_path(ACCOUNT), BALANCE).await;
    assert_eq!(fake.run(&["balance", "-p", "Development"]).code, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_repeated_balance_by_name_is_one_request_with_the_same_output() {
    let fake = Fake::start().await;
    with_development_profile(&fake).await;
    fake.serve(&balance_path(ACCOUNT), BALANCE).await;
    let first = fake.run(&["balance", "-p", "Development", "--json"]);
    assert_eq!(first.code, 0, "{first}");
    assert_eq!(
        fake.request_count().await,
        2,
        "cold: list accounts, then the balance"
    );
    let second = fake.run(&["balance", "-p", "Development", "--json"]);
    assert_eq!(fake.request_count().await, 3, "warm: the balance only");
    assert_eq!(first.stdout, second.stdout);
    assert_eq!(first.stderr, second.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn refresh_bypasses_the_cache() {
    let fake = Fake::start().await;
    with_development_profile(&fake).await;
    fake.serve(&balance_path(ACCOUNT), BALANCE).await;
    fake.run(&["balance", "-p", "Development"]);
    let refreshed = fake.run(&["balance", "-p", "Development", "--refresh"]);
    assert_eq!(refreshed.code, 0, "{refreshed}");
    assert_eq!(fake.request_count().await, 4);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_cache_file_is_private_and_holds_no_token() {
    let fake = Fake::start().await;
    with_development_profile(&fake).await;
    fake.serve(&balance_path(ACCOUNT), BALANCE).await;
    fake.run(&["balance", "-p", "Development"]);
    let file = fake.cache.path().join("profiles-v1.json");
    let text = std::fs::read_to_string(&file).expect("the cache was written");
    assert!(text.contains("Development"));
    assert!(!text.contains(CANARY_TOKEN));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_corrupt_cache_is_ignored_and_rewritten() {
    let fake = Fake::start().await;
    with_development_profile(&fake).await;
    fake.serve(&balance_path(ACCOUNT), BALANCE).await;
    let file = fake.cache.path().join("profiles-v1.json");
    std::fs::write(&file, "{\"version\": 1, \"entries\": {\"x\": [").unwrap();
    let outcome = fake.run(&["balance", "-p", "Development", "--json"]);
    assert_eq!(outcome.code, 0, "{outcome}");
    assert!(std::fs::read_to_string(&file)
        .unwrap()
        .contains("Development"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cached_profile_that_moved_is_resolved_again() {
    let fake = Fake::start().await;
    // First the profile lives in account 1234:5678 ...
    cached_once(&fake).await;
    // ... then it is moved to account 9999:0000 and the old id answers 404.
    fake.server.reset().await;
    fake.accounts(&accounts_body(&[(
        "9999:0000",
        "Contoso",
        &[(DEV_PROFILE, "Development", "USD")],
    )]))
    .await;
    Mock::given(method("GET"))
        .and(path(balance_path(ACCOUNT)))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_string(r#"{"error":{"code":"NotFound","message":"gone"}}"#),
        )
        .mount(&fake.server)
        .await;
    fake.serve(&balance_path("9999:0000"), BALANCE).await;
    let outcome = fake.run(&["balance", "-p", "Development", "--json"]);
    assert_eq!(outcome.code, 0, "{outcome}");
    assert_eq!(
        outcome.json()["billingProfile"]["id"],
        profile_id("9999:0000", DEV_PROFILE).as_str()
    );
    // And the cache now holds the new id: one request next time.
    fake.server.reset().await;
    fake.serve(&balance_path("9999:0000"), BALANCE).await;
    assert_eq!(fake.run(&["balance", "-p", "Development"]).code, 0);
    assert_eq!(fake.request_count().await, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stale_cache_miss_lists_again_before_giving_up() {
    let fake = Fake::start().await;
    cached_once(&fake).await;
    // A profile created after the cache was written is still found.
    fake.accounts(&accounts_body(&[(
        ACCOUNT,
        "Contoso",
        &[
            (DEV_PROFILE, "Development", "USD"),
            ("1357", "Staging", "USD"),
        ],
    )]))
    .await;
    fake.serve(
        &consumption_path(&profile_id(ACCOUNT, "1357"), "credits/balanceSummary"),
        BALANCE,
    )
    .await;
    let outcome = fake.run(&["balance", "-p", "Staging"]);
    assert_eq!(outcome.code, 0, "{outcome}");
}

#[tokio::test(flavor = "multi_thread")]
async fn accounts_always_lists_afresh_and_refreshes_the_cache() {
    let fake = Fake::start().await;
    with_development_profile(&fake).await;
    fake.serve(&balance_path(ACCOUNT), BALANCE).await;
    assert_eq!(fake.run(&["accounts"]).code, 0);
    assert_eq!(fake.run(&["accounts"]).code, 0);
    assert_eq!(
        fake.request_count().await,
        2,
        "no cache for `accounts` itself"
    );
    // What `accounts` listed is what `balance` resolves from: no listing of its own.
    assert_eq!(fake.run(&["balance", "-p", "Development"]).code, 0);
    assert_eq!(fake.request_count().await, 3);
}

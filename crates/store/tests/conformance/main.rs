//! The store conformance suite: every case runs on SQLite in memory, on an SQLite file, and on
//! PostgreSQL when `PORTICO_TEST_DATABASE_URL` is set (each PostgreSQL case in its own schema).
//! Set `PORTICO_REQUIRE_POSTGRES=1` to make a missing URL a failure instead of a skip.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is a failed test.

mod app_grants;
mod cases;
mod claims;
mod counters;
mod device_codes;
mod differential;
mod durability;
mod fixtures;
mod generated_filters;
mod lifecycle;
mod logs;
mod mau;
mod sponsors;
mod user_profile;

use fixtures::{open_postgres, open_sqlite_file, open_sqlite_memory};

macro_rules! conformance {
    ($($case:ident),* $(,)?) => {
        mod sqlite_memory {
            $(#[tokio::test] async fn $case() { crate::cases::$case(crate::open_sqlite_memory().await).await })*
        }
        mod sqlite_file {
            $(#[tokio::test] async fn $case() {
                let (store, _dir) = crate::open_sqlite_file().await;
                crate::cases::$case(store).await
            })*
        }
        mod postgres {
            $(#[tokio::test] async fn $case() {
                if let Some(store) = crate::open_postgres(stringify!($case)).await {
                    crate::cases::$case(store).await
                }
            })*
        }
    };
}

conformance!(
    tenants_and_domains,
    duplicate_domain_is_a_conflict_and_nothing_is_written,
    user_round_trip,
    upn_is_unique_per_tenant,
    proxy_addresses_are_unique_across_recipients,
    proxy_addresses_follow_updates_and_deletes,
    concurrent_claims_of_one_proxy_address_yield_one_owner,
    users_are_found_by_any_address,
    tenant_scoping_never_leaks_rows,
    batches_are_all_or_nothing,
    paging_is_ordered_and_complete,
    groups_and_members,
    applications_roles_and_assignments,
    policy_documents,
    invitations_logs_and_keys,
    outbox_filters_and_delivery,
    reset_replaces_everything,
    authorization_codes_are_single_use_under_concurrency,
    refresh_tokens_rotate_once_and_families_revoke,
    login_flows_and_sessions,
    filters_agree_with_the_evaluator,
    generated_filter_text_runs_and_agrees_with_the_evaluator,
    guest_bindings_are_one_per_home_account,
    invitations_redeem_once,
    terms_are_accepted_once_and_risk_is_listed_per_tenant,
    partner_entries_are_inserted_once_and_updated_only_while_they_exist,
    monthly_active_guests_count_each_successful_guest_once_per_month,
    log_purges_go_in_batches_per_tenant_and_keep_monthly_active_guests,
    sign_in_log_pages_and_filters_agree_with_the_evaluator,
    audit_log_pages_and_filters_agree_with_the_evaluator,
    flow_attempts_are_claimed_atomically,
    lockout_claims_lock_at_the_threshold_and_grow,
    familiar_addresses_and_quotas,
    totp_steps_are_claimed_once,
    ended_login_flows_stay_ended,
    familiar_addresses_are_bounded_per_account_and_by_age,
    cancelled_callers_do_not_lose_data,
    narrow_user_writes_keep_a_concurrent_disable,
    user_patches_set_only_what_they_name,
    user_patches_report_conflicts_and_missing_users,
    sponsors_are_tenant_objects_and_go_with_either_side,
    user_profiles_round_trip_and_patch_by_name,
    identities_and_profile_filters_agree_with_the_evaluator,
    sign_in_rows_move_the_users_sign_in_activity,
    deleted_users_restore_with_their_links_or_purge,
    revocation_moves_the_sessions_valid_from,
    group_kinds_round_trip_and_members_can_be_frozen,
    device_codes_settle_once_and_polls_keep_their_interval,
    app_grants_are_kept_per_tenant_and_go_with_their_applications,
);

#[tokio::test]
async fn sqlite_file_survives_reopen_in_wal_mode() {
    fixtures::sqlite_file_survives_reopen().await
}

#[cfg(unix)]
#[tokio::test]
async fn sqlite_files_are_readable_by_their_owner_only() {
    durability::sqlite_files_are_private().await
}

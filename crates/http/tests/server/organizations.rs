//! S14: a signed-in identity lists the organisations where it has an account — home and each
//! tenant that invited it — on the page and through the API, and switches between them.

use crate::harness::spawn_demo;
use crate::oidc_client::{redeem as redeem_code, CLI_APP, VERIFIER};
use crate::walk::*;
use serde_json::Value;

const CONTOSO: &str = "11111111-1111-4111-8111-111111111111";
const FABRIKAM: &str = "22222222-2222-4222-8222-222222222222";
const ADATUM: &str = "33333333-3333-4333-8333-333333333333";

fn alice() -> Person {
    Person {
        totp: Some("JBSWY3DPEHPK3PXP".into()),
        ..Person::new("alice@fabrikam.com")
    }
}

#[tokio::test]
async fn s14_alice_lists_her_organizations_and_switches_between_them() {
    let server = spawn_demo().await;
    let contoso = admin(&server, "contoso").await;
    let adatum = admin(&server, "adatum").await;
    let to_contoso = invite(&server, &contoso, "alice@fabrikam.com").await;
    let (redeemed, _) = redeem(&server, &to_contoso, &alice(), &[]).await;
    redeemed.location();
    invite(&server, &adatum, "alice@fabrikam.com").await;

    // Contoso's direct link: signed in, her organisations listed, Contoso current.
    let client = browser_with(&server, &[]);
    let response = client
        .get(server.url(&format!("/{CONTOSO}")))
        .send()
        .await
        .unwrap();
    let at_contoso = walk(&server, &client, response, &alice()).await;
    let page = at_contoso.signed_in_page();
    let listed = |tenant: &str| page.contains(&format!("data-tenant-id=\"{tenant}\""));
    assert!(
        listed(FABRIKAM) && listed(CONTOSO) && listed(ADATUM),
        "{page}"
    );
    assert!(page.contains("Fabrikam") && page.contains("home"), "{page}");
    assert!(
        page.contains("PendingAcceptance"),
        "Adatum's invitation is not redeemed yet: {page}"
    );
    assert!(page.contains("(current)"));

    // Switching to Adatum signs her in there (and redeems the pending invitation).
    let switch = regex::Regex::new(&format!(r#"href="([^"]*/{ADATUM})""#))
        .unwrap()
        .captures(page)
        .unwrap()[1]
        .to_owned();
    let response = client.get(&switch).send().await.unwrap();
    let at_adatum = crate::walk::walk(&server, &client, response, &alice()).await;
    assert!(at_adatum.pages.contains(&"consent"), "{at_adatum:?}");
    let page = at_adatum.signed_in_page();
    assert!(page.contains("You're signed in to Adatum"), "{page}");
    assert!(!page.contains("PendingAcceptance"), "redeemed now: {page}");

    // The API, with a token Contoso issued to her guest object.
    let signed = sign_in(&server, &browser_with(&server, &[]), CLI_APP, &alice()).await;
    let code = url::Url::parse(signed.location())
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    let tokens: Value = redeem_code(&server, &code, VERIFIER)
        .await
        .json()
        .await
        .unwrap();
    let response = server
        .client
        .get(server.url("/portico/v1/me/tenants"))
        .bearer_auth(tokens["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let mine: Value = response.json().await.unwrap();
    let entries = mine["value"].as_array().unwrap();
    assert_eq!(entries.len(), 3, "{mine}");
    assert_eq!(entries[0]["tenantId"], FABRIKAM);
    assert_eq!(entries[0]["relationship"], "home");
    assert_eq!(entries[0]["externalUserState"], Value::Null);
    let contoso_entry = entries.iter().find(|e| e["tenantId"] == CONTOSO).unwrap();
    assert_eq!(contoso_entry["relationship"], "guest");
    assert_eq!(contoso_entry["externalUserState"], "Accepted");
    assert_eq!(contoso_entry["isCurrent"], true);
    assert_eq!(contoso_entry["userId"], to_contoso["invitedUser"]["id"]);
    assert!(contoso_entry["signInUrl"]
        .as_str()
        .unwrap()
        .ends_with(CONTOSO));

    // App-only tokens have no organisations; no token is a 401.
    let app = admin(&server, "contoso").await;
    let response = server
        .client
        .get(server.url("/portico/v1/me/tenants"))
        .bearer_auth(app)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    let response = server
        .client
        .get(server.url("/portico/v1/me/tenants"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
}

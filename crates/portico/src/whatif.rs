//! `portico what-if`: the policy engine's answer for a hypothetical sign-in, against the store a
//! server uses or a fresh in-memory world (`--demo`, `--seed FILE`). Nothing is written.

use crate::cli::WhatIfArgs;
use anyhow::{anyhow, bail, Context, Result};
use portico_app::seed;
use portico_app::sign_in_policy::whatif::WhatIfRequest;
use portico_app::tokens::master_key::{MasterKey, MasterKeySource};
use portico_app::{App, AppConfig};
use portico_model::conditional_access::RiskLevel;
use portico_store::{SqlStore, Store, StoreConfig};
use std::collections::BTreeMap;
use std::sync::Arc;

fn headers(lines: &[String]) -> Result<BTreeMap<String, String>> {
    lines
        .iter()
        .map(|line| {
            let (name, value) = line
                .split_once(':')
                .ok_or_else(|| anyhow!("--header '{line}' must be 'Name: value'"))?;
            Ok((name.trim().to_owned(), value.trim().to_owned()))
        })
        .collect()
}

pub async fn what_if(args: WhatIfArgs) -> Result<()> {
    let world = if args.demo {
        Some(seed::demo()?)
    } else if let Some(path) = &args.seed {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        Some(seed::parse(&text)?)
    } else {
        None
    };
    let store_config = if world.is_some() {
        StoreConfig::SqliteMemory
    } else {
        args.store.existing_store_config()?
    };
    let store: Arc<dyn Store> = Arc::new(SqlStore::open(&store_config).await?);
    let config = AppConfig {
        public_url: "https://localhost:8443".parse()?,
        dev_mode: false,
        seed: world,
        extra_root_pem: None,
    };
    let app = App::start(store, config, MasterKey::load(&MasterKeySource::Ephemeral)?).await?;
    let sign_in_risk = args
        .sign_in_risk
        .as_deref()
        .map(RiskLevel::parse)
        .transpose()
        .map_err(|e| anyhow!("--sign-in-risk: {e}"))?;
    let request = WhatIfRequest {
        user: args.user.clone(),
        resource_tenant: args.resource_tenant.clone(),
        app_id: args.app.clone(),
        ip_address: args.ip.clone(),
        headers: headers(&args.headers)?,
        device_compliant: args.device_compliant,
        device_domain_joined: args.device_domain_joined,
        home_mfa_satisfied: args.home_mfa,
        mfa_satisfied: args.mfa,
        sign_in_risk,
    };
    let answer = match app.what_if(&request).await {
        Ok(answer) => answer,
        Err(error) => bail!("{error}"),
    };
    if args.json {
        let json = portico_wire::whatif::WhatIfAnswer::new(&answer.evaluation, answer.user_exists);
        crate::output::println(&serde_json::to_string_pretty(&json)?)?;
    } else {
        crate::output::print(&portico_policy::report::render(&answer.evaluation))?;
    }
    Ok(())
}

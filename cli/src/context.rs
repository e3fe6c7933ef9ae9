//! Where a command's credentials come from (a stored account or the environment), the
//! account store, and the secret (a hidden prompt or stdin, never argv).

use std::io::{self, BufRead, IsTerminal};

use jtl_connect::{
    Account, AccountClient, AccountStore, ClientCredentials, CloudClient, Endpoints, Secret, System,
};

use crate::{
    args::Global,
    error::{CliError, CliResult},
    exit,
};

/// A client and a short description of where its credentials came from.
pub(crate) struct Resolved {
    /// The client, of the account's system.
    pub(crate) client: AccountClient,
    /// `account "shop" (jtl-cloud)` or `client demo-client-id from JTL_CLIENT_ID`.
    pub(crate) source: String,
}

/// Opens the account store (`--db`, else `$JTL_CONNECT_DB`, else the per-user default).
pub(crate) fn open_store(global: &Global) -> CliResult<AccountStore> {
    Ok(AccountStore::open(global.db.as_deref())?)
}

/// Errors of the local store about names and ids (`not_found`, `conflict`) are input
/// errors of this command line, not API errors.
pub(crate) fn local(error: jtl_connect::Error) -> CliError {
    let error = CliError::from(error);
    match error.code.as_str() {
        "not_found" | "conflict" => error.with_exit(exit::INPUT),
        _ => error,
    }
}

/// The stored account `spec` names: its name, `SYSTEM:NAME`, or its id.
pub(crate) fn find_account(store: &AccountStore, spec: &str) -> CliResult<Account> {
    let spec = spec.trim();
    if let Some((system, name)) = spec.split_once(':') {
        if let Ok(system) = System::parse(system) {
            return store
                .find(system, name)
                .map_err(local)?
                .ok_or_else(|| unknown_account(spec));
        }
    }
    let matches: Vec<Account> = store
        .list()
        .map_err(local)?
        .into_iter()
        .filter(|a| a.name == spec || a.id == spec)
        .collect();
    match matches.len() {
        0 => Err(unknown_account(spec)),
        1 => Ok(matches
            .into_iter()
            .next()
            .ok_or_else(|| unknown_account(spec))?),
        _ => {
            let systems: Vec<&str> = matches.iter().map(|a| a.system.as_str()).collect();
            Err(CliError::input(format!(
                "account: {spec:?} is ambiguous, it exists for {}; say which, e.g. --account {}:{spec}",
                systems.join(" and "),
                systems[0]
            )))
        }
    }
}

fn unknown_account(spec: &str) -> CliError {
    CliError::input(format!(
        "account: no stored account named {spec:?}; see `jtl-connect accounts list`"
    ))
}

/// The client for the command: `--account NAME` from the store, else the environment
/// (`JTL_CLIENT_ID`, `JTL_CLIENT_SECRET`, `JTL_TENANT_ID`, `--env`/`JTL_ENVIRONMENT`).
/// `tenant` overrides the default tenant (Cloud only).
pub(crate) fn client(global: &Global, tenant: Option<&str>) -> CliResult<Resolved> {
    if let Some(user) = &global.user {
        return user_client(global, user, tenant);
    }
    if let Some(spec) = &global.account {
        if global.env.is_some() {
            return Err(CliError::input(
                "--env: a stored account keeps its own environment; change it with `jtl-connect accounts edit NAME --environment ENV`",
            ));
        }
        let store = open_store(global)?;
        let account = find_account(&store, spec)?;
        if tenant.is_some() && account.system != System::Cloud {
            return Err(CliError::input(format!(
                "--tenant: only jtl-cloud accounts have tenants; {:?} is a {} account",
                account.name, account.system
            )));
        }
        let client = store.client(&account.id, tenant).map_err(local)?;
        return Ok(Resolved {
            client,
            source: format!("account {:?} ({})", account.name, account.system),
        });
    }
    let credentials = ClientCredentials::from_env().map_err(|e| {
        CliError::from(e).context(
            "no credentials: pass --account NAME (see `jtl-connect accounts list`) or set JTL_CLIENT_ID and JTL_CLIENT_SECRET",
        )
    })?;
    let source = format!("client {} from JTL_CLIENT_ID", credentials.client_id());
    let endpoints = match (&global.env, env_value("JTL_ENVIRONMENT")) {
        (Some(name), _) => {
            Endpoints::from_name(name).map_err(|e| CliError::from(e).context("--env"))?
        }
        (None, Some(name)) => {
            Endpoints::from_name(&name).map_err(|e| CliError::from(e).context("JTL_ENVIRONMENT"))?
        }
        (None, None) => Endpoints::production(),
    };
    let mut builder = CloudClient::builder(credentials).endpoints(endpoints);
    if let Some(tenant) = tenant
        .map(str::to_owned)
        .or_else(|| env_value("JTL_TENANT_ID"))
    {
        builder = builder.tenant_id(tenant);
    }
    Ok(Resolved {
        client: AccountClient::Cloud(builder.build()?),
        source,
    })
}

/// `--user ID`: the stored grant of that user for `--account` (user-bound access).
fn user_client(global: &Global, user: &str, tenant: Option<&str>) -> CliResult<Resolved> {
    let Some(spec) = &global.account else {
        return Err(CliError::input(
            "--user: needs --account NAME, the jtl-cloud account the user signed in to (`jtl-connect login --account NAME`)",
        ));
    };
    let store = open_store(global)?;
    let account = find_account(&store, spec)?;
    if account.system != System::Cloud {
        return Err(CliError::input(format!(
            "--user: users sign in to jtl-cloud accounts; {:?} is a {} account",
            account.name, account.system
        )));
    }
    let client = store
        .user_client(&account.id, user, tenant)
        .map_err(|e| match e.code() {
            "not_found" => CliError::from(e)
                .context(&format!(
                    "--user: sign the user in first with `jtl-connect login --account {:?}`",
                    account.name
                ))
                .with_exit(exit::INPUT),
            _ => CliError::from(e),
        })?;
    Ok(Resolved {
        client: AccountClient::Cloud(client),
        source: format!("account {:?} (jtl-cloud) as user {user}", account.name),
    })
}

fn env_value(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// Reads a secret: the first line of stdin with `from_stdin`, else a hidden prompt when
/// stdin is a terminal. Never from the command line.
pub(crate) fn read_secret(what: &str, from_stdin: bool) -> CliResult<Secret> {
    let secret = if from_stdin {
        let mut line = String::new();
        io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| CliError::input(format!("{what}: cannot read stdin ({e})")))?;
        while line.ends_with(['\n', '\r']) {
            line.pop();
        }
        Secret::new(line)
    } else if io::stdin().is_terminal() {
        let value = rpassword::prompt_password(format!("{what} (hidden): ")).map_err(|e| {
            CliError::input(format!("{what}: cannot read it from the terminal ({e})"))
        })?;
        Secret::new(value)
    } else {
        return Err(CliError::input(format!(
            "{what}: required; run in a terminal to be asked for it, or pipe it in with --secret-stdin (never as an argument)"
        )));
    };
    if secret.is_blank() {
        return Err(CliError::input(format!(
            "{what}: expected a value; found an empty line"
        )));
    }
    Ok(secret)
}

/// Splits `NAME=VALUE` (the value may be empty and may contain `=`).
pub(crate) fn pair(flag: &str, value: &str) -> CliResult<(String, String)> {
    match value.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_owned(), value.to_owned()))
        }
        _ => Err(CliError::input(format!(
            "{flag}: expected NAME=VALUE; found {value:?}"
        ))),
    }
}

/// Reads the argument itself, `@FILE`, or `@-`/`-` (stdin).
pub(crate) fn argument_or_file(flag: &str, value: &str) -> CliResult<String> {
    let read = |path: &str| -> CliResult<String> {
        if path == "-" {
            io::read_to_string(io::stdin().lock())
                .map_err(|e| CliError::input(format!("{flag}: cannot read stdin ({e})")))
        } else {
            std::fs::read_to_string(path)
                .map_err(|e| CliError::input(format!("{flag}: cannot read {path}: {e}")))
        }
    };
    match value {
        "-" => read("-"),
        _ => match value.strip_prefix('@') {
            Some(path) => read(path),
            None => Ok(value.to_owned()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs() {
        assert_eq!(
            pair("--query", "a=b=c").unwrap(),
            ("a".to_owned(), "b=c".to_owned())
        );
        assert_eq!(pair("--field", "x=").unwrap().1, "");
        assert_eq!(pair("--query", "novalue").unwrap_err().exit, exit::INPUT);
        assert!(pair("--query", "=v").is_err());
    }
}

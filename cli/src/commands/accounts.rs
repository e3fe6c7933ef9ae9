//! `accounts add|list|edit|delete|test`: the account store from the terminal. Secrets come
//! from a hidden prompt or stdin and are never printed (only the store's masked hint).

use std::io::{self, BufRead, IsTerminal, Write};

use jtl_connect::{store::KeySource, Account, System};
use serde_json::{json, Value};

use crate::{
    args::{
        AccountsCommand, AddArgs, DeleteArgs, EditArgs, FieldArgs, Global, RotateKeyArgs, TestArgs,
    },
    context::{find_account, local, open_store, pair, read_secret},
    error::{CliError, CliResult},
    exit, output,
};

/// Runs an `accounts` subcommand.
pub(crate) async fn run(global: &Global, command: AccountsCommand) -> CliResult {
    match command {
        AccountsCommand::Add(args) => add(global, &args),
        AccountsCommand::List => list(global),
        AccountsCommand::Edit(args) => edit(global, &args),
        AccountsCommand::Delete(args) => delete(global, &args),
        AccountsCommand::Test(args) => test(global, &args).await,
        AccountsCommand::RotateKey(args) => rotate_key(global, &args),
    }
}

/// The secret fields of every system: refused on the command line.
fn is_secret_field(name: &str) -> bool {
    System::ALL.iter().any(|s| s.secret_field() == name)
}

/// The fields given as flags, in the store's names.
fn collect_fields(args: &FieldArgs) -> CliResult<Vec<(String, String)>> {
    let named = [
        ("client_id", &args.client_id),
        ("tenant_id", &args.tenant_id),
        ("environment", &args.environment),
        ("base_url", &args.base_url),
        ("app_id", &args.app_id),
        ("app_version", &args.app_version),
        ("sandbox", &args.sandbox),
    ];
    let mut fields: Vec<(String, String)> = named
        .into_iter()
        .filter_map(|(name, value)| value.as_ref().map(|v| (name.to_owned(), v.clone())))
        .collect();
    for field in &args.fields {
        let (name, value) = pair("--field", field)?;
        if is_secret_field(&name) {
            return Err(CliError::input(format!(
                "{name}: secrets are never taken from the command line (shell history, ps); use the hidden prompt or --secret-stdin"
            )));
        }
        fields.push((name, value));
    }
    Ok(fields)
}

fn borrowed(fields: &[(String, String)]) -> Vec<(&str, &str)> {
    fields
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect()
}

fn account_json(account: &Account) -> Value {
    serde_json::to_value(account).unwrap_or(Value::Null)
}

fn show_account(global: &Global, verb: &str, account: &Account) -> CliResult {
    if global.json {
        return output::json(&account_json(account));
    }
    let mut rows = vec![
        ("name", account.name.clone()),
        ("system", account.system.to_string()),
        ("id", account.id.clone()),
    ];
    rows.extend(account.fields.iter().map(|(k, v)| (k.as_str(), v.clone())));
    rows.push((
        account.system.secret_field(),
        account
            .secret_hint
            .clone()
            .unwrap_or_else(|| "stored".to_owned()),
    ));
    output::line(&format!(
        "{verb} {} account {:?}",
        account.system, account.name
    ))?;
    output::table(&rows)
}

fn add(global: &Global, args: &AddArgs) -> CliResult {
    let system = System::parse(&args.system)?;
    let mut fields = collect_fields(&args.fields)?;
    if let Some(env) = &global.env {
        if system == System::Wawi {
            return Err(CliError::input(
                "--env: jtl-wawi accounts have a base URL (--base-url), not an environment",
            ));
        }
        if !fields.iter().any(|(n, _)| n == "environment") {
            fields.push(("environment".to_owned(), env.clone()));
        }
    }
    let store = open_store(global)?;
    if store.find(system, &args.name)?.is_some() {
        return Err(CliError::new(
            "conflict",
            format!(
                "name: an account named {:?} already exists for {system}; choose another name or use `accounts edit`",
                args.name.trim()
            ),
        )
        .with_exit(exit::INPUT));
    }
    // Every other field is checked before the secret is asked for.
    system.check_fields(&borrowed(&fields)).map_err(local)?;
    let secret_field = system.secret_field();
    let secret = read_secret(
        &format!("{secret_field} for {system} account {:?}", args.name.trim()),
        args.secret_stdin,
    )?;
    let mut all = borrowed(&fields);
    all.push((secret_field, secret.expose()));
    let account = store.add(system, &args.name, &all).map_err(local)?;
    show_account(global, "added", &account)
}

fn list(global: &Global) -> CliResult {
    let store = open_store(global)?;
    let accounts = store.list()?;
    if global.json {
        return output::json(&Value::Array(accounts.iter().map(account_json).collect()));
    }
    if accounts.is_empty() {
        output::note("no accounts stored; add one with `jtl-connect accounts add SYSTEM NAME`");
        return Ok(());
    }
    let header = ["SYSTEM", "NAME", "FIELDS", "SECRET", "ID"];
    let rows: Vec<[String; 5]> = accounts
        .iter()
        .map(|a| {
            [
                a.system.to_string(),
                a.name.clone(),
                a.fields
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join(" "),
                a.secret_hint.clone().unwrap_or_else(|| "stored".into()),
                a.id.clone(),
            ]
        })
        .collect();
    let widths: Vec<usize> = (0..5)
        .map(|i| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([header[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let render = |cells: &[String]| -> String {
        cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_owned()
    };
    let mut lines = vec![render(&header.map(str::to_owned))];
    lines.extend(rows.iter().map(|r| render(r)));
    output::line(&lines.join("\n"))
}

fn edit(global: &Global, args: &EditArgs) -> CliResult {
    let store = open_store(global)?;
    let account = find_account(&store, &args.account)?;
    let fields = collect_fields(&args.fields)?;
    let secret_field = account.system.secret_field();
    // Moving where the secret is sent needs the secret again (the store refuses otherwise):
    // ask for it here, after every field was checked.
    let moved = account
        .system
        .moved_destination(&account.fields, &borrowed(&fields))
        .map_err(local)?;
    let secret = if args.secret_stdin || args.new_secret {
        Some(read_secret(
            &format!(
                "new {secret_field} for {} account {:?}",
                account.system, account.name
            ),
            args.secret_stdin,
        )?)
    } else if let Some(field) = moved {
        Some(read_secret(
            &format!(
                "{secret_field} of {} account {:?} again ({field} changes where it is sent)",
                account.system, account.name
            ),
            false,
        )?)
    } else {
        None
    };
    if fields.is_empty() && secret.is_none() && args.rename.is_none() {
        return Err(CliError::input(
            "nothing to change: give --rename, a field flag (--tenant-id, --field NAME=VALUE, ...), --new-secret or --secret-stdin",
        ));
    }
    let mut all = borrowed(&fields);
    if let Some(secret) = &secret {
        all.push((account.system.secret_field(), secret.expose()));
    }
    let updated = store
        .update(&account.id, args.rename.as_deref(), &all)
        .map_err(local)?;
    show_account(global, "updated", &updated)
}

fn delete(global: &Global, args: &DeleteArgs) -> CliResult {
    let store = open_store(global)?;
    let account = find_account(&store, &args.account)?;
    if !args.yes {
        if !io::stdin().is_terminal() {
            return Err(CliError::input(
                "--yes: required to delete without a terminal to confirm on",
            ));
        }
        eprint!(
            "Delete the {} account {:?} ({})? [y/N] ",
            account.system, account.name, account.id
        );
        let _ = io::stderr().flush();
        let mut answer = String::new();
        io::stdin()
            .lock()
            .read_line(&mut answer)
            .map_err(|e| CliError::input(format!("cannot read the answer: {e}")))?;
        if !matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
            return Err(CliError::input("not deleted: not confirmed"));
        }
    }
    store.delete(&account.id).map_err(local)?;
    if global.json {
        return output::json(&json!({
            "deleted": true,
            "id": account.id,
            "name": account.name,
            "system": account.system,
        }));
    }
    output::line(&format!(
        "deleted {} account {:?} ({})",
        account.system, account.name, account.id
    ))
}

async fn test(global: &Global, args: &TestArgs) -> CliResult {
    let store = open_store(global)?;
    let account = find_account(&store, &args.account)?;
    if args.tenant.is_some() && account.system != System::Cloud {
        return Err(CliError::input(format!(
            "--tenant: only jtl-cloud accounts have tenants; {:?} is a {} account",
            account.name, account.system
        )));
    }
    let result = store
        .test_connection(&account.id, args.tenant.as_deref())
        .await
        .map_err(local)?;
    if global.json {
        let mut value = serde_json::to_value(&result).unwrap_or(Value::Null);
        if let Value::Object(map) = &mut value {
            map.insert(
                "account".into(),
                json!({"id": account.id, "name": account.name, "system": account.system}),
            );
        }
        output::json(&value)?;
    }
    match (result.ok, result.code) {
        (true, _) => {
            if !global.json {
                output::line(&format!(
                    "ok: {} account {:?}: {} ({} ms)",
                    account.system, account.name, result.message, result.elapsed_ms
                ))?;
            }
            Ok(())
        }
        (false, code) => Err(CliError::new(
            code.as_deref().unwrap_or("api"),
            format!(
                "{} account {:?}: {}",
                account.system, account.name, result.message
            ),
        )),
    }
}

fn rotate_key(global: &Global, args: &RotateKeyArgs) -> CliResult {
    let store = open_store(global)?;
    let new_key = if args.new_key_stdin {
        let text = read_secret("the new master key", true)?;
        Some(
            jtl_connect::store::crypto::parse_master_key(text.expose(), "--new-key-stdin")
                .map_err(local)?,
        )
    } else if matches!(store.key_source(), KeySource::File(_)) {
        None
    } else {
        return Err(CliError::input(
            "--new-key-stdin: required, the master key comes from JTL_CONNECT_MASTER_KEY; pipe the new key in (then set JTL_CONNECT_MASTER_KEY to it)",
        ));
    };
    let rotation = store.rotate_master_key(new_key.as_deref()).map_err(local)?;
    if global.json {
        return output::json(&serde_json::to_value(&rotation).unwrap_or(Value::Null));
    }
    output::line(&format!(
        "rotated the master key: generation {}, {} accounts re-sealed{}",
        rotation.generation,
        rotation.resealed,
        if rotation.unreadable > 0 {
            format!(
                ", {} changed outside the store left refused",
                rotation.unreadable
            )
        } else {
            String::new()
        }
    ))?;
    match store.key_source() {
        KeySource::File(path) => output::note(&format!("the new key is in {}", path.display())),
        _ => output::note("use the new key from now on (JTL_CONNECT_MASTER_KEY)"),
    }
    Ok(())
}

//! `graphql QUERY|@FILE [--var NAME=VALUE]… [--variables JSON] [--paginate CONNECTION]
//! [--out FILE.jsonl]`: a GraphQL operation on the Cloud ERP API, its data printed as JSON,
//! or a connection walked into JSON Lines with the same progress bar as `paginate`.

use std::{
    io::{self, BufWriter, Read, Write},
    path::{Path, PathBuf},
};

use jtl_connect::AccountClient;
use serde_json::{json, Map, Value};

use crate::{
    args::{Global, GraphqlArgs},
    commands::paginate::{create, write_error},
    context::client,
    error::{CliError, CliResult},
    output,
};

/// Runs `graphql`.
pub(crate) async fn run(global: &Global, args: &GraphqlArgs) -> CliResult {
    let query = document(&args.query)?;
    let variables = variables(args.variables.as_deref(), &args.var)?;
    let resolved = client(global, args.tenant.as_deref())?;
    let AccountClient::Cloud(cloud) = &resolved.client else {
        return Err(CliError::input(format!(
            "graphql: GraphQL is the Cloud ERP API's; {} is not a JTL Cloud account",
            resolved.source
        )));
    };
    let Some(connection) = &args.paginate else {
        let data = cloud
            .graphql(&query, variables, args.operation_name.as_deref())
            .await?;
        return match &args.out {
            None => output::json(&data),
            Some(path) if path.as_os_str() == "-" => output::json(&data),
            Some(path) => {
                let text = serde_json::to_string_pretty(&data)
                    .map_err(|e| CliError::new("io", format!("cannot format JSON: {e}")))?;
                std::fs::write(path, text + "\n").map_err(|e| write_error(path, &e))?;
                output::line(&format!("wrote the data to {}", path.display()))
            }
        };
    };
    if args.operation_name.is_some() {
        return Err(CliError::input(
            "--operation-name: not with --paginate; give a document with one query",
        ));
    }
    let mut pages = cloud
        .paginate_graphql(&query, variables, connection, Some(args.page_size))?
        .prefetching();
    let out_path = args.out.clone().unwrap_or_else(|| PathBuf::from("-"));
    let to_stdout = out_path.as_os_str() == "-";
    let mut out: Box<dyn Write> = if to_stdout {
        Box::new(BufWriter::new(io::stdout().lock()))
    } else {
        Box::new(BufWriter::new(create(&out_path)?))
    };
    let bar = output::progress_bar(output::show_progress(global.json));
    let mut items: u64 = 0;
    let walked = async {
        while let Some(page) = pages.next_page().await? {
            if let (Some(total), None) = (page.total_items, bar.length()) {
                output::set_total(&bar, total);
            }
            for item in &page.items {
                let line = serde_json::to_string(item)
                    .map_err(|e| CliError::new("io", format!("cannot format a record: {e}")))?;
                writeln!(out, "{line}").map_err(|e| write_error(&out_path, &e))?;
                items += 1;
            }
            bar.set_position(items);
            bar.set_message(format!("page {}", page.page_number));
        }
        out.flush().map_err(|e| write_error(&out_path, &e))
    }
    .await;
    bar.finish_and_clear();
    let pages_fetched = pages.pages_fetched();
    if let Err(error) = walked {
        return Err(if items > 0 {
            error.context(&format!(
                "after {items} records written to {}",
                out_path.display()
            ))
        } else {
            error
        });
    }
    let text = format!(
        "wrote {items} records of {connection} from {pages_fetched} pages to {}",
        out_path.display()
    );
    let summary = json!({
        "items": items,
        "pages": pages_fetched,
        "total_count": pages.total_items(),
        "out": out_path.display().to_string(),
    });
    match (global.json, to_stdout) {
        (true, false) => output::json(&summary),
        (true, true) => {
            output::note(&summary.to_string());
            Ok(())
        }
        (false, false) => output::line(&text),
        (false, true) => {
            output::note(&text);
            Ok(())
        }
    }
}

/// The document: the argument itself, or the file after `@` (`@-`: stdin).
fn document(arg: &str) -> CliResult<String> {
    let Some(file) = arg.strip_prefix('@') else {
        return Ok(arg.to_owned());
    };
    if file == "-" {
        let mut text = String::new();
        io::stdin().read_to_string(&mut text).map_err(|e| {
            CliError::input(format!("QUERY: cannot read the document from stdin: {e}"))
        })?;
        return Ok(text);
    }
    std::fs::read_to_string(Path::new(file))
        .map_err(|e| CliError::input(format!("QUERY: cannot read the document from {file}: {e}")))
}

/// `--variables JSON` plus every `--var NAME=VALUE`.
fn variables(json_text: Option<&str>, vars: &[String]) -> CliResult<Option<Value>> {
    let mut map = match json_text {
        None => Map::new(),
        Some(text) => match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(map)) => map,
            Ok(_) => {
                return Err(CliError::input(
                    "--variables: expected a JSON object like {\"first\": 10}; found another JSON value",
                ))
            }
            Err(e) => {
                return Err(CliError::input(format!(
                    "--variables: expected a JSON object; could not parse it: {e}"
                )))
            }
        },
    };
    for var in vars {
        let Some((name, value)) = var.split_once('=') else {
            return Err(CliError::input(format!(
                "--var: expected NAME=VALUE; found {var:?}"
            )));
        };
        let name = name.trim().trim_start_matches('$');
        if name.is_empty() {
            return Err(CliError::input(format!(
                "--var: expected a variable name before '='; found {var:?}"
            )));
        }
        let value = serde_json::from_str(value).unwrap_or_else(|_| Value::String(value.to_owned()));
        map.insert(name.to_owned(), value);
    }
    Ok((!map.is_empty()).then_some(Value::Object(map)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_from_json_and_vars() {
        let v = variables(
            Some(r#"{"a": 1}"#),
            &["b=2".into(), "$c=text".into(), "d={\"x\":true}".into()],
        )
        .unwrap()
        .unwrap();
        assert_eq!(v, json!({"a": 1, "b": 2, "c": "text", "d": {"x": true}}));
        assert_eq!(variables(None, &[]).unwrap(), None);
        assert!(variables(Some("[1]"), &[]).is_err());
        assert!(variables(None, &["novalue".into()]).is_err());
        assert!(variables(None, &["=5".into()]).is_err());
    }
}

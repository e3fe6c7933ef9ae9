//! `paginate PATH --out FILE.jsonl`: every record of a list endpoint, one JSON object per
//! line, with a progress bar on a terminal's stderr.

use std::{
    fs::File,
    io::{self, BufWriter, Write},
    path::Path,
};

use jtl_connect::{AccountClient, ApiClient, Paginator};
use serde_json::json;

use crate::{
    args::{Global, PaginateArgs},
    commands::request::queries,
    context::client,
    error::{CliError, CliResult},
    output,
};

/// Runs `paginate`.
pub(crate) async fn run(global: &Global, args: &PaginateArgs) -> CliResult {
    let query = queries(&args.query)?;
    let resolved = client(global, args.tenant.as_deref())?;
    let size = Some(args.page_size);
    // The next page is requested while the current one is written out.
    let mut pages: Paginator = match &resolved.client {
        AccountClient::Cloud(c) => c.paginate(&args.path, query, size),
        AccountClient::Wawi(c) => c.paginate(&args.path, query, size),
        AccountClient::Scx(c) => c.paginate(&args.path, query, size),
    }
    .prefetching();
    let to_stdout = args.out.as_os_str() == "-";
    let mut out: Box<dyn Write> = if to_stdout {
        Box::new(BufWriter::new(io::stdout().lock()))
    } else {
        Box::new(BufWriter::new(create(&args.out)?))
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
                writeln!(out, "{line}").map_err(|e| write_error(&args.out, &e))?;
                items += 1;
            }
            bar.set_position(items);
            bar.set_message(format!("page {}", page.page_number));
        }
        out.flush().map_err(|e| write_error(&args.out, &e))
    }
    .await;
    bar.finish_and_clear();
    let pages_fetched = pages.pages_fetched();
    if let Err(error) = walked {
        return Err(if items > 0 {
            error.context(&format!(
                "after {items} records written to {}",
                args.out.display()
            ))
        } else {
            error
        });
    }
    let summary = json!({
        "items": items,
        "pages": pages_fetched,
        "out": args.out.display().to_string(),
    });
    let text = format!(
        "wrote {items} records from {pages_fetched} pages to {}",
        args.out.display()
    );
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

pub(crate) fn create(path: &Path) -> CliResult<File> {
    File::create(path)
        .map_err(|e| CliError::input(format!("--out: cannot create {}: {e}", path.display())))
}

pub(crate) fn write_error(path: &Path, error: &io::Error) -> CliError {
    if path.as_os_str() == "-" {
        CliError::output(error)
    } else {
        CliError::new("io", format!("cannot write {}: {error}", path.display()))
    }
}

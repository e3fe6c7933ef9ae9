//! `paginate PATH --out FILE.jsonl`.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::support::{exit, lines, run, Harness};

#[test]
fn writes_one_line_per_item() {
    let h = Harness::new();
    let out = h.dir.join("items.jsonl");
    let done = run(h.cloud(&[
        "paginate",
        "items",
        "--out",
        out.to_str().unwrap(),
        "--page-size",
        "7",
    ]))
    .expect(exit::OK);
    assert!(
        done.stdout.contains("wrote 60 records from 9 pages"),
        "{}",
        done.stdout
    );
    assert!(
        done.stderr.is_empty(),
        "no progress bar without a terminal: {}",
        done.stderr
    );
    let lines = lines(&out);
    assert_eq!(lines.len(), 60);
    let ids: BTreeSet<String> = lines
        .iter()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(ids.len(), 60, "every item once");

    let json = run(h.cloud(&[
        "--json",
        "paginate",
        "customers",
        "--out",
        out.to_str().unwrap(),
    ]))
    .expect(exit::OK)
    .json();
    assert_eq!(json["items"], 30);
    assert_eq!(json["pages"], 1);
    assert_eq!(
        crate::support::lines(&out).len(),
        30,
        "the file is replaced"
    );

    // `--out -` streams to stdout; the summary goes to stderr.
    let streamed = run(h.cloud(&[
        "paginate",
        "sales-orders",
        "--out",
        "-",
        "--page-size",
        "10",
    ]))
    .expect(exit::OK);
    assert_eq!(streamed.stdout.lines().count(), 25);
    assert!(
        streamed.stderr.contains("wrote 25 records from 3 pages"),
        "{}",
        streamed.stderr
    );

    // A Wawi account walks the PascalCase envelope.
    h.add_wawi_account("erp").expect(exit::OK);
    let wawi = h.dir.join("wawi.jsonl");
    run(h.cmd(&[
        "--account",
        "erp",
        "paginate",
        "v1/items",
        "--out",
        wawi.to_str().unwrap(),
        "--page-size",
        "50",
    ]))
    .expect(exit::OK);
    assert_eq!(crate::support::lines(&wawi).len(), 60);
}

#[test]
fn errors_have_their_exit_codes() {
    let h = Harness::new();
    run(h.cloud(&["paginate", "items", "--out", "/nonexistent-dir/x.jsonl"])).expect(exit::INPUT);
    let out = h.dir.join("x.jsonl");
    let missing = run(h.cloud(&["paginate", "nothing-here", "--out", out.to_str().unwrap()]))
        .expect(exit::API);
    assert!(
        missing.stderr.starts_with("error [not_found]:"),
        "{}",
        missing.stderr
    );
    run(h.cloud(&[
        "paginate",
        "items",
        "--out",
        out.to_str().unwrap(),
        "--page-size",
        "0",
    ]))
    .expect(exit::USAGE);
    run(h.cloud(&[
        "paginate",
        "items",
        "--out",
        out.to_str().unwrap(),
        "--query",
        "x",
    ]))
    .expect(exit::INPUT);
}

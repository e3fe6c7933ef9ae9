//! `graphql QUERY|@FILE [--var]… [--variables] [--paginate CONNECTION] [--out FILE.jsonl]`.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::support::{exit, lines, run, Harness};

const ALL_ITEMS: &str = "query($first: Int, $after: String) {
  QueryItems(first: $first, after: $after) {
    nodes { id sku } pageInfo { hasNextPage endCursor } totalCount } }";

#[test]
fn prints_the_data_as_json_with_variables() {
    let h = Harness::new();
    let done = run(h.cloud(&[
        "graphql",
        "query($n: Int) { QueryItems(first: $n) { nodes { sku } totalCount } }",
        "--var",
        "n=3",
    ]))
    .expect(exit::OK);
    let data = done.json();
    assert_eq!(data["QueryItems"]["nodes"].as_array().unwrap().len(), 3);
    assert!(data["QueryItems"]["totalCount"].as_u64().unwrap() >= 3);

    // A document from a file, variables as JSON, a mutation, then GetItemById.
    let file = h.dir.join("create.graphql");
    std::fs::write(
        &file,
        "mutation($request: CreateItemCommandRequestInput!) { CreateItem(request: $request) { itemId } }",
    )
    .unwrap();
    let created = run(h.cloud(&[
        "graphql",
        &format!("@{}", file.display()),
        "--variables",
        r#"{"request": {"sku": "CLI-GQL-1", "name": "From the CLI"}}"#,
    ]))
    .expect(exit::OK)
    .json();
    let id = created["CreateItem"]["itemId"].as_str().unwrap().to_owned();
    let item = run(h.cloud(&[
        "graphql",
        "query($id: ID!) { GetItemById(id: $id) { identifiers { sku } } }",
        "--var",
        &format!("id={id}"),
    ]))
    .expect(exit::OK)
    .json();
    assert_eq!(item["GetItemById"]["identifiers"]["sku"], "CLI-GQL-1");
}

#[test]
fn paginate_writes_one_line_per_item() {
    let h = Harness::new();
    let total = run(h.cloud(&["graphql", "{ QueryItems(first: 1) { totalCount } }"]))
        .expect(exit::OK)
        .json()["QueryItems"]["totalCount"]
        .as_u64()
        .unwrap();
    let out = h.dir.join("items.jsonl");
    let done = run(h.cloud(&[
        "graphql",
        ALL_ITEMS,
        "--paginate",
        "QueryItems",
        "--page-size",
        "7",
        "--out",
        out.to_str().unwrap(),
    ]))
    .expect(exit::OK);
    assert!(
        done.stdout.contains(&format!(
            "wrote {total} records of QueryItems from {} pages",
            total.div_ceil(7)
        )),
        "{}",
        done.stdout
    );
    assert!(
        done.stderr.is_empty(),
        "no progress bar without a terminal: {}",
        done.stderr
    );
    let ids: BTreeSet<String> = lines(&out)
        .iter()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["id"].to_string())
        .collect();
    assert_eq!(
        ids.len() as u64,
        total,
        "count = totalCount, no record twice"
    );
}

#[test]
fn errors_and_bad_input() {
    let h = Harness::new();
    let failed = run(h.cloud(&[
        "--json",
        "graphql",
        "{ QueryItems(first: 1) { totalCount } missing: GetItemById(id: \"00000000-0000-4000-8000-00000000dead\") { id } }",
    ]))
    .expect(exit::API);
    assert_eq!(
        failed.error_json()["error"]["code"],
        "graphql",
        "{}",
        failed.stderr
    );
    assert!(failed.stderr.contains("partial data"), "{}", failed.stderr);

    for (args, expected) in [
        (vec!["graphql", "{ a", "--var", "x"], "NAME=VALUE"),
        (
            vec!["graphql", "{ a }", "--variables", "[1]"],
            "JSON object",
        ),
        (vec!["graphql", "@/nonexistent/q.graphql"], "cannot read"),
        (
            vec![
                "graphql",
                "{ QueryItems { nodes { id } } }",
                "--paginate",
                "QueryItems",
            ],
            "$first",
        ),
    ] {
        let done = run(h.cloud(&args)).expect(exit::INPUT);
        assert!(done.stderr.contains(expected), "{args:?}: {}", done.stderr);
    }
}
